'use strict';
/**
 * OMICall simulator: a small HTTP server that answers like OMICall's public API as described in
 * shared/omicall-api.md, for development and tests only (never published).
 *
 * - GET /api/auth?apiKey=KEY exchanges a configured key for a JWT-like token with a configurable
 *   lifetime; an expired token is reported either as HTTP 401 or as HTTP 200 with -9999, because
 *   OMICall documents neither and integrators must cope with both.
 * - /api/webhooks/list|register|destroy keep one webhook per type, as OMICall does.
 * - Every answer is wrapped in the {status_code, payload} envelope; every request is logged so
 *   tests can count the calls a node made.
 * - placeCall()/changeContact() POST call and contact events to whatever hook is registered,
 *   retrying non-2xx answers a bounded number of times with send_num_retry counting up.
 */
const crypto = require('node:crypto');
const http = require('node:http');
const { buildCallEvents, buildContactEvent } = require('./call-events');

const SUCCESS = 9999;
const FAILURE = -9999;
const HOOK_TYPES = ['call', 'contact'];
const KNOWN_EVENTS = ['ringing', 'answered', 'hangup'];

class OmiCallSimulator {
	/**
	 * @param {object} [options]
	 * @param {string[]} [options.apiKeys] API keys that /api/auth accepts; each stands for an
	 *   account, numbered from 0, and the request log names the account behind each token
	 * @param {number} [options.tokenLifetimeMs] how long a token lives (OMICall: 24 hours)
	 * @param {'401'|'envelope'} [options.expiredTokenStyle] how an expired token is reported
	 * @param {number} [options.maxDeliveryAttempts] how often an event is sent before giving up
	 * @param {number} [options.retryDelayMs] pause between two delivery attempts
	 */
	constructor(options = {}) {
		this.apiKeys = [...new Set(options.apiKeys ?? ['sim-api-key'])];
		this.tokenLifetimeMs = options.tokenLifetimeMs ?? 24 * 60 * 60 * 1000;
		this.expiredTokenStyle = options.expiredTokenStyle ?? '401';
		this.maxDeliveryAttempts = options.maxDeliveryAttempts ?? 3;
		this.retryDelayMs = options.retryDelayMs ?? 50;
		this.instanceId = 'sim';
		/** @type {Map<string, {url: string, type: string, status: string, events: string[]|null}>} */
		this.hooks = new Map();
		/** @type {Array<{method: string, path: string, query: Record<string,string>, status: number, omiStatus?: number}>} */
		this.requests = [];
		/** @type {Array<{url: string, body: unknown, attempt: number, status: number|string}>} */
		this.deliveries = [];
		/** @type {Array<{path: string, status: number, body: string, contentType?: string, times: number, afterApplying: boolean, drop: boolean}>} */
		this.faults = [];
		/** URLs that register refuses (see refuseUrl). */
		this.refusedUrls = new Set();
		/** Until this time (ms since epoch) every connection is dropped unanswered (see goDown). */
		this.downUntil = 0;
		/** @type {Array<{path: string, ms: number, times: number}>} */
		this.delays = [];
		this.signingKey = crypto.randomBytes(32);
		this.revokedBefore = 0;
		this.server = http.createServer((req, res) => this.handle(req, res));
		this.url = '';
	}

	/** Starts listening on loopback; port 0 picks a free port. */
	async start(port = 0, host = '127.0.0.1') {
		await new Promise((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(port, host, () => resolve(undefined));
		});
		const address = /** @type {import('node:net').AddressInfo} */ (this.server.address());
		this.url = `http://${host}:${address.port}`;
		return this.url;
	}

	async stop() {
		this.server.closeAllConnections?.();
		await new Promise((resolve) => this.server.close(() => resolve(undefined)));
	}

	/** Requests served for a path (without query), e.g. count('/api/auth'). */
	count(path) {
		return this.requests.filter((r) => r.path === path).length;
	}

	resetLog() {
		this.requests = [];
		this.deliveries = [];
	}

	/** Makes every token issued so far expired, as if 24 hours had passed. */
	expireAllTokens() {
		this.revokedBefore = Date.now() + 1;
	}

	/**
	 * Answers the next `times` requests to `path` with a fixed raw answer instead of the real one:
	 * how tests make OMICall return an unknown error, a non-JSON page or a server error.
	 */
	injectFault(path, { status = 200, body = '', contentType = 'application/json', times = 1, afterApplying = false, drop = false } = {}) {
		this.faults.push({ path, status, body: typeof body === 'string' ? body : JSON.stringify(body), contentType, times, afterApplying, drop });
	}

	/**
	 * The answer is lost after OMICall applied the change: the request is carried out, then the
	 * connection is dropped (`drop`) or a fixed answer (a 5xx, say) is sent instead of OMICall's.
	 * Inferred: any proxy or network between n8n and OMICall can do this.
	 */
	loseAnswer(path, { status = 504, body = 'Gateway Timeout', contentType = 'text/plain', times = 1, drop = false } = {}) {
		this.injectFault(path, { status, body, contentType, times, afterApplying: true, drop });
	}

	/**
	 * Register refuses this URL with -9999. Inferred: OMICall documents no code for it; the vendor
	 * insists on https and a reachable URL, so a URL that was once accepted may later be refused.
	 */
	refuseUrl(url, refused = true) {
		if (refused) this.refusedUrls.add(url);
		else this.refusedUrls.delete(url);
	}

	/** The next `times` requests to `path` wait `ms` before OMICall reads its state and answers. */
	slowDown(path, ms, times = 1) {
		this.delays.push({ path, ms, times });
	}

	/** OMICall unreachable for `ms`: connections are reset without an answer. */
	goDown(ms) {
		this.downUntil = Date.now() + ms;
	}

	/** A token for the account of the given configured API key (the first one by default). */
	issueToken(account = 0) {
		const now = Date.now();
		const header = { alg: 'HS256', typ: 'JWT' };
		const claims = { iss: 'omicall-simulator', iat: now, exp: now + this.tokenLifetimeMs, jti: crypto.randomUUID(), account };
		const unsigned = `${b64url(header)}.${b64url(claims)}`;
		const signature = crypto.createHmac('sha256', this.signingKey).update(unsigned).digest('base64url');
		return `${unsigned}.${signature}`;
	}

	/** @returns {{ state: 'valid'|'missing'|'invalid'|'expired', account?: number }} */
	checkToken(authorization) {
		const match = /^Bearer (.+)$/.exec(authorization ?? '');
		if (!match) return { state: 'missing' };
		const parts = match[1].split('.');
		if (parts.length !== 3) return { state: 'invalid' };
		const expected = crypto.createHmac('sha256', this.signingKey).update(`${parts[0]}.${parts[1]}`).digest();
		const given = Buffer.from(parts[2], 'base64url');
		if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return { state: 'invalid' };
		let claims;
		try {
			claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
		} catch {
			return { state: 'invalid' };
		}
		if (claims.exp <= Date.now() || claims.iat < this.revokedBefore) return { state: 'expired', account: claims.account };
		return { state: 'valid', account: claims.account };
	}

	async handle(req, res) {
		if (Date.now() < this.downUntil) return void req.socket.destroy();
		const url = new URL(req.url ?? '/', 'http://simulator');
		const query = Object.fromEntries(url.searchParams);
		const entry = { method: req.method ?? 'GET', path: url.pathname, query: redact(query), status: 0 };
		this.requests.push(entry);
		const send = (status, body, contentType) => {
			entry.status = status;
			res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
			res.end(body);
		};

		let rawBody = '';
		for await (const chunk of req) rawBody += chunk;
		const delay = this.delays.find((d) => d.path === url.pathname && d.times > 0);
		if (delay) {
			delay.times -= 1;
			await new Promise((resolve) => setTimeout(resolve, delay.ms));
		}

		const fault = this.faults.find((f) => f.path === url.pathname && f.times > 0);
		if (fault) {
			fault.times -= 1;
			if (fault.afterApplying) {
				// Carry the request out against a throwaway response, then lose OMICall's answer.
				const sink = { writeHead: () => undefined, end: () => undefined };
				await this.answer(req, sink, url, rawBody, entry);
			}
			if (fault.drop) return void req.socket.destroy();
			return send(fault.status, fault.body, fault.contentType);
		}
		return this.answer(req, res, url, rawBody, entry);
	}

	/** OMICall's own answer to a request. */
	async answer(req, res, url, rawBody, entry) {
		const send = (status, body, contentType = 'application/json') => {
			entry.status = status;
			if (body && typeof body === 'object') entry.omiStatus = body.status_code;
			const text = typeof body === 'string' ? body : JSON.stringify(body);
			res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
			res.end(text);
		};
		const envelope = (payload, extra = {}) => ({
			status_code: SUCCESS,
			instance_id: this.instanceId,
			instance_name: 'OMICall simulator',
			payload,
			key_enabled: false,
			...extra,
		});
		const failure = (message, httpStatus = 200) =>
			send(httpStatus, envelope(null, { status_code: FAILURE, message }));

		if (url.pathname.startsWith('/_sim/')) return this.handleControl(url, rawBody, send);

		if (url.pathname === '/api/auth' && req.method === 'GET') {
			const apiKey = url.searchParams.get('apiKey');
			if (!apiKey) return failure('api_key_is_required');
			const account = this.apiKeys.indexOf(apiKey);
			if (account < 0) return failure('api_key_invalid');
			return send(200, envelope({ access_token: this.issueToken(account), access_type: 'normal', token_type: 'Bearer' }));
		}

		if (!url.pathname.startsWith('/api/webhooks/')) return send(404, envelope(null, { status_code: FAILURE, message: 'not_found' }));

		const token = this.checkToken(req.headers.authorization);
		entry.account = token.account;
		if (token.state === 'missing' || token.state === 'invalid') return failure('unauthorized', 401);
		if (token.state === 'expired') {
			return this.expiredTokenStyle === '401' ? failure('token_expired', 401) : failure('access_token_expired');
		}

		if (url.pathname === '/api/webhooks/list' && req.method === 'GET') {
			return send(200, envelope(this.listHooks()));
		}
		if (url.pathname === '/api/webhooks/register' && req.method === 'POST') {
			if (!rawBody.trim()) return failure('request_body_required');
			let body;
			try {
				body = JSON.parse(rawBody);
			} catch {
				return failure('request_body_required');
			}
			const webhook = body?.webhook;
			if (!webhook || typeof webhook !== 'object' || typeof webhook.url !== 'string' || !webhook.url) {
				return failure('request_body_required');
			}
			if (!HOOK_TYPES.includes(webhook.type)) return failure('webhook_type_invalid');
			if (this.refusedUrls.has(webhook.url)) return failure('webhook_url_invalid');
			const events = Array.isArray(webhook.events) ? webhook.events.filter((e) => KNOWN_EVENTS.includes(e)) : null;
			this.hooks.set(webhook.type, { url: webhook.url, type: webhook.type, status: 'actived', events });
			return send(200, envelope(this.listHooks()));
		}
		if (url.pathname === '/api/webhooks/destroy' && req.method === 'POST') {
			const type = url.searchParams.get('hook_type');
			if (!HOOK_TYPES.includes(type ?? '')) return failure('webhook_type_invalid');
			this.hooks.delete(/** @type {string} */ (type));
			return send(200, envelope(''));
		}
		return send(404, envelope(null, { status_code: FAILURE, message: 'not_found' }));
	}

	listHooks() {
		return [...this.hooks.values()].map(({ url, type, status }) => ({ url, type, status }));
	}

	/** The command line and `npm start` drive a running simulator through these. */
	async handleControl(url, rawBody, send) {
		let options = {};
		try {
			options = rawBody ? JSON.parse(rawBody) : {};
		} catch {
			return send(400, { error: 'JSON body expected' });
		}
		try {
			if (url.pathname === '/_sim/call') return send(200, await this.placeCall(options));
			if (url.pathname === '/_sim/contact') return send(200, await this.changeContact(options));
			if (url.pathname === '/_sim/hooks') return send(200, this.listHooks());
			if (url.pathname === '/_sim/expire-tokens') {
				this.expireAllTokens();
				return send(200, { expired: true });
			}
		} catch (error) {
			return send(400, { error: /** @type {Error} */ (error).message });
		}
		return send(404, { error: 'unknown control path' });
	}

	/**
	 * Places a simulated call: POSTs ringing, answered, hangup and the final cdr record to the
	 * registered call hook. Returns what each delivery got back.
	 * @param {{direction?: 'inbound'|'outbound'|'local', answered?: boolean, seed?: number}} [options]
	 */
	async placeCall(options = {}) {
		const hook = this.hooks.get('call');
		if (!hook) throw new Error('No call webhook is registered with the simulator.');
		const events = buildCallEvents(options);
		const results = [];
		for (const event of events) results.push(await this.deliver(hook.url, event));
		return { hook: hook.url, events: results };
	}

	/** Sends a contact created/updated event to the registered contact hook. */
	async changeContact(options = {}) {
		const hook = this.hooks.get('contact');
		if (!hook) throw new Error('No contact webhook is registered with the simulator.');
		return { hook: hook.url, events: [await this.deliver(hook.url, buildContactEvent(options))] };
	}

	/** POSTs one event, retrying non-2xx answers with send_num_retry counting up, as OMICall does. */
	async deliver(url, event) {
		let last = { state: event.state ?? event.action, attempts: 0, status: /** @type {number|string} */ (0) };
		for (let attempt = 1; attempt <= this.maxDeliveryAttempts; attempt++) {
			const body = 'send_num_retry' in event ? { ...event, send_num_retry: attempt } : event;
			let status;
			try {
				const response = await fetch(url, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify(body),
				});
				await response.arrayBuffer();
				status = response.status;
			} catch (error) {
				status = /** @type {Error} */ (error).message;
			}
			this.deliveries.push({ url, body, attempt, status });
			last = { state: event.state ?? event.action, attempts: attempt, status };
			if (typeof status === 'number' && status >= 200 && status < 300) break;
			if (attempt < this.maxDeliveryAttempts) await new Promise((r) => setTimeout(r, this.retryDelayMs));
		}
		return last;
	}
}

function b64url(value) {
	return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** The request log never keeps the API key itself. */
function redact(query) {
	return 'apiKey' in query ? { ...query, apiKey: '[redacted]' } : query;
}

module.exports = { OmiCallSimulator, SUCCESS, FAILURE };
