'use strict';
/**
 * The call-center area of the OMICall simulator (omicall-api.md sections 5, 6 and 8): the tenant's
 * detail, its extensions with their SIP passwords and states, the hotlines each extension may
 * call out on, click-to-call and voice-message auto calls. Calls it starts are played through the
 * simulator's placeCall(): live events and the final record go to the registered call hook, and
 * the call lands in the call history.
 *
 * Each behaviour says whether OMICall documents it or it is our reading (inferred).
 */
const crypto = require('node:crypto');
const { AGENTS, DEFAULT_HOTLINE } = require('./call-events');

const TENANT_PATH = '/api/tenant/detail';
const EXTENSIONS_PATH = '/api/call_center/internal_phone/list';
const HOTLINES_PATH = '/api/call_center/hotline/list';
const CLICK2CALL_PATH = '/api/click2call';
const AUTO_CALL_PATH = '/api/auto_call/execute_by_phone';
const PATHS = [TENANT_PATH, EXTENSIONS_PATH, HOTLINES_PATH, CLICK2CALL_PATH, AUTO_CALL_PATH];

/** The tenant's hotlines (documented shape: public_numbers of tenant/detail). */
const PUBLIC_NUMBERS = [DEFAULT_HOTLINE, '02473001234', '02873005678'];
/** Documented (8): text-to-speech allows 300 characters per session and 3,000 per day. */
const SESSION_CHARACTERS = 300;
const DAILY_CHARACTERS = 3000;
/** Documented (8): the voices of the text-to-speech engine. */
const VOICES = ['banmai', 'leminh', 'lannhi'];
const TARGET_TYPES = ['Recording', 'Text_variable', 'Ivr_menu'];

class CallCenter {
	/** @param {import('./omicall-simulator').OmiCallSimulator} simulator */
	constructor(simulator) {
		this.simulator = simulator;
		/**
		 * Extensions 100–120, one per agent. `password` is the SIP password OMICall returns in the
		 * list (documented): random per simulator, so a test can look for it anywhere.
		 * `state`: online (registered and free), offline (no softphone registered) or busy.
		 * `hotlines`: what the extension may call out on; inferred: the first two by default.
		 */
		this.extensions = new Map(
			AGENTS.map((agent) => [
				agent.extension,
				{
					sip_user: agent.extension,
					password: `sip-${crypto.randomBytes(6).toString('hex')}`,
					full_name: agent.name,
					agent_id: agent.id,
					email: agent.email,
					public_number: DEFAULT_HOTLINE,
					domain: 'sim.omicall.vn',
					outbound_proxy: 'sim.omicall.vn:5222',
					created_date: 1697500000000,
					last_updated_date: 1697500000000,
					state: 'online',
					hotlines: PUBLIC_NUMBERS.slice(0, 2),
				},
			]),
		);
		/** The tenant (documented fields of tenant/detail). */
		this.tenant = {
			full_name: 'Công ty TNHH Mô Phỏng',
			email: 'admin@example.vn',
			domain: 'sim',
			status: 'active',
			paid_type: 'prepaid',
			currency: 'VND',
			balance: 1_500_000,
			expire_date: Date.UTC(2027, 5, 30),
			public_numbers: PUBLIC_NUMBERS.map((number, i) => ({
				number,
				provider: ['viettel', 'vnpt', 'mobifone'][i % 3],
				expire_date: Date.UTC(2027, 5, 30),
				status: 'active',
			})),
			service_package: {
				code_name: 'business',
				service_name: 'Business',
				staff_num: 20,
				customer_num: 10000,
				expiry_date: Date.UTC(2027, 5, 30),
			},
		};
		/** Customer numbers on the do-not-call list: click-to-call refuses them with do_not_call. */
		this.doNotCall = new Set();
		/** Documented (8): a trial package cannot auto call (limit_service). */
		this.autoCallAllowed = true;
		/** Text-to-speech characters used today, against the daily 3,000. */
		this.charactersToday = 0;
		/** Whether the customer answers the calls started from here. */
		this.customersAnswer = true;
		/** What click-to-call and auto call were asked, in order, for tests to read. */
		this.clickToCalls = [];
		this.autoCalls = [];
		/** Calls still being played: idle() waits for them. */
		this.playing = new Set();
		/**
		 * While true, calls started wait (ringing, the extension busy) until releaseCalls(): a real
		 * call lasts seconds to minutes, far longer than a workflow takes to send the next request.
		 */
		this.holdCalls = false;
		this.releaseHeld = () => undefined;
		this.held = Promise.resolve();
		this.heldCount = 0;
	}

	handles(path) {
		return PATHS.includes(path);
	}

	/** Waits until every call started so far has been played to the hook and recorded. */
	async idle() {
		this.releaseCalls();
		while (this.playing.size) await Promise.all([...this.playing]);
	}

	/** Lets the calls held by holdCalls play. */
	releaseCalls() {
		this.holdCalls = false;
		this.releaseHeld();
	}

	/** Plays a call in the background, once the answer has gone out (and holdCalls is off). */
	play(options) {
		if (this.holdCalls && !this.heldCount++)
			this.held = new Promise((resolve) => (this.releaseHeld = resolve)).then(
				() => (this.heldCount = 0),
			);
		const gate = this.holdCalls ? this.held : Promise.resolve();
		const done = gate
			.then(() => new Promise((resolve) => setImmediate(resolve)))
			.then(() => this.simulator.placeCall({ requireHook: false, ...options }))
			.catch(() => undefined)
			.finally(() => this.playing.delete(done));
		this.playing.add(done);
		return done;
	}

	answer({ req, url, rawBody, send, envelope, failure }) {
		const path = url.pathname;
		const method = req.method ?? 'GET';
		/** Documented (5): a click-to-call failure is {status: "fail", error, message} in the payload. */
		const fail = (error) =>
			send(
				200,
				envelope(
					{ status: 'fail', error, message: 'Please check your input param' },
					{ status_code: -9999 },
				),
			);
		let body;
		if (method === 'POST') {
			try {
				body = rawBody.trim() ? JSON.parse(rawBody) : undefined;
			} catch {
				return failure('request_body_required');
			}
		}

		if (path === TENANT_PATH && method === 'GET') return send(200, envelope(this.tenant));

		if (path === EXTENSIONS_PATH && method === 'GET') {
			// Documented: keyword matches the extension, the email or the name; page/size, 50 by default.
			const keyword = (url.searchParams.get('keyword') ?? '').trim().toLowerCase();
			const page = Number(url.searchParams.get('page') ?? 1);
			const size = Number(url.searchParams.get('size') ?? 50);
			if (!Number.isInteger(page) || page < 1 || !Number.isInteger(size) || size < 1 || size > 50)
				return failure('size_invalid'); // inferred code
			const found = [...this.extensions.values()].filter(
				(e) =>
					!keyword ||
					[e.sip_user, e.email, e.full_name].some((v) => v.toLowerCase().includes(keyword)),
			);
			// Documented item fields, the SIP password among them.
			const items = found
				.slice((page - 1) * size, page * size)
				.map(({ state: _state, hotlines: _hotlines, ...item }) => item);
			const totalPages = Math.ceil(found.length / size);
			return send(
				200,
				envelope({
					items,
					page_number: page,
					page_size: size,
					total_items: found.length,
					total_pages: totalPages,
					has_next: page < totalPages,
					next_page: page < totalPages ? page + 1 : null,
					has_previous: page > 1,
					previous_page: page > 1 ? page - 1 : null,
				}),
			);
		}

		if (path === HOTLINES_PATH && method === 'GET') {
			// Documented: a bare string array of the hotlines this extension may call out on.
			const extension = this.extensions.get(url.searchParams.get('extension') ?? '');
			if (!extension) return fail('extension_invalid'); // inferred: the click-to-call code
			return send(200, envelope([...extension.hotlines]));
		}

		if (path === CLICK2CALL_PATH && method === 'POST') {
			const { extension: sipUser, hotline, phone_number: phone } = body ?? {};
			this.clickToCalls.push(body ?? null);
			// Documented codes (5); which check comes first is inferred.
			if (![sipUser, hotline, phone].every((v) => typeof v === 'string' && v))
				return fail('data_is_required');
			const extension = this.extensions.get(sipUser);
			if (!extension) return fail('extension_invalid');
			if (extension.state === 'offline') return fail('user_not_registered');
			if (extension.state === 'busy') return fail('user_busy');
			if (!extension.hotlines.includes(hotline)) return fail('number_call_out_invalid');
			if (this.doNotCall.has(phone)) return fail('do_not_call');
			// Documented: the answer carries the call_uuid, the id of the call's live events (inferred).
			const callUuid = crypto.randomUUID();
			// Inferred: the extension is busy from the moment it rings until the call ends.
			extension.state = 'busy';
			this.play({
				transactionId: callUuid,
				direction: 'outbound',
				agent: { extension: sipUser, name: extension.full_name, email: extension.email },
				customerNumber: phone,
				hotline,
				answered: this.customersAnswer,
			}).finally(() => {
				if (extension.state === 'busy') extension.state = 'online';
			});
			return send(200, envelope({ call_uuid: callUuid }));
		}

		if (path === AUTO_CALL_PATH && method === 'POST') {
			const request = body ?? {};
			this.autoCalls.push(request);
			const numbers = request.phone_number_list;
			if (
				!Array.isArray(numbers) ||
				!numbers.length ||
				!numbers.every((n) => typeof n === 'string')
			)
				return failure('data_is_required'); // inferred code
			const steps = Array.isArray(request.template_dialplans) ? request.template_dialplans : [];
			if (!steps.length || !steps.every((s) => TARGET_TYPES.includes(s?.target_type)))
				return failure('data_is_required'); // inferred code
			if (request.voice !== undefined && !VOICES.includes(request.voice))
				return failure('voice_invalid'); // inferred code
			const variables = Array.isArray(request.variables) ? request.variables.map(String) : [];
			const textSteps = steps.filter((s) => s.target_type === 'Text_variable').length;
			if (variables.length !== textSteps) return failure('data_is_required'); // inferred
			// Documented codes (8); the order of the checks is inferred.
			if (!this.autoCallAllowed) return failure('limit_service');
			if (!(this.tenant.balance > 0)) return failure('balance_is_not_enough');
			const characters = variables.reduce((sum, v) => sum + [...v].length, 0);
			// Inferred from the names: limit_word_session is the per-session limit, limit_word the daily one.
			if (characters > SESSION_CHARACTERS) return failure('limit_word_session');
			if (this.charactersToday + characters > DAILY_CHARACTERS) return failure('limit_word');
			if (request.cid && !PUBLIC_NUMBERS.includes(request.cid))
				return failure('number_call_out_invalid'); // inferred: the click-to-call code
			this.charactersToday += characters;
			const autocallId = crypto.randomBytes(12).toString('hex');
			// Documented (8): one ordinary call record per number, with is_auto_call and autocall_id.
			for (const number of numbers)
				this.play({
					direction: 'outbound',
					agent: null,
					customerNumber: number,
					hotline: request.cid || DEFAULT_HOTLINE,
					answered: this.customersAnswer,
					autocallId,
				});
			return send(200, envelope({ autocall_id: autocallId, name: request.name ?? '' }));
		}

		return send(404, envelope(null, { status_code: -9999, message: 'not_found' }));
	}

	/** The simulator's control endpoint /_sim/call-center: set states and errors from outside. */
	control(options) {
		for (const [sipUser, state] of Object.entries(options.states ?? {})) {
			const extension = this.extensions.get(sipUser);
			if (!extension) throw new Error(`no extension ${sipUser}`);
			extension.state = state;
		}
		if (Array.isArray(options.doNotCall)) this.doNotCall = new Set(options.doNotCall);
		if (typeof options.balance === 'number') this.tenant.balance = options.balance;
		if (typeof options.autoCallAllowed === 'boolean')
			this.autoCallAllowed = options.autoCallAllowed;
		return {
			states: Object.fromEntries([...this.extensions].map(([k, e]) => [k, e.state])),
			balance: this.tenant.balance,
			clickToCalls: this.clickToCalls.length,
			autoCalls: this.autoCalls.length,
		};
	}
}

module.exports = {
	CallCenter,
	PUBLIC_NUMBERS,
	SESSION_CHARACTERS,
	DAILY_CHARACTERS,
	TENANT_PATH,
	EXTENSIONS_PATH,
	HOTLINES_PATH,
	CLICK2CALL_PATH,
	AUTO_CALL_PATH,
};
