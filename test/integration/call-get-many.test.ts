/**
 * Call → Get Many: the OMICall node searching the simulator's call history over real HTTP,
 * through n8n-core's ExecuteContext. What a user sees: the items, their order, the requests it
 * took, and the errors.
 */
import { getToolDescriptionForNode } from 'n8n-workflow';
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { OmiCall } from '../../nodes/OmiCall/OmiCall.node';
import {
	actionRunner,
	apiKeyStore,
	buildNode,
	CREDENTIAL_ID,
	CredentialStore,
	executeNode,
	failureOf,
} from '../harness/n8n-core';
import {
	AGENTS,
	fold,
	type HistoryCall,
	type OmiCallSimulator,
	startSimulator,
} from '../harness/simulator';

const API_KEY = 'key-0123456789abcdef';
const SEARCH = '/api/v3/call-transaction/search';
const DAY = 24 * 60 * 60 * 1000;
const nodeType = new OmiCall();

/**
 * Generated histories span 23 hours, inside Get Many's default "last 24 hours" whatever the time
 * of day: over a full day ending a minute ago, a call of the first minute fell outside it.
 */
const WITHIN_DEFAULT_RANGE = 23 / 24;

let simulator: OmiCallSimulator;
let store: CredentialStore;

beforeEach(async () => {
	simulator = await startSimulator({ apiKeys: [API_KEY] });
	store = apiKeyStore(simulator.url, API_KEY);
});
afterEach(async () => simulator.stop());

const run = actionRunner(nodeType, { resource: 'call', operation: 'getMany' }, () => store);

async function runError(parameters: INodeParameters): Promise<Error & { description?: string }> {
	const error = await failureOf(run(parameters));
	const seen = `${error.message} ${error.description ?? ''} ${JSON.stringify(error)}`;
	expect(seen).not.toContain(API_KEY);
	const token = store.get(CREDENTIAL_ID).sessionToken;
	if (typeof token === 'string' && token) expect(seen).not.toContain(token);
	return error;
}

const searches = () => simulator.requests.filter((r) => r.path === SEARCH);
/** A whole second: OMICall's call times are epoch seconds. */
const second = (ms: number) => Math.floor(ms / 1000) * 1000;
const iso = (ms: number) => new Date(ms).toISOString();

async function place(
	startedAt: number,
	options: Record<string, unknown> = {},
): Promise<HistoryCall> {
	const placed = await simulator.placeCall({ requireHook: false, startedAt, ...options });
	return simulator.findCall(placed.transactionId)!;
}

describe('paging: Return All', () => {
	it.each([
		[0, 1],
		[1, 1],
		[50, 1],
		[51, 2],
		[100, 2],
		[101, 3],
	])(
		'%i calls in the last 24 hours: all of them, newest first, in %i request(s) of size 50',
		async (count, requests) => {
			simulator.generateHistory({
				count,
				days: WITHIN_DEFAULT_RANGE,
				seed: count + 1,
				endAt: Date.now() - 60_000,
			});
			const out = await run({ returnAll: true });
			expect(out).toHaveLength(count);
			expect(new Set(out.map((i) => i.json.callId)).size).toBe(count);
			const started = out.map((i) => Date.parse(i.json.startedAt as string));
			expect(started).toEqual([...started].sort((a, b) => b - a));
			expect(searches()).toHaveLength(requests);
			expect(searches().map((r) => [r.query.page, r.query.size])).toEqual(
				Array.from({ length: requests }, (_, k) => [String(k + 1), '50']),
			);
			expect(out.every((i) => i.pairedItem && (i.pairedItem as { item: number }).item === 0)).toBe(
				true,
			);
		},
	);

	it('10,000 calls in 30 days: exactly 200 requests', async () => {
		const to = second(Date.now());
		simulator.generateHistory({ count: 10_000, days: 30, seed: 7, endAt: to });
		const out = await run({ returnAll: true, filters: { from: iso(to - 30 * DAY), to: iso(to) } });
		expect(out).toHaveLength(10_000);
		expect(new Set(out.map((i) => i.json.callId)).size).toBe(10_000);
		expect(searches()).toHaveLength(200);
		expect(simulator.count('/api/auth')).toBe(1);
	}, 60_000);

	it('10,000 calls in 90 days: three 30-day windows, every call once, one short page per window', async () => {
		const to = second(Date.now());
		simulator.generateHistory({ count: 10_000, days: 90, seed: 8, endAt: to });
		const out = await run({ returnAll: true, filters: { from: iso(to - 90 * DAY), to: iso(to) } });
		expect(out).toHaveLength(10_000);
		expect(new Set(out.map((i) => i.json.callId)).size).toBe(10_000);
		// The requests each window needs: its calls (bounds inclusive) in pages of 50.
		const inWindow = (from: number, until: number) =>
			simulator.calls.filter(
				(c) => c.time_start_call * 1000 >= from && c.time_start_call * 1000 <= until,
			).length;
		const pages = [0, 1, 2].map((k) =>
			Math.max(1, Math.ceil(inWindow(to - (k + 1) * 30 * DAY, to - k * 30 * DAY) / 50)),
		);
		expect(searches()).toHaveLength(pages[0] + pages[1] + pages[2]);
		expect(searches().length).toBeLessThanOrEqual(203);
		const started = out.map((i) => Date.parse(i.json.startedAt as string));
		expect(started).toEqual([...started].sort((a, b) => b - a));
	}, 60_000);
});

describe('paging: Limit', () => {
	it('is 50 by default', async () => {
		simulator.generateHistory({
			count: 120,
			days: WITHIN_DEFAULT_RANGE,
			seed: 3,
			endAt: Date.now() - 60_000,
		});
		expect(await run({})).toHaveLength(50);
		expect(searches()).toHaveLength(1);
	});

	it('asks only for as many calls as it returns when the limit is below 50', async () => {
		simulator.generateHistory({
			count: 30,
			days: WITHIN_DEFAULT_RANGE,
			seed: 4,
			endAt: Date.now() - 60_000,
		});
		const all = await run({ returnAll: true });
		simulator.resetLog();
		const out = await run({ limit: 5 });
		expect(out.map((i) => i.json.callId)).toEqual(all.slice(0, 5).map((i) => i.json.callId));
		expect(searches().map((r) => r.query.size)).toEqual(['5']);
	});

	it('stops asking once it has the limit: 120 of 200 calls in 3 requests', async () => {
		simulator.generateHistory({
			count: 200,
			days: WITHIN_DEFAULT_RANGE,
			seed: 5,
			endAt: Date.now() - 60_000,
		});
		const out = await run({ limit: 120 });
		expect(out).toHaveLength(120);
		expect(searches().map((r) => r.query.page)).toEqual(['1', '2', '3']);
	});
});

describe('page meta and empty answers', () => {
	it.each(['camel', 'snake'] as const)(
		'%s-case meta: 50 calls take one request (has_next/hasNext false is read)',
		async (style) => {
			simulator.pageMetaStyle = style;
			simulator.generateHistory({
				count: 50,
				days: WITHIN_DEFAULT_RANGE,
				seed: 9,
				endAt: Date.now() - 60_000,
			});
			expect(await run({ returnAll: true })).toHaveLength(50);
			expect(searches()).toHaveLength(1);
		},
	);

	it.each(['camel', 'snake'] as const)(
		'%s-case meta: 150 calls take three requests',
		async (style) => {
			simulator.pageMetaStyle = style;
			simulator.generateHistory({
				count: 150,
				days: WITHIN_DEFAULT_RANGE,
				seed: 10,
				endAt: Date.now() - 60_000,
			});
			expect(await run({ returnAll: true })).toHaveLength(150);
			expect(searches()).toHaveLength(3);
		},
	);

	const page = (items: unknown[], meta: IDataObject = {}) => ({
		status_code: 9999,
		instance_id: 'sim',
		payload: { items, ...meta },
	});
	const fake = (k: number) => ({
		transaction_id: `fake-${k}`,
		direction: 'inbound',
		phone_number: '0395187319',
		time_start_call: 1795834800 - k,
	});

	it('without any meta: a short page is the last', async () => {
		simulator.injectFault(SEARCH, { body: page([fake(1), fake(2), fake(3)]) });
		expect((await run({ returnAll: true })).map((i) => i.json.callId)).toEqual([
			'fake-1',
			'fake-2',
			'fake-3',
		]);
		expect(searches()).toHaveLength(1);
	});

	it('without any meta: after a full page it asks again, and HTTP 204 ends the search', async () => {
		simulator.injectFault(SEARCH, { body: page(Array.from({ length: 50 }, (_, k) => fake(k))) });
		simulator.injectFault(SEARCH, { status: 204, body: '' });
		expect(await run({ returnAll: true })).toHaveLength(50);
		expect(searches()).toHaveLength(2);
	});

	it('a server that repeats the same full page with hasNext true is not asked forever', async () => {
		const same = page(
			Array.from({ length: 50 }, (_, k) => fake(k)),
			{ hasNext: true },
		);
		simulator.injectFault(SEARCH, { body: same, times: 100 });
		expect(await run({ returnAll: true })).toHaveLength(50);
		expect(searches()).toHaveLength(2);
	});

	it('no calls at all (HTTP 204): no items, no error', async () => {
		expect(await run({ returnAll: true })).toEqual([]);
		expect(searches().map((r) => r.status)).toEqual([204]);
	});
});

describe('time range', () => {
	it('defaults to the last 24 hours', async () => {
		const now = Date.now();
		const recent = await place(now - 23 * 3600_000);
		await place(now - 25 * 3600_000);
		expect((await run({ returnAll: true })).map((i) => i.json.callId)).toEqual([
			recent.transaction_id,
		]);
	});

	it('From alone: until now; To alone: the 24 hours before it', async () => {
		const now = Date.now();
		const a = await place(now - 3 * DAY);
		const b = await place(now - 2 * DAY);
		const c = await place(now - 3600_000);
		expect(
			(await run({ returnAll: true, filters: { from: iso(now - 4 * DAY) } })).map(
				(i) => i.json.callId,
			),
		).toEqual([c, b, a].map((x) => x.transaction_id));
		expect(
			(await run({ returnAll: true, filters: { to: iso(now - 2 * DAY + 60_000) } })).map(
				(i) => i.json.callId,
			),
		).toEqual([b.transaction_id]);
	});

	it('a 90-day range is searched 30 days at a time, newest first; calls exactly on the window edges come once', async () => {
		const to = second(Date.now());
		const from = to - 90 * DAY;
		simulator.maxSearchWindowMs = 30 * DAY; // exactly what the node asks for, no more
		const edges = [
			to,
			to - 30 * DAY,
			to - 30 * DAY - 1000,
			to - 60 * DAY + 1000,
			to - 60 * DAY,
			from,
		];
		const placed = [];
		for (const at of edges) placed.push(await place(at));
		await place(from - 1000); // just before From
		const out = await run({ returnAll: true, filters: { from: iso(from), to: iso(to) } });
		expect(out.map((i) => i.json.callId)).toEqual(placed.map((c) => c.transaction_id));
		expect(out.map((i) => i.json.startedAt)).toEqual(edges.map(iso));
		// Three windows, each one request; the edge calls were answered twice and kept once.
		expect(searches()).toHaveLength(3);
	});

	it('reads a From and To without a zone in the workflow time zone', async () => {
		// The harness workflow has no time zone setting: n8n falls back to America/New_York.
		const at = Date.UTC(2026, 0, 15, 15, 0, 0); // 10:00 in New York
		const call = await place(at);
		const inside = await run({
			returnAll: true,
			filters: { from: '2026-01-15T09:59:00', to: '2026-01-15T10:01:00' },
		});
		expect(inside.map((i) => i.json.callId)).toEqual([call.transaction_id]);
		expect(
			await run({
				returnAll: true,
				filters: { from: '2026-01-15T10:01:00', to: '2026-01-15T11:00:00' },
			}),
		).toEqual([]);
	});
});

describe('filters', () => {
	const to = Date.now() - 60_000;
	beforeEach(() => {
		simulator.generateHistory({ count: 400, days: WITHIN_DEFAULT_RANGE, seed: 11, endAt: to });
	});
	const expectSameCalls = (out: INodeExecutionData[], expected: HistoryCall[]) => {
		expect(expected.length).toBeGreaterThan(0);
		expect(out.map((i) => i.json.callId).sort()).toEqual(
			expected.map((c) => c.transaction_id).sort(),
		);
	};

	it('customer phone numbers', async () => {
		const numbers = [...new Set(simulator.calls.map((c) => c.phone_number))].slice(0, 2);
		const out = await run({ returnAll: true, filters: { phoneNumbers: numbers.join(', ') } });
		expectSameCalls(
			out,
			simulator.calls.filter((c) => numbers.includes(c.phone_number)),
		);
		expect(out.every((i) => numbers.includes(i.json.customerNumber as string))).toBe(true);
	});

	it('agent extensions and agent emails', async () => {
		const [one, two] = AGENTS;
		const byExtension = await run({
			returnAll: true,
			filters: { agentExtensions: `${one.extension},${two.extension}` },
		});
		expectSameCalls(
			byExtension,
			simulator.calls.filter((c) => c.sip_user === one.extension || c.sip_user === two.extension),
		);
		const byEmail = await run({ returnAll: true, filters: { agentEmails: one.email } });
		expectSameCalls(
			byEmail,
			simulator.calls.filter((c) => c.user.some((u) => u.email === one.email)),
		);
	});

	it('directions and answered only', async () => {
		const out = await run({
			returnAll: true,
			filters: { directions: ['inbound'], answeredOnly: true },
		});
		expectSameCalls(
			out,
			simulator.calls.filter((c) => c.direction === 'inbound' && c.answer_sec > 0),
		);
		expect(out.every((i) => i.json.direction === 'inbound' && i.json.answered === true)).toBe(true);
	});

	it('transaction IDs', async () => {
		const ids = simulator.calls.slice(0, 3).map((c) => c.transaction_id);
		expectSameCalls(
			await run({ returnAll: true, filters: { transactionIds: ids.join('\n') } }),
			simulator.calls.slice(0, 3),
		);
	});

	it('a Vietnamese keyword, matched as OMICall matches it', async () => {
		const name = simulator.calls[0].customer.full_name;
		const family = name.split(' ')[0];
		const out = await run({ returnAll: true, filters: { keyword: family } });
		expectSameCalls(
			out,
			simulator.calls.filter(
				(c) => fold(c.customer.full_name).includes(fold(family)) || c.phone_number.includes(family),
			),
		);
		expect(out.some((i) => i.json.customerName === name)).toBe(true);
	});
});

describe('output', () => {
	it("Simplified: the trigger's field names, Vietnamese text unchanged, note and tag names", async () => {
		const call = await place(Date.now() - 3600_000, {
			direction: 'outbound',
			answered: true,
			customerNumber: '0395187319',
			customerName: 'Nguyễn Thị Ánh',
			notes: 'Khách hẹn gọi lại lúc 15h',
		});
		simulator.tagId('Khách hàng VIP');
		call.tag = [simulator.tagId('Khách hàng VIP')];
		call.user[0].tag = [{ name: 'Khách hàng VIP' }];
		const [item] = await run({});
		expect(item.json).toEqual({
			event: 'cdr',
			callId: call.transaction_id,
			direction: 'outbound',
			customerNumber: '0395187319',
			agentExtension: call.sip_user,
			hotline: call.sip_number,
			startedAt: iso(call.time_start_call * 1000),
			answeredAt: iso((call.time_start_to_answer as number) * 1000),
			endedAt: iso(call.time_end_call * 1000),
			durationSec: call.duration,
			talkSec: call.bill_sec,
			recordingUrl: call.recording_file_url,
			agentName: call.user[0].full_name,
			customerName: 'Nguyễn Thị Ánh',
			answered: true,
			note: 'Khách hẹn gọi lại lúc 15h',
			tags: ['Khách hàng VIP'],
			autoCallId: null,
			deliveryAttempt: null,
		});
		expect(item.binary).toBeUndefined();
	});

	it('Raw: each call exactly as OMICall returns it', async () => {
		simulator.generateHistory({
			count: 3,
			days: WITHIN_DEFAULT_RANGE,
			seed: 12,
			endAt: Date.now() - 60_000,
		});
		const out = await run({ options: { output: 'raw' } });
		expect(out.map((i) => i.json)).toEqual(
			out.map((i) =>
				JSON.parse(JSON.stringify(simulator.findCall(i.json.transaction_id as string))),
			),
		);
	});

	it('Attach Recordings: the recording of each call that has one, in the chosen field', async () => {
		const answered = await place(Date.now() - 3600_000, { answered: true });
		const missed = await place(Date.now() - 7200_000, { answered: false });
		const out = await run({ options: { attachRecordings: true, recordingField: 'audio' } });
		expect(out.map((i) => i.json.callId)).toEqual([answered.transaction_id, missed.transaction_id]);
		const binary = out[0].binary!.audio;
		expect(Buffer.from(binary.data, 'base64').equals(simulator.recording)).toBe(true);
		expect([binary.mimeType, binary.fileName]).toEqual([
			'audio/mpeg',
			`${answered.transaction_id}.mp3`,
		]);
		expect(out[1].binary).toBeUndefined();
		expect(simulator.count('/third_party/recording/uc')).toBe(1);
	});
});

describe('errors', () => {
	it('Attach Recordings with a recording link that no longer works: an error naming the call, showing only the host', async () => {
		const good = await place(Date.now() - 3600_000, { answered: true });
		const broken = await place(Date.now() - 7200_000, { answered: true });
		simulator.recordCall({
			...broken,
			recording_file_url: `${simulator.url}/third_party/recording/uc?id=gone-capability-42&code=gone`,
		});
		const error = await runError({ options: { attachRecordings: true } });
		expect(error.message).toMatch(
			new RegExp(
				`^The recording of call "${broken.transaction_id}" could not be downloaded: .*404`,
			),
		);
		const seen = `${error.message} ${error.description ?? ''} ${JSON.stringify(error)}`;
		expect(seen).not.toContain('gone-capability-42');
		expect(seen).not.toContain(good.recording_file_url!);
	});

	it('Access Token mode: v3 search needs the API key, and says so without calling OMICall', async () => {
		store.set(CREDENTIAL_ID, {
			baseUrl: simulator.url,
			authentication: 'accessToken',
			accessToken: simulator.issueToken(0),
			sessionToken: '',
		});
		const error = await runError({});
		expect(error.message).toMatch(/API key/);
		expect(searches()).toHaveLength(0);
	});

	it('From after To: a plain error, no request', async () => {
		const error = await runError({
			filters: { from: '2026-11-28T10:00:00Z', to: '2026-11-27T10:00:00Z' },
		});
		expect(error.message).toBe(
			'From (2026-11-28T10:00:00.000Z) is after To (2026-11-27T10:00:00.000Z).',
		);
		expect(searches()).toHaveLength(0);
	});

	it('a From that is not a date', async () => {
		const error = await runError({ filters: { from: 'yesterday' } });
		expect(error.message).toBe('From is not a date and time: "yesterday".');
	});

	it("OMICall's own date_is_too_long, when it accepts less than 30 days", async () => {
		simulator.maxSearchWindowMs = 7 * DAY;
		const error = await runError({ filters: { from: iso(Date.now() - 20 * DAY) } });
		expect(error.message).toMatch(/longer than OMICall accepts.*date_is_too_long/);
	});

	it('a rate limit once: retried, and the calls come', async () => {
		simulator.generateHistory({
			count: 3,
			days: WITHIN_DEFAULT_RANGE,
			seed: 13,
			endAt: Date.now() - 60_000,
		});
		simulator.rateLimit(SEARCH, { times: 1, retryAfterSec: 0 });
		expect(await run({})).toHaveLength(3);
		expect(searches().map((r) => r.status)).toEqual([429, 200]);
	});

	it('a rate limit answered inside the envelope (HTTP 200, limit_request_30_minute) is retried too', async () => {
		simulator.generateHistory({
			count: 2,
			days: WITHIN_DEFAULT_RANGE,
			seed: 14,
			endAt: Date.now() - 60_000,
		});
		simulator.rateLimit(SEARCH, {
			times: 1,
			style: 'envelope',
			message: 'limit_request_30_minute',
		});
		expect(await run({})).toHaveLength(2);
		expect(searches()).toHaveLength(2);
	});

	it('a rate limit that does not lift: an error naming it, after a bounded number of tries', async () => {
		simulator.rateLimit(SEARCH, {
			times: 50,
			retryAfterSec: 0,
			message: 'limit_request_30_minute',
		});
		const error = await runError({});
		expect(error.message).toMatch(/limit_request_30_minute/);
		expect(searches().length).toBeLessThanOrEqual(5);
	});

	it('Continue On Fail: a failing item gives {error}, the others their calls, each paired with its input', async () => {
		const call = await place(Date.now() - 3600_000);
		const items = [{ json: { from: 'not a date' } }, { json: { from: iso(Date.now() - DAY) } }];
		const out = await run({ filters: { from: '={{ $json.from }}' } }, items, true);
		expect(out).toEqual([
			{ json: { error: 'From is not a date and time: "not a date".' }, pairedItem: { item: 0 } },
			expect.objectContaining({
				json: expect.objectContaining({ callId: call.transaction_id }),
				pairedItem: { item: 1 },
			}),
		]);
	});

	it('without Continue On Fail the first failing item stops the node', async () => {
		const items = [{ json: { from: iso(Date.now() - DAY) } }, { json: { from: 'not a date' } }];
		await expect(run({ filters: { from: '={{ $json.from }}' } }, items)).rejects.toThrow(
			'From is not a date and time: "not a date".',
		);
	});
});

describe('several input items', () => {
	it('runs one search per item with its own filters, and pairs every call with its item', async () => {
		const a = await place(Date.now() - 3600_000, { customerNumber: '0911111111' });
		const b1 = await place(Date.now() - 7200_000, { customerNumber: '0922222222' });
		const b2 = await place(Date.now() - 9000_000, { customerNumber: '0922222222' });
		const out = await run({ filters: { phoneNumbers: '={{ $json.phone }}' } }, [
			{ json: { phone: '0911111111' } },
			{ json: { phone: '0922222222' } },
		]);
		expect(out.map((i) => [i.json.callId, i.pairedItem])).toEqual([
			[a.transaction_id, { item: 0 }],
			[b1.transaction_id, { item: 1 }],
			[b2.transaction_id, { item: 1 }],
		]);
	});
});

describe("as an AI agent's tool", () => {
	it('the automatic tool descriptions say what Get Many and Get do', () => {
		const described = (operation: string) =>
			getToolDescriptionForNode(
				{ parameters: { descriptionType: 'auto', resource: 'call', operation } } as never,
				nodeType,
			);
		expect(described('getMany')).toBe('Search the call history in OMICall');
		expect(described('get')).toBe('Get a call by transaction ID in OMICall');
	});

	it('runs in the tool version n8n generates (type ending in "Tool"), unlike Register and Destroy', async () => {
		const call = await place(Date.now() - 3600_000, { customerNumber: '0395187319' });
		const built = buildNode(
			nodeType,
			{ resource: 'call', operation: 'getMany', filters: { phoneNumbers: '0395187319' } },
			store,
		);
		built.node.type = 'n8n-nodes-omicall.omiCallTool';
		const out = await executeNode(built, nodeType);
		expect(out.map((i) => i.json.callId)).toEqual([call.transaction_id]);
	});
});
