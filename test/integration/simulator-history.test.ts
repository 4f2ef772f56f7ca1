/**
 * The simulator's call history itself, over real HTTP: v3 search (paging, both meta spellings,
 * 204, x-api-key, date windows, filters), v2 getByTransactionId (GET and POST), v1 detail,
 * change, recordings, rate limits, the seeded generator and the command line.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import {
	AGENTS,
	fold,
	type HistoryCall,
	MP3_FRAME_BYTES,
	type OmiCallSimulator,
	startSimulator,
} from '../harness/simulator';
import { startWebhookServer, type WebhookServer } from '../harness/webhook-server';

const KEY = 'key-simulator-history';
const OTHER_KEY = 'key-simulator-history-2';
const DAY = 24 * 60 * 60 * 1000;
const END = Date.UTC(2026, 4, 31, 10, 0, 0);
const SEARCH = '/api/v3/call-transaction/search';
const GET_BY_ID = '/api/v2/callTransaction/getByTransactionId';

let simulator: OmiCallSimulator;
let token: string;

beforeEach(async () => {
	simulator = await startSimulator({ apiKeys: [KEY, OTHER_KEY] });
	token = simulator.issueToken(0);
});
afterEach(async () => simulator.stop());

interface Answer {
	status: number;
	headers: Headers;
	text: string;
	json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function api(
	path: string,
	{ method = 'GET', body, headers = {}, auth = true, key = KEY as string | null } = {} as {
		method?: string;
		body?: unknown;
		headers?: Record<string, string>;
		auth?: boolean;
		key?: string | null;
	},
): Promise<Answer> {
	const response = await fetch(`${simulator.url}${path}`, {
		method,
		headers: {
			...(body === undefined ? {} : { 'content-type': 'application/json' }),
			...(auth ? { authorization: `Bearer ${token}` } : {}),
			...(key ? { 'x-api-key': key } : {}),
			...headers,
		},
		body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
	});
	const text = await response.text();
	let json;
	try {
		json = text ? JSON.parse(text) : undefined;
	} catch {
		json = undefined;
	}
	return { status: response.status, headers: response.headers, text, json };
}

const search = (
	filter: Record<string, unknown>,
	{
		page = 1,
		size = 50,
		sort,
		...options
	}: { page?: number; size?: number; sort?: unknown; key?: string | null; auth?: boolean } = {},
) =>
	api(`${SEARCH}?page=${page}&size=${size}`, {
		method: 'POST',
		body: { filter, ...(sort ? { sort } : {}) },
		...options,
	});

const window = (days = 30, end = END) => ({ fromDate: end - days * DAY, toDate: end });

/** Every call a filter should find, newest first, as the simulator's history holds them. */
const expected = (keep: (call: HistoryCall) => boolean, { fromDate, toDate } = window()) =>
	simulator.calls
		.filter(
			(c) => c.time_start_call * 1000 >= fromDate && c.time_start_call * 1000 <= toDate && keep(c),
		)
		.map((c) => c.transaction_id)
		.sort();

/** All pages of a search, as transaction ids in the order served. */
async function searchAll(filter: Record<string, unknown>, sort?: unknown): Promise<string[]> {
	const ids: string[] = [];
	for (let page = 1; ; page++) {
		const answer = await search(filter, { page, sort });
		if (answer.status === 204) return ids;
		expect(answer.json.status_code).toBe(9999);
		ids.push(...answer.json.payload.items.map((c: HistoryCall) => c.transaction_id));
	}
}

describe('every placed call is in the history', () => {
	let hooks: WebhookServer;
	beforeEach(async () => {
		hooks = await startWebhookServer();
	});
	afterEach(async () => hooks.stop());

	it('placeCall records the final record, minus the delivery fields, and search finds it', async () => {
		simulator.hooks.set('call', {
			url: `${hooks.url}/hook`,
			type: 'call',
			status: 'actived',
			events: null,
		});
		const placed = await simulator.placeCall({
			direction: 'outbound',
			customerNumber: '0395187319',
			notes: 'Khách hàng muốn đổi địa chỉ giao hàng',
		});
		const cdr = simulator.deliveries.at(-1)!.body as Record<string, unknown>;
		expect(cdr.state).toBe('cdr');
		expect(placed.transactionId).toBe(cdr.transaction_id);

		const now = Date.now();
		const found = await search({ fromDate: now - DAY, toDate: now + 1000 });
		expect(found.status).toBe(200);
		const [call] = found.json.payload.items as HistoryCall[];
		const { state: _state, send_num_retry: _retry, ...record } = cdr;
		expect(call).toMatchObject({
			...record,
			hotline: null,
			sip_number: cdr.hotline,
			call_uuid: cdr.transaction_id,
			is_missed_call: false,
		});
		expect(call).not.toHaveProperty('state');
		expect(call).not.toHaveProperty('send_num_retry');
		expect(call.note).toBe('Khách hàng muốn đổi địa chỉ giao hàng');
		expect(call.recording_file_url).toBe(
			`${simulator.url}/third_party/recording/uc?id=${new URL(call.recording_file_url!).searchParams.get('id')}&code=${call.transaction_id}`,
		);
	});

	it('without a call hook: throws and records nothing, or (requireHook false) records only', async () => {
		await expect(simulator.placeCall()).rejects.toThrow('No call webhook');
		expect(simulator.calls).toHaveLength(0);
		const placed = await simulator.placeCall({ requireHook: false, answered: false });
		expect(placed).toEqual({
			hook: null,
			events: [],
			transactionId: simulator.calls[0].transaction_id,
		});
		expect(simulator.calls[0]).toMatchObject({
			answer_sec: 0,
			bill_sec: 0,
			recording_file_url: null,
			is_missed_call: true,
			disposition: 'cancelled',
		});
	});
});

describe('v3 search: paging', () => {
	beforeEach(() => {
		simulator.generateHistory({ count: 300, days: 60, seed: 11, endAt: END });
	});

	it('pages of at most 50, newest first, no call twice, then 204 with an empty body', async () => {
		const all = expected(() => true);
		expect(all.length).toBeGreaterThan(100);
		const first = await search(window());
		expect(first.status).toBe(200);
		expect(first.json.payload).toMatchObject({
			pageNumber: 1,
			pageSize: 50,
			totalItems: all.length,
			totalPages: Math.ceil(all.length / 50),
			hasNext: true,
			nextPage: 2,
			hasPrevious: false,
			previousPage: null,
		});
		expect(first.json.payload.items).toHaveLength(50);
		const ids = await searchAll(window());
		expect([...ids].sort()).toEqual(all);
		const times = ids.map((id) => simulator.findCall(id)!.time_start_call);
		expect(times).toEqual([...times].sort((a, b) => b - a));

		const lastPage = Math.ceil(all.length / 50);
		const last = await search(window(), { page: lastPage });
		expect(last.json.payload).toMatchObject({
			pageNumber: lastPage,
			hasNext: false,
			nextPage: null,
			hasPrevious: true,
			previousPage: lastPage - 1,
		});
		expect(last.json.payload.items).toHaveLength(all.length - (lastPage - 1) * 50);

		const beyond = await search(window(), { page: lastPage + 1 });
		expect([beyond.status, beyond.text, beyond.headers.get('content-length')]).toEqual([
			204,
			'',
			null,
		]);
		expect(simulator.requests.at(-1)).toMatchObject({ path: SEARCH, status: 204 });
	});

	it('snake_case meta when the simulator is set so', async () => {
		simulator.pageMetaStyle = 'snake';
		const answer = await search(window(), { size: 7, page: 2 });
		const { items, ...meta } = answer.json.payload;
		expect(items).toHaveLength(7);
		const total = expected(() => true).length;
		expect(meta).toEqual({
			page_number: 2,
			page_size: 7,
			total_items: total,
			total_pages: Math.ceil(total / 7),
			has_next: true,
			next_page: 3,
			has_previous: true,
			previous_page: 1,
		});
	});

	it('sorts oldest first on request, and by created_date', async () => {
		const ascending = await searchAll(window(), { field: 'time_start_call', isAsc: true });
		const times = ascending.map((id) => simulator.findCall(id)!.time_start_call);
		expect(times).toEqual([...times].sort((a, b) => a - b));
		const created = await searchAll(window(), { field: 'created_date', isAsc: false });
		const dates = created.map((id) => simulator.findCall(id)!.created_date);
		expect(dates).toEqual([...dates].sort((a, b) => b - a));
	});

	it('size above 50 and a page below 1 are refused; 204 when nothing matches at all', async () => {
		expect((await search(window(), { size: 51 })).json).toMatchObject({
			status_code: -9999,
			message: 'size_invalid',
			payload: null,
		});
		expect((await search(window(), { size: 50 })).json.payload.items).toHaveLength(50);
		expect((await search(window(), { page: 0 })).json.message).toBe('page_invalid');
		expect((await search({ fromDate: END + DAY, toDate: END + 2 * DAY })).status).toBe(204);
	});
});

describe('v3 search: authentication and dates', () => {
	it('needs the Bearer token and the x-api-key of the same account', async () => {
		expect((await search(window(), { key: null })).json).toMatchObject({
			status_code: -9999,
			message: 'api_key_is_required',
		});
		expect((await search(window(), { key: 'not-a-key' })).json.message).toBe('api_key_invalid');
		// The other account's key with this account's token.
		expect((await search(window(), { key: OTHER_KEY })).json.message).toBe('api_key_invalid');
		expect((await search(window(), { auth: false })).status).toBe(401);
		token = simulator.issueToken(1);
		expect((await search(window(), { key: OTHER_KEY })).status).toBe(204);
		simulator.expireAllTokens();
		expect((await search(window(), { key: OTHER_KEY })).json).toMatchObject({
			status_code: -9999,
			message: 'token_expired',
		});
	});

	it('refuses missing, reversed and too long date ranges', async () => {
		expect((await search({ toDate: END })).json.message).toBe('from_date_is_required');
		expect((await search({ fromDate: END })).json.message).toBe('to_date_is_required');
		expect((await api(`${SEARCH}?page=1&size=50`, { method: 'POST', body: {} })).json.message).toBe(
			'from_date_is_required',
		);
		expect((await search({ fromDate: END, toDate: END - 1 })).json.message).toBe('date_invalid');
		expect((await search({ fromDate: String(END - DAY), toDate: END })).json.message).toBe(
			'date_invalid',
		);
		expect((await search({ fromDate: END - 31 * DAY - 1, toDate: END })).json.message).toBe(
			'date_is_too_long',
		);
		expect((await search({ fromDate: END - 31 * DAY, toDate: END })).status).toBe(204);
		simulator.maxSearchWindowMs = 7 * DAY;
		expect((await search({ fromDate: END - 8 * DAY, toDate: END })).json.message).toBe(
			'date_is_too_long',
		);
		expect((await api(`${SEARCH}?page=1&size=50`, { method: 'POST' })).json.message).toBe(
			'request_body_required',
		);
	});
});

describe('v3 search: filters', () => {
	beforeEach(() => {
		simulator.generateHistory({ count: 1500, days: 30, seed: 5, endAt: END });
	});

	it.each<[string, Record<string, unknown>, (c: HistoryCall) => boolean]>([
		['directions', { directions: ['inbound', 'local'] }, (c) => c.direction !== 'outbound'],
		['sipUsers', { sipUsers: ['105', '117'] }, (c) => c.sip_user === '105' || c.sip_user === '117'],
		[
			'agentEmails',
			{ agentEmails: [AGENTS[3].email.toUpperCase()] },
			(c) => c.user.some((u) => u.email === AGENTS[3].email),
		],
		['agentIds', { agentIds: [AGENTS[4].id] }, (c) => c.user.some((u) => u.id === AGENTS[4].id)],
		['isAnswer true', { isAnswer: true }, (c) => c.answer_sec > 0],
		['isAnswer false', { isAnswer: false }, (c) => c.answer_sec === 0],
		['empty lists', { directions: [], sipUsers: [] }, () => true],
	])('%s', async (_name, filter, keep) => {
		const want = expected(keep);
		expect(want.length).toBeGreaterThan(0);
		expect((await searchAll({ ...window(), ...filter })).sort()).toEqual(want);
	});

	it('phoneNumbers, transactionIds and keyword (phone or name, any case, with or without marks)', async () => {
		const someone = simulator.calls.find(
			(c) => c.direction === 'inbound' && /[ễịạộữ]/.test(c.customer.full_name),
		)!;
		const phone = someone.phone_number;
		expect((await searchAll({ ...window(), phoneNumbers: [phone] })).sort()).toEqual(
			expected((c) => c.phone_number === phone),
		);
		const ids = simulator.calls.slice(0, 3).map((c) => c.transaction_id);
		expect((await searchAll({ ...window(), transactionIds: ids })).sort()).toEqual(
			expected((c) => ids.includes(c.transaction_id)),
		);

		const byPhone = expected((c) => c.phone_number.includes(phone.slice(2, 8)));
		expect((await searchAll({ ...window(), keyword: phone.slice(2, 8) })).sort()).toEqual(byPhone);
		const name = someone.customer.full_name;
		const byName = expected((c) => fold(c.customer.full_name).includes(fold(name)));
		expect(byName).toContain(someone.transaction_id);
		for (const keyword of [name, fold(name), name.toUpperCase(), ` ${fold(name).toUpperCase()} `]) {
			expect((await searchAll({ ...window(), keyword })).sort()).toEqual(byName);
		}
	});

	it('bounds are inclusive, on time_start_call in seconds against milliseconds', async () => {
		const call = simulator.calls[0];
		const at = call.time_start_call * 1000;
		expect(
			await searchAll({ fromDate: at, toDate: at, transactionIds: [call.transaction_id] }),
		).toEqual([call.transaction_id]);
		expect(
			await searchAll({
				fromDate: at + 1,
				toDate: at + DAY,
				transactionIds: [call.transaction_id],
			}),
		).toEqual([]);
		expect(
			await searchAll({
				fromDate: at - DAY,
				toDate: at - 1,
				transactionIds: [call.transaction_id],
			}),
		).toEqual([]);
	});
});

describe('one call: v2 getByTransactionId, v1 detail, change', () => {
	let call: HistoryCall;
	beforeEach(() => {
		simulator.generateHistory({ count: 50, days: 10, seed: 3, endAt: END });
		call = simulator.calls.find((c) => c.answer_sec > 0 && c.user.length > 0)!;
	});

	it('getByTransactionId answers GET with a query and POST with a body', async () => {
		const byGet = await api(`${GET_BY_ID}?transactionId=${call.transaction_id}`);
		const byPost = await api(GET_BY_ID, {
			method: 'POST',
			body: { transactionId: call.transaction_id },
		});
		expect(byGet.json).toMatchObject({ status_code: 9999, payload: call });
		expect(byPost.json.payload).toEqual(byGet.json.payload);
		expect((await api(`${GET_BY_ID}?transactionId=nope`)).json).toMatchObject({
			status_code: -9999,
			message: 'resource_not_found',
		});
		expect((await api(GET_BY_ID, { method: 'POST', body: {} })).json.message).toBe(
			'transaction_id_is_required',
		);
		expect(
			(await api(`${GET_BY_ID}?transactionId=${call.transaction_id}`, { auth: false })).status,
		).toBe(401);
	});

	it('getByTransactionId: a method switched off answers 404, so a fallback can be tested', async () => {
		simulator.getByTransactionIdMethods = ['POST'];
		const byGet = await api(`${GET_BY_ID}?transactionId=${call.transaction_id}`);
		expect([byGet.status, byGet.json.message]).toEqual([404, 'not_found']);
		expect(
			(await api(GET_BY_ID, { method: 'POST', body: { transactionId: call.transaction_id } })).json
				.payload.transaction_id,
		).toBe(call.transaction_id);
	});

	it('v1 detail: recording_file instead of recording_file_url, and disposition', async () => {
		const answer = await api(`/api/call_transaction/detail/${call.transaction_id}`);
		expect(answer.json.payload).not.toHaveProperty('recording_file_url');
		expect(answer.json.payload).toMatchObject({
			transaction_id: call.transaction_id,
			recording_file: call.recording_file_url,
			disposition: 'answered',
		});
		expect((await api('/api/call_transaction/detail/nope')).json.message).toBe(
			'resource_not_found',
		);
	});

	it('change sets the note and the tags, Vietnamese unchanged, and answers the updated call', async () => {
		const note = 'Khách hẹn gọi lại lúc 15:00 — đã gửi báo giá 📞';
		const answer = await api(`/api/call_transaction/change/${call.transaction_id}`, {
			method: 'POST',
			body: { tag: ['Khiếu nại', 'Tag mới'], note },
		});
		expect(answer.json.status_code).toBe(9999);
		const changed = answer.json.payload as HistoryCall;
		expect(changed.note).toBe(note);
		expect(changed.tag).toEqual([simulator.tags.get('Khiếu nại'), simulator.tags.get('Tag mới')]);
		expect(changed.tag.every((id) => /^[0-9a-f]{24}$/.test(id))).toBe(true);
		expect(changed.user[0]).toMatchObject({
			note,
			tag: [{ name: 'Khiếu nại' }, { name: 'Tag mới' }],
		});
		expect((await api(`${GET_BY_ID}?transactionId=${call.transaction_id}`)).json.payload).toEqual(
			changed,
		);

		// A field left out is kept.
		const noteOnly = await api(`/api/call_transaction/change/${call.transaction_id}`, {
			method: 'POST',
			body: { note: '' },
		});
		expect(noteOnly.json.payload).toMatchObject({ note: '', tag: changed.tag });
	});

	it('change refuses an unknown call, an empty or wrong body, and PATCH unless allowed', async () => {
		const path = `/api/call_transaction/change/${call.transaction_id}`;
		expect(
			(await api('/api/call_transaction/change/nope', { method: 'POST', body: { note: 'x' } })).json
				.message,
		).toBe('resource_not_found');
		expect((await api(path, { method: 'POST' })).json.message).toBe('request_body_required');
		expect((await api(path, { method: 'POST', body: { tag: 'Khiếu nại' } })).json.message).toBe(
			'tag_invalid',
		);
		expect((await api(path, { method: 'PATCH', body: { note: 'x' } })).status).toBe(404);
		simulator.changeMethods = ['POST', 'PATCH'];
		expect((await api(path, { method: 'PATCH', body: { note: 'x' } })).json.payload.note).toBe('x');
	});
});

/** The MPEG audio frames of a file; throws at the first byte that is not a frame. */
function mpegFrames(bytes: Buffer): number {
	const kbps = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
	const rates = [44100, 48000, 32000];
	let frames = 0;
	for (let at = 0; at < bytes.length; frames++) {
		// 11 sync bits, MPEG-1 (11), Layer III (01).
		if (bytes[at] !== 0xff || (bytes[at + 1] & 0xfe) !== 0xfa)
			throw new Error(`no MPEG-1 Layer III frame at byte ${at}`);
		const bitrate = kbps[bytes[at + 2] >> 4] * 1000;
		const rate = rates[(bytes[at + 2] >> 2) & 3];
		const padding = (bytes[at + 2] >> 1) & 1;
		at += Math.floor((144 * bitrate) / rate) + padding;
	}
	return frames;
}

describe('recordings', () => {
	it('a plain GET without auth gets a real MP3; a wrong id or code gets 404', async () => {
		simulator.generateHistory({ count: 20, days: 5, seed: 9, endAt: END });
		const call = simulator.calls.find((c) => c.recording_file_url)!;
		const url = new URL(call.recording_file_url!);
		expect(url.origin).toBe(simulator.url);
		expect(url.pathname).toBe('/third_party/recording/uc');

		const response = await fetch(url);
		const bytes = Buffer.from(await response.arrayBuffer());
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('audio/mpeg');
		expect([...bytes.subarray(0, 4)]).toEqual([0xff, 0xfb, 0x90, 0x64]);
		const frames = mpegFrames(bytes);
		expect(frames * MP3_FRAME_BYTES).toBe(bytes.length);
		expect((frames * 1152) / 44100).toBeCloseTo(1, 1);

		const id = url.searchParams.get('id');
		const other = simulator.calls.find((c) => c.recording_file_url && c !== call)!;
		for (const wrong of [
			`?id=${id}x&code=${call.transaction_id}`,
			`?id=${id}&code=${other.transaction_id}`,
			`?code=${call.transaction_id}`,
			'',
		]) {
			expect((await fetch(`${simulator.url}/third_party/recording/uc${wrong}`)).status).toBe(404);
		}
		const missed = simulator.calls.find((c) => !c.answer_sec)!;
		expect(missed.recording_file_url).toBeNull();
	});
});

describe('rate limits on demand', () => {
	it('http429: the next `times` requests get 429 with Retry-After, then the real answer', async () => {
		simulator.rateLimit(SEARCH, { times: 2, retryAfterSec: 3 });
		for (let i = 0; i < 2; i++) {
			const limited = await search(window());
			expect([limited.status, limited.headers.get('retry-after'), limited.json.message]).toEqual([
				429,
				'3',
				'rate_limit_exceeded',
			]);
		}
		expect((await search(window())).status).toBe(204);
		expect(simulator.requests.map((r) => r.status)).toEqual([429, 429, 204]);
	});

	it('envelope: HTTP 200 with -9999 and the chosen code; no Retry-After when asked', async () => {
		simulator.rateLimit('/api/webhooks/list', {
			style: 'envelope',
			message: 'limit_request_30_minute',
		});
		const limited = await api('/api/webhooks/list');
		expect([limited.status, limited.json.status_code, limited.json.message]).toEqual([
			200,
			-9999,
			'limit_request_30_minute',
		]);
		expect((await api('/api/webhooks/list')).json.status_code).toBe(9999);
		simulator.rateLimit('/api/webhooks/list', { retryAfterSec: null });
		const bare = await api('/api/webhooks/list');
		expect([bare.status, bare.headers.get('retry-after')]).toEqual([429, null]);
	});
});

describe('the seeded generator', () => {
	it('is deterministic for a seed and an end, and fast (time reported, not asserted)', () => {
		const first = simulator.generateHistory({ count: 10_000, days: 90, seed: 42, endAt: END });
		const calls = JSON.stringify(simulator.calls);
		const hundredth = simulator.calls[99].transaction_id;
		console.log(`generateHistory: 10,000 calls over 90 days in ${first.ms} ms`);
		expect(first).toMatchObject({ added: 10_000, total: 10_000 });

		simulator.clearHistory();
		expect(simulator.calls).toHaveLength(0);
		simulator.generateHistory({ count: 10_000, days: 90, seed: 42, endAt: END });
		expect(JSON.stringify(simulator.calls)).toBe(calls);
		// The same seed again replaces its calls instead of doubling them.
		expect(
			simulator.generateHistory({ count: 10_000, days: 90, seed: 42, endAt: END }),
		).toMatchObject({ added: 0, total: 10_000 });
		expect(simulator.generateHistory({ count: 100, days: 90, seed: 43, endAt: END })).toMatchObject(
			{ added: 100, total: 10_100 },
		);
		expect(simulator.calls.at(-1)!.transaction_id).not.toBe(hundredth);
	});

	it('makes a varied, plausible history', () => {
		simulator.generateHistory({ count: 10_000, days: 90, seed: 7, endAt: END });
		const calls = simulator.calls;
		const share = (keep: (c: HistoryCall) => boolean) => calls.filter(keep).length / calls.length;

		expect(new Set(calls.map((c) => c.transaction_id)).size).toBe(calls.length);
		expect(
			calls.every(
				(c) => c.time_start_call * 1000 <= END && c.time_start_call * 1000 >= END - 90 * DAY,
			),
		).toBe(true);
		for (const direction of ['inbound', 'outbound', 'local'])
			expect(share((c) => c.direction === direction)).toBeGreaterThan(0.05);
		expect(share((c) => c.answer_sec > 0)).toBeGreaterThan(0.5);
		expect(share((c) => c.answer_sec === 0)).toBeGreaterThan(0.15);
		for (const missed of calls.filter((c) => c.answer_sec === 0)) {
			expect(missed).toMatchObject({
				bill_sec: 0,
				record_seconds: 0,
				recording_file_url: null,
				is_missed_call: true,
				disposition: 'cancelled',
			});
		}
		for (const answered of calls.filter((c) => c.answer_sec > 0))
			expect(answered.recording_file_url).toContain(`&code=${answered.transaction_id}`);

		const agents = calls.filter((c) => c.user.length);
		expect(new Set(agents.map((c) => c.sip_user))).toEqual(new Set(AGENTS.map((a) => a.extension)));
		expect(AGENTS.map((a) => Number(a.extension))).toEqual(
			Array.from({ length: 21 }, (_, i) => 100 + i),
		);
		expect(agents.every((c) => /^[a-z]+\.1[0-2]\d@example\.vn$/.test(c.user[0].email))).toBe(true);

		const auto = calls.filter((c) => c.is_auto_call);
		expect(auto.length).toBeGreaterThan(0);
		expect(
			auto.every(
				(c) =>
					c.autocall_id &&
					c.autocall_uuid &&
					c.direction === 'outbound' &&
					c.create_by.name === 'create_default_by_tenant',
			),
		).toBe(true);
		expect(calls.filter((c) => !c.is_auto_call).every((c) => c.autocall_id === null)).toBe(true);
		expect(calls.some((c) => c.transfer_histories.length > 0)).toBe(true);
		expect(calls.some((c) => c.tag.length > 0 && c.user[0].tag.length === c.tag.length)).toBe(true);
		expect(new Set(calls.map((c) => c.sip_number)).size).toBeGreaterThan(2);
		expect(calls.every((c) => c.hotline === null)).toBe(true);
		// Vietnamese names pass as they are, with their unmarked form beside them.
		const names = calls.map((c) => c.customer.full_name);
		expect(
			share((c) =>
				/[ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ]/i.test(
					c.customer.full_name,
				),
			),
		).toBeGreaterThan(0.5);
		expect(calls.every((c) => c.customer.full_name_unsigned === fold(c.customer.full_name))).toBe(
			true,
		);
		expect(new Set(names).size).toBeLessThan(calls.length); // some customers call more than once
	});

	it('needs a started simulator (recording URLs point at it)', async () => {
		await simulator.stop();
		const { OmiCallSimulator } = await import('../harness/simulator');
		expect(() => new OmiCallSimulator().generateHistory({ count: 1 })).toThrow(
			'Start the simulator',
		);
		simulator = await startSimulator({ apiKeys: [KEY] });
	});
});

describe('control paths and the command line', () => {
	const run = promisify(execFile);
	const cli = (...args: string[]) =>
		run(process.execPath, ['test/simulator/cli.js', ...args, '--url', simulator.url], {
			cwd: `${__dirname}/../..`,
		});

	it('`history` generates through /_sim/history, `--clear` empties first', async () => {
		const { stdout } = await cli('history', '--count', '250', '--days', '30', '--seed', '4');
		expect(stdout).toMatch(
			/^Added 250 calls over the last 30 days \(seed 4\) in \d+ ms; the history holds 250 calls\.\n$/,
		);
		expect(simulator.calls).toHaveLength(250);
		await cli('history', '--count', '10', '--clear');
		expect(simulator.calls).toHaveLength(10);
		await expect(cli('history', '--count', 'many')).rejects.toThrow(
			'--count must be a whole number',
		);
	});

	it('`call` lands in the history, with or without a call hook', async () => {
		const { stdout } = await cli('call', '--direction', 'outbound');
		expect(stdout).toContain('in the call history only');
		expect(simulator.calls).toHaveLength(1);
		const { transaction_id: id } = simulator.calls[0];
		expect(stdout).toContain(id);
		expect(
			(await search({ fromDate: Date.now() - DAY, toDate: Date.now() })).json.payload.items[0]
				.transaction_id,
		).toBe(id);
	});

	it('`call --started-ago` writes a record late: it started before calls already there', async () => {
		await cli('call');
		await cli('call', '--started-ago', '600');
		const [now, late] = simulator.calls;
		expect(now.time_start_call - late.time_start_call).toBeGreaterThanOrEqual(599);
		expect(now.time_start_call - late.time_start_call).toBeLessThanOrEqual(601);
		await expect(cli('call', '--started-ago', 'soon')).rejects.toThrow(
			'--started-ago must be a number of seconds',
		);
	});

	it('/_sim/config and /_sim/rate-limit change only what they name', async () => {
		const control = async (path: string, body: unknown) =>
			(
				await fetch(`${simulator.url}/_sim/${path}`, { method: 'POST', body: JSON.stringify(body) })
			).json();
		expect(
			await control('config', {
				pageMetaStyle: 'snake',
				getByTransactionIdMethods: ['POST'],
				url: 'http://elsewhere',
			}),
		).toEqual({
			pageMetaStyle: 'snake',
			maxSearchWindowMs: 31 * DAY,
			getByTransactionIdMethods: ['POST'],
			changeMethods: ['POST'],
			calls: 0,
		});
		expect(simulator.url).not.toBe('http://elsewhere');
		expect(await control('rate-limit', { path: SEARCH, style: 'envelope' })).toEqual({
			limited: SEARCH,
		});
		expect((await search(window())).json.message).toBe('rate_limit_exceeded');
		expect(await control('history/clear', {})).toEqual({ total: 0 });
	});
});
