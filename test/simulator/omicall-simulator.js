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
 * - A call history (history.js): every placed call, plus generateHistory()'s seeded calls, served
 *   by v3 search, v2 getByTransactionId, v1 detail and change, with recordings as small real MP3s.
 * - rateLimit() answers the next requests to a path as a rate limit would.
 */
const crypto = require('node:crypto');
const http = require('node:http');
const { buildCallEvents, buildContactEvent } = require('./call-events');
const {
	generateCalls,
	toHistoryItem,
	toV1Item,
	searchItems,
	pageMeta,
	setTags,
	setNote,
	SEED_TAGS,
} = require('./history');
const { silentMp3 } = require('./recording');
const { CallCenter } = require('./call-center');
const { ContactStore } = require('./contacts');

const SUCCESS = 9999;
const FAILURE = -9999;
const HOOK_TYPES = ['call', 'contact'];
const KNOWN_EVENTS = ['ringing', 'answered', 'hangup'];
const DAY_MS = 24 * 60 * 60 * 1000;
const RECORDING_PATH = '/third_party/recording/uc';
const GET_BY_ID_PATH = '/api/v2/callTransaction/getByTransactionId';
const DETAIL_PREFIX = '/api/call_transaction/detail/';
const CHANGE_PREFIX = '/api/call_transaction/change/';

class OmiCallSimulator {
	/**
	 * @param {object} [options]
	 * @param {string[]} [options.apiKeys] API keys that /api/auth accepts; each stands for an
	 *   account, numbered from 0, and the request log names the account behind each token
	 * @param {number} [options.tokenLifetimeMs] how long a token lives (OMICall: 24 hours)
	 * @param {'401'|'envelope'} [options.expiredTokenStyle] how an expired token is reported
	 * @param {number} [options.maxDeliveryAttempts] how often an event is sent before giving up
	 * @param {number} [options.retryDelayMs] pause between two delivery attempts
	 * @param {'camel'|'snake'} [options.pageMetaStyle] how v3 search spells its page meta
	 * @param {number} [options.maxSearchWindowMs] the longest toDate - fromDate v3 search accepts
	 * @param {string[]} [options.getByTransactionIdMethods] the methods getByTransactionId answers
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
		/** The call history, one item per transaction_id (see history.js), in the order added. */
		this.calls = [];
		/** The tenant's tags, name → id; change adds unknown names (inferred ids). */
		this.tags = new Map(
			SEED_TAGS.map((name, i) => [name, `64f0a1b2c3d4e5f6a7b8c9${String(i).padStart(2, '0')}`]),
		);
		/** Both spellings are documented (1.4); v3 is seen with camelCase (observed). */
		this.pageMetaStyle = options.pageMetaStyle ?? 'camel';
		/** Inferred: v1 refuses more than 30 days (documented); v2/v3's maximum is an open question. */
		this.maxSearchWindowMs = options.maxSearchWindowMs ?? 31 * DAY_MS;
		/** Documented: at most 50 per page. */
		this.maxPageSize = 50;
		/** Observed: clients use GET with a query and POST with a body; drop one to test a fallback. */
		this.getByTransactionIdMethods = options.getByTransactionIdMethods ?? ['GET', 'POST'];
		/** Documented: POST; one client uses PATCH (observed): add it here to accept it. */
		this.changeMethods = ['POST'];
		/** @type {Array<{path: string, times: number, style: 'http429'|'envelope', retryAfterSec: number|null, message: string}>} */
		this.rateLimits = [];
		/** The one recording every call with a recording serves: about a second of silent MP3. */
		this.recording = silentMp3();
		/** Tenant, extensions, hotlines, click-to-call and auto call (call-center.js). */
		this.callCenter = new CallCenter(this);
		/** Contacts (contacts.js); their changes go to the contact hook, tracked until delivered. */
		this.contactStore = new ContactStore({
			announce: (action, contact) => this.announceContact(action, contact),
		});
		/** @type {Set<Promise<unknown>>} */
		this.pendingDeliveries = new Set();
		/**
		 * The API areas beyond auth and webhooks, each {handles(path), answer(context)}; answer runs
		 * once the token has been checked. One entry per area keeps each area in its own file.
		 */
		this.apis = [
			{
				handles: (path) => this.isHistoryPath(path),
				answer: ({ req, url, rawBody, token, send, envelope, failure }) =>
					this.answerHistory(req, url, rawBody, token, send, envelope, failure),
			},
			{
				handles: (path) => this.contactStore.handles(path),
				answer: (context) => this.contactStore.answer(context),
			},
			{
				handles: (path) => this.callCenter.handles(path),
				answer: (context) => this.callCenter.answer(context),
			},
		];
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
	injectFault(
		path,
		{
			status = 200,
			body = '',
			contentType = 'application/json',
			times = 1,
			afterApplying = false,
			drop = false,
		} = {},
	) {
		const raw = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
		this.faults.push({ path, status, body: raw, contentType, times, afterApplying, drop });
	}

	/**
	 * The answer is lost after OMICall applied the change: the request is carried out, then the
	 * connection is dropped (`drop`) or a fixed answer (a 5xx, say) is sent instead of OMICall's.
	 * Inferred: any proxy or network between n8n and OMICall can do this.
	 */
	loseAnswer(
		path,
		{
			status = 504,
			body = 'Gateway Timeout',
			contentType = 'text/plain',
			times = 1,
			drop = false,
		} = {},
	) {
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

	/**
	 * The next `times` requests to `path` meet a rate limit. Vendor: `rate_limit_exceeded` is in
	 * VIHAT's error map; documented: v1's `limit_request_30_minute`; inferred: HTTP 429 with
	 * Retry-After (style 'http429', a gateway's answer) or HTTP 200 with -9999 (style 'envelope').
	 * @param {string} path
	 * @param {{times?: number, style?: 'http429'|'envelope', retryAfterSec?: number|null,
	 *   message?: 'rate_limit_exceeded'|'limit_request_30_minute'|string}} [options]
	 */
	rateLimit(
		path,
		{ times = 1, style = 'http429', retryAfterSec = 1, message = 'rate_limit_exceeded' } = {},
	) {
		this.rateLimits.push({ path, times, style, retryAfterSec, message });
	}

	/**
	 * Adds `count` seeded calls over the `days` before `endAt` (default now) to the history; the same
	 * seed and endAt always give the same calls (and the same transaction ids: a second run with a
	 * seed replaces its calls). `added` counts the new ones.
	 * @returns {{added: number, total: number, ms: number}}
	 */
	generateHistory({ count = 1000, days = 90, seed = 1, endAt = Date.now() } = {}) {
		if (!this.url)
			throw new Error('Start the simulator before generating history: recording URLs point at it.');
		if (!(Number.isInteger(count) && count >= 0) || !(days > 0) || !Number.isFinite(endAt)) {
			throw new Error('generateHistory needs a whole count >= 0, days > 0 and a numeric endAt.');
		}
		const began = performance.now();
		const items = generateCalls({
			count,
			days,
			seed,
			endAt,
			recordingBaseUrl: this.url,
			tagId: (name) => this.tagId(name),
		});
		// One item per transaction_id: the same seed twice replaces its calls instead of doubling them.
		const index = new Map(this.calls.map((call, i) => [call.transaction_id, i]));
		let added = 0;
		for (const item of items) {
			const at = index.get(item.transaction_id);
			if (at !== undefined) this.calls[at] = item;
			else {
				index.set(item.transaction_id, this.calls.push(item) - 1);
				added += 1;
			}
		}
		return { added, total: this.calls.length, ms: Math.round(performance.now() - began) };
	}

	clearHistory() {
		this.calls = [];
	}

	/**
	 * Adds or replaces (same transaction_id: a later leg, observed) a call in the history. The call
	 * may have started before calls already there: OMICall writes a record when the call ends
	 * (the cdr comes at hang-up, documented) and search selects by start time (inferred), so a
	 * record can come late. Start times are whole seconds (documented), so calls can share one.
	 * placeCall({startedAt}) makes both: an earlier startedAt, or the same one twice.
	 */
	recordCall(item) {
		const at = this.calls.findIndex((c) => c.transaction_id === item.transaction_id);
		if (at >= 0) this.calls[at] = item;
		else this.calls.push(item);
		return item;
	}

	findCall(transactionId) {
		return this.calls.find((c) => c.transaction_id === transactionId);
	}

	/** The id of a tag name, creating the tag when new (inferred). */
	tagId(name) {
		if (!this.tags.has(name))
			this.tags.set(name, crypto.createHash('sha256').update(name).digest('hex').slice(0, 24));
		return /** @type {string} */ (this.tags.get(name));
	}

	/** A token for the account of the given configured API key (the first one by default). */
	issueToken(account = 0) {
		const now = Date.now();
		const header = { alg: 'HS256', typ: 'JWT' };
		const claims = {
			iss: 'omicall-simulator',
			iat: now,
			exp: now + this.tokenLifetimeMs,
			jti: crypto.randomUUID(),
			account,
		};
		const unsigned = `${b64url(header)}.${b64url(claims)}`;
		const signature = crypto
			.createHmac('sha256', this.signingKey)
			.update(unsigned)
			.digest('base64url');
		return `${unsigned}.${signature}`;
	}

	/** @returns {{ state: 'valid'|'missing'|'invalid'|'expired', account?: number }} */
	checkToken(authorization) {
		const match = /^Bearer (.+)$/.exec(authorization ?? '');
		if (!match) return { state: 'missing' };
		const parts = match[1].split('.');
		if (parts.length !== 3) return { state: 'invalid' };
		const expected = crypto
			.createHmac('sha256', this.signingKey)
			.update(`${parts[0]}.${parts[1]}`)
			.digest();
		const given = Buffer.from(parts[2], 'base64url');
		if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected))
			return { state: 'invalid' };
		let claims;
		try {
			claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
		} catch {
			return { state: 'invalid' };
		}
		if (claims.exp <= Date.now() || claims.iat < this.revokedBefore)
			return { state: 'expired', account: claims.account };
		return { state: 'valid', account: claims.account };
	}

	async handle(req, res) {
		if (Date.now() < this.downUntil) return void req.socket.destroy();
		const url = new URL(req.url ?? '/', 'http://simulator');
		const query = Object.fromEntries(url.searchParams);
		const entry = {
			method: req.method ?? 'GET',
			path: url.pathname,
			query: redact(query),
			status: 0,
		};
		this.requests.push(entry);
		const send = (status, body, contentType) => {
			entry.status = status;
			res.writeHead(status, {
				'content-type': contentType,
				'content-length': Buffer.byteLength(body),
			});
			res.end(body);
		};

		let rawBody = '';
		for await (const chunk of req) rawBody += chunk;
		const delay = this.delays.find((d) => d.path === url.pathname && d.times > 0);
		if (delay) {
			delay.times -= 1;
			await new Promise((resolve) => setTimeout(resolve, delay.ms));
		}

		const limit = this.rateLimits.find((l) => l.path === url.pathname && l.times > 0);
		if (limit) {
			limit.times -= 1;
			const body = JSON.stringify({
				status_code: FAILURE,
				instance_id: this.instanceId,
				instance_name: 'OMICall simulator',
				payload: null,
				key_enabled: false,
				message: limit.message,
			});
			entry.omiStatus = FAILURE;
			if (limit.style === 'envelope') return send(200, body, 'application/json');
			entry.status = 429;
			const headers = {
				'content-type': 'application/json',
				'content-length': Buffer.byteLength(body),
			};
			if (limit.retryAfterSec !== null && limit.retryAfterSec !== undefined)
				headers['retry-after'] = String(limit.retryAfterSec);
			res.writeHead(429, headers);
			return void res.end(body);
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
			if (status === 204) {
				res.writeHead(204);
				return void res.end();
			}
			if (body && typeof body === 'object' && !Buffer.isBuffer(body))
				entry.omiStatus = body.status_code;
			const text = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
			res.writeHead(status, {
				'content-type': contentType,
				'content-length': Buffer.byteLength(text),
			});
			res.end(req.method === 'HEAD' ? undefined : text);
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
			return send(
				200,
				envelope({
					access_token: this.issueToken(account),
					access_type: 'normal',
					token_type: 'Bearer',
				}),
			);
		}

		// Observed (3.3): integrations fetch recordings with a plain GET, no auth; the URL grants access.
		if (url.pathname === RECORDING_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
			const call = this.findCall(url.searchParams.get('code') ?? '');
			const id = call?.recording_file_url
				? new URL(call.recording_file_url).searchParams.get('id')
				: null;
			if (!id || id !== url.searchParams.get('id')) return send(404, 'Not Found', 'text/plain');
			return send(200, this.recording, 'audio/mpeg');
		}

		const api = this.apis.find((a) => a.handles(url.pathname));
		if (!url.pathname.startsWith('/api/webhooks/') && !api) {
			return send(404, envelope(null, { status_code: FAILURE, message: 'not_found' }));
		}

		const token = this.checkToken(req.headers.authorization);
		entry.account = token.account;
		if (token.state === 'missing' || token.state === 'invalid') return failure('unauthorized', 401);
		if (token.state === 'expired') {
			return this.expiredTokenStyle === '401'
				? failure('token_expired', 401)
				: failure('access_token_expired');
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
			if (
				!webhook ||
				typeof webhook !== 'object' ||
				typeof webhook.url !== 'string' ||
				!webhook.url
			) {
				return failure('request_body_required');
			}
			if (!HOOK_TYPES.includes(webhook.type)) return failure('webhook_type_invalid');
			if (this.refusedUrls.has(webhook.url)) return failure('webhook_url_invalid');
			const events = Array.isArray(webhook.events)
				? webhook.events.filter((e) => KNOWN_EVENTS.includes(e))
				: null;
			this.hooks.set(webhook.type, {
				url: webhook.url,
				type: webhook.type,
				status: 'actived',
				events,
			});
			return send(200, envelope(this.listHooks()));
		}
		if (url.pathname === '/api/webhooks/destroy' && req.method === 'POST') {
			const type = url.searchParams.get('hook_type');
			if (!HOOK_TYPES.includes(type ?? '')) return failure('webhook_type_invalid');
			this.hooks.delete(/** @type {string} */ (type));
			return send(200, envelope(''));
		}
		if (api) return api.answer({ req, url, rawBody, token, send, envelope, failure });
		return send(404, envelope(null, { status_code: FAILURE, message: 'not_found' }));
	}

	isHistoryPath(path) {
		return (
			path === '/api/v3/call-transaction/search' ||
			path === GET_BY_ID_PATH ||
			path.startsWith(DETAIL_PREFIX) ||
			path.startsWith(CHANGE_PREFIX)
		);
	}

	/** Call history (omicall-api.md section 4); the token has been checked. */
	answerHistory(req, url, rawBody, token, send, envelope, failure) {
		const notFound = () =>
			send(404, envelope(null, { status_code: FAILURE, message: 'not_found' }));
		const json = () => {
			if (!rawBody.trim()) return undefined;
			try {
				return JSON.parse(rawBody);
			} catch {
				return undefined;
			}
		};

		if (url.pathname === '/api/v3/call-transaction/search') {
			if (req.method !== 'POST') return notFound();
			// Documented: v3 search takes x-api-key (observed: alone). Here the token is required as
			// well, so a client that passes sends both, which works whichever OMICall wants (inferred).
			const apiKey = req.headers['x-api-key'];
			if (!apiKey) return failure('api_key_is_required');
			if (apiKey !== this.apiKeys[/** @type {number} */ (token.account)])
				return failure('api_key_invalid');
			const body = json();
			if (!body || typeof body !== 'object') return failure('request_body_required');
			const page = url.searchParams.has('page') ? Number(url.searchParams.get('page')) : 1;
			const size = url.searchParams.has('size')
				? Number(url.searchParams.get('size'))
				: this.maxPageSize;
			// Documented: at most 50. Inferred: a bigger size is refused rather than cut down, so a client's mistake shows.
			if (!Number.isInteger(page) || page < 1) return failure('page_invalid');
			if (!Number.isInteger(size) || size < 1 || size > this.maxPageSize)
				return failure('size_invalid');
			// Documented codes (v1, taken to hold for v3: inferred); dates are epoch ms (documented).
			const filter = body.filter && typeof body.filter === 'object' ? body.filter : {};
			if (filter.fromDate === undefined || filter.fromDate === null)
				return failure('from_date_is_required');
			if (filter.toDate === undefined || filter.toDate === null)
				return failure('to_date_is_required');
			if (
				!Number.isFinite(filter.fromDate) ||
				!Number.isFinite(filter.toDate) ||
				filter.fromDate > filter.toDate
			)
				return failure('date_invalid');
			if (filter.toDate - filter.fromDate > this.maxSearchWindowMs)
				return failure('date_is_too_long');
			// Inferred: agentIds (v3, observed) and agentEmails (v2, documented) are both honoured.
			const found = searchItems(this.calls, filter, body.sort);
			const items = found.slice((page - 1) * size, page * size);
			// Observed: HTTP 204 with no body when there is nothing to return.
			if (!items.length) return send(204, '');
			return send(
				200,
				envelope({ items, ...pageMeta(this.pageMetaStyle, page, size, found.length) }),
			);
		}

		if (url.pathname === GET_BY_ID_PATH) {
			if (!this.getByTransactionIdMethods.includes(req.method ?? '')) return notFound();
			let transactionId;
			if (req.method === 'GET') transactionId = url.searchParams.get('transactionId');
			else if (req.method === 'POST') transactionId = json()?.transactionId;
			else return notFound();
			if (typeof transactionId !== 'string' || !transactionId)
				return failure('transaction_id_is_required'); // inferred code
			const call = this.findCall(transactionId);
			return call ? send(200, envelope(call)) : failure('resource_not_found'); // vendor code; inferred here
		}

		if (url.pathname.startsWith(DETAIL_PREFIX)) {
			if (req.method !== 'GET') return notFound();
			const call = this.findCall(decodeURIComponent(url.pathname.slice(DETAIL_PREFIX.length)));
			return call ? send(200, envelope(toV1Item(call))) : failure('resource_not_found');
		}

		// CHANGE_PREFIX: documented body {tag: [names], note}; answers the updated call (documented).
		if (!this.changeMethods.includes(req.method ?? '')) return notFound();
		const call = this.findCall(decodeURIComponent(url.pathname.slice(CHANGE_PREFIX.length)));
		if (!call) return failure('resource_not_found');
		const body = json();
		if (!body || typeof body !== 'object' || (!('tag' in body) && !('note' in body)))
			return failure('request_body_required');
		// Inferred: a field left out is kept; tag replaces the call's tags.
		if ('tag' in body && !(Array.isArray(body.tag) && body.tag.every((t) => typeof t === 'string')))
			return failure('tag_invalid');
		if ('note' in body && typeof body.note !== 'string') return failure('note_invalid');
		if ('tag' in body) setTags(call, body.tag, (name) => this.tagId(name));
		if ('note' in body) setNote(call, body.note);
		call.last_updated_date = Date.now();
		return send(200, envelope(call));
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
			if (url.pathname === '/_sim/call-center') return send(200, this.callCenter.control(options));
			if (url.pathname === '/_sim/history') return send(200, this.generateHistory(options));
			if (url.pathname === '/_sim/history/clear') {
				this.clearHistory();
				return send(200, { total: 0 });
			}
			if (url.pathname === '/_sim/rate-limit') {
				if (typeof options.path !== 'string') throw new Error('path is required');
				this.rateLimit(options.path, options);
				return send(200, { limited: options.path });
			}
			if (url.pathname === '/_sim/config') {
				// Only these settings can be changed from outside.
				for (const key of [
					'pageMetaStyle',
					'maxSearchWindowMs',
					'getByTransactionIdMethods',
					'changeMethods',
				]) {
					if (key in options) this[key] = options[key];
				}
				const { pageMetaStyle, maxSearchWindowMs, getByTransactionIdMethods, changeMethods } = this;
				return send(200, {
					pageMetaStyle,
					maxSearchWindowMs,
					getByTransactionIdMethods,
					changeMethods,
					calls: this.calls.length,
				});
			}
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
	 * Places a simulated call: records it in the history, then POSTs ringing, answered, hangup and
	 * the final cdr record to the registered call hook. Returns what each delivery got back.
	 * Without a call hook it throws (and records nothing), unless `requireHook` is false: then the
	 * call only goes into the history (OMICall records calls whether or not a hook listens).
	 * @param {Parameters<typeof buildCallEvents>[0] & {requireHook?: boolean}} [options]
	 */
	async placeCall(options = {}) {
		const { requireHook = true, ...callOptions } = options;
		const hook = this.hooks.get('call');
		if (!hook && requireHook) throw new Error('No call webhook is registered with the simulator.');
		const events = buildCallEvents({ recordingBaseUrl: this.url || undefined, ...callOptions });
		const record = this.recordCall(toHistoryItem(/** @type {object} */ (events.at(-1))));
		const results = [];
		if (hook) for (const event of events) results.push(await this.deliver(hook.url, event));
		return { hook: hook?.url ?? null, events: results, transactionId: record.transaction_id };
	}

	/** Sends a contact created/updated event to the registered contact hook. */
	async changeContact(options = {}) {
		const hook = this.hooks.get('contact');
		if (!hook) throw new Error('No contact webhook is registered with the simulator.');
		return { hook: hook.url, events: [await this.deliver(hook.url, buildContactEvent(options))] };
	}

	/**
	 * A contact created or updated through the API, sent to the contact hook when one is
	 * registered. Inferred: OMICall answers the write first and posts the change afterwards, so
	 * the delivery is not awaited here; settled() waits for it.
	 */
	announceContact(action, contact) {
		const hook = this.hooks.get('contact');
		if (!hook) return;
		const delivery = this.deliver(hook.url, buildContactEvent({ action, contact }));
		this.pendingDeliveries.add(delivery);
		void delivery.finally(() => this.pendingDeliveries.delete(delivery));
	}

	/** Waits until every contact change announced so far has been delivered (or given up). */
	async settled() {
		while (this.pendingDeliveries.size) await Promise.all([...this.pendingDeliveries]);
	}

	/** POSTs one event, retrying non-2xx answers with send_num_retry counting up, as OMICall does. */
	async deliver(url, event) {
		let last = {
			state: event.state ?? event.action,
			attempts: 0,
			status: /** @type {number|string} */ (0),
		};
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
			if (attempt < this.maxDeliveryAttempts)
				await new Promise((r) => setTimeout(r, this.retryDelayMs));
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
