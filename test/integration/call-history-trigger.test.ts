/**
 * The OMICall Call History Trigger polling the simulator's call history over real HTTP, through
 * n8n-core's PollContext. What a user sees: which calls start the workflow, once each and in
 * order, and how many requests each poll costs.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { OmiCallCallHistoryTrigger } from '../../nodes/OmiCall/OmiCallCallHistoryTrigger.node';
import {
	apiKeyStore,
	buildNode,
	CredentialStore,
	type NodeRun,
	pollNode,
	saveStaticData,
} from '../harness/n8n-core';
import {
	buildCallEvents,
	type CallOptions,
	type OmiCallSimulator,
	startSimulator,
	toHistoryItem,
} from '../harness/simulator';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { seededRandom } = require('../simulator/history') as {
	seededRandom: (seed: number) => () => number;
};

const API_KEY = 'key-0123456789abcdef';
const SEARCH = '/api/v3/call-transaction/search';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const nodeType = new OmiCallCallHistoryTrigger();

let simulator: OmiCallSimulator;
let store: CredentialStore;

beforeEach(async () => {
	simulator = await startSimulator({ apiKeys: [API_KEY] });
	store = apiKeyStore(simulator.url, API_KEY);
});
afterEach(async () => {
	jest.restoreAllMocks();
	await simulator.stop();
});

/** A call in the history that started at `startedAt` (ms; OMICall keeps whole seconds). */
function addCall(startedAt: number, options: CallOptions = {}): string {
	const record = buildCallEvents({ startedAt, recordingBaseUrl: simulator.url, ...options }).at(
		-1,
	)!;
	return simulator.recordCall(toHistoryItem(record)).transaction_id;
}

/**
 * Activates the trigger as if at `at` (its first poll, which takes nothing in without back-fill).
 * n8n saves the static data after an activation.
 */
async function activate(at: number, parameters: INodeParameters = {}, staticData?: IDataObject) {
	const run = buildNode(nodeType, parameters, store, { staticData });
	const clock = jest.spyOn(Date, 'now').mockReturnValue(at);
	try {
		const first = await pollNode(run, nodeType);
		saveStaticData(run);
		return { run, first };
	} finally {
		clock.mockRestore();
	}
}

async function poll(run: NodeRun): Promise<INodeExecutionData[]> {
	return (await pollNode(run, nodeType)) ?? [];
}

const ids = (items: INodeExecutionData[]) => items.map((item) => item.json.callId);
const searches = () => simulator.requests.filter((r) => r.path === SEARCH).length;

/**
 * n8n's restart: the static data as n8n last saved it (after activation and after each poll that
 * emitted; not after an empty poll), in a workflow built anew. Publishing an edited workflow
 * does the same, with the new parameters.
 */
function restart(run: NodeRun, parameters: INodeParameters = run.node.parameters): NodeRun {
	const next = buildNode(nodeType, parameters, store, {
		staticData: JSON.parse(JSON.stringify(run.saved ?? {})),
	});
	saveStaticData(next);
	return next;
}

describe('first activation', () => {
	test('takes in nothing from before, by default, beyond a 2-minute margin; the next call is emitted', async () => {
		const start = Date.now() - HOUR;
		addCall(start - 5 * MINUTE);
		addCall(start - 2 * MINUTE - 1000);
		// Within the margin for a clock difference between OMICall and n8n: emitted.
		const margin = addCall(start - 2 * MINUTE);
		const { run, first } = await activate(start);
		expect(first).toBeNull();
		expect(searches()).toBe(0);
		expect(ids(await poll(run))).toEqual([margin]);
		expect(await poll(run)).toEqual([]);
		const id = addCall(start + MINUTE);
		expect(ids(await poll(run))).toEqual([id]);
	});

	test('the back-fill option takes in the last N hours once', async () => {
		const start = Date.now() - MINUTE;
		addCall(start - 3 * HOUR);
		const recent = [addCall(start - 90 * MINUTE), addCall(start - 10 * MINUTE)];
		const { run, first } = await activate(start, { options: { backfillHours: 2 } });
		expect(ids(first ?? [])).toEqual(recent);
		expect(await poll(run)).toEqual([]);
	});

	test.each([[200_000], ['={{ 1e9 }}'], [-5], ['={{ "all" }}']])(
		'a back-fill of %j hours fails the first poll clearly, before any request; 2160 (90 days) is taken',
		async (backfillHours) => {
			const start = Date.now() - MINUTE;
			const run = buildNode(nodeType, { options: { backfillHours } }, store);
			const clock = jest.spyOn(Date, 'now').mockReturnValue(start);
			try {
				await expect(pollNode(run, nodeType)).rejects.toThrow(
					/^The On First Activation, Take In the Last \(Hours\) option is .*; it must be a number from 0 to 2160\.$/,
				);
			} finally {
				clock.mockRestore();
			}
			expect(searches()).toBe(0);
			const id = addCall(start - 89 * DAY);
			const { first } = await activate(start, { options: { backfillHours: 2160 } });
			expect(ids(first ?? [])).toEqual([id]);
		},
	);

	// It used to be read as 60 minutes, silently: a user's -5 or "1h" looked taken.
	test.each([[-5], ['={{ "1h" }}'], [true]])(
		'a Look Back of %j fails the poll clearly, before any request; the cursor stays',
		async (overlapMinutes) => {
			const start = Date.now() - HOUR;
			const { run } = await activate(start, { options: { overlapMinutes } });
			const cursor = JSON.stringify(run.workflow.staticData);
			addCall(start + MINUTE);
			await expect(pollNode(run, nodeType)).rejects.toThrow(
				/^The Look Back \(Minutes\) option is .*; it must be a number, 0 or more\.$/,
			);
			expect(searches()).toBe(0);
			expect(JSON.stringify(run.workflow.staticData)).toBe(cursor);
		},
	);

	test('the items carry the OMICall Trigger cdr fields; Raw gives the record itself', async () => {
		const start = Date.now() - HOUR;
		const { run } = await activate(start);
		const id = addCall(start + MINUTE, { direction: 'inbound', answered: true });
		const [item] = await poll(run);
		expect(item.json).toMatchObject({
			event: 'cdr',
			callId: id,
			direction: 'inbound',
			answered: true,
		});
		expect(Object.keys(item.json)).toEqual(
			expect.arrayContaining(['customerNumber', 'agentExtension', 'startedAt', 'endedAt', 'raw']),
		);
		const raw = await activate(start, { options: { output: 'raw' } });
		expect((await poll(raw.run))[0].json).toEqual(simulator.findCall(id));
	});
});

describe('what a poll costs and emits', () => {
	test('nothing new costs exactly one request, however many calls the look-back holds', async () => {
		const start = Date.now() - HOUR;
		const { run } = await activate(start);
		for (let i = 0; i < 200; i++) addCall(start + i * 10_000);
		expect(await poll(run)).toHaveLength(200);
		let before = searches();
		expect(await pollNode(run, nodeType)).toBeNull();
		expect(searches() - before).toBe(1);
		// One new call among the 200 in the look-back: still one request.
		const id = addCall(start + 200 * 10_000);
		before = searches();
		expect(ids(await poll(run))).toEqual([id]);
		expect(searches() - before).toBe(1);
	});

	test.each([1, 50, 51, 500])('%i new records in one poll: each once, in time order', async (n) => {
		const start = Date.now() - 2 * HOUR;
		const { run } = await activate(start);
		const added = Array.from({ length: n }, (_, i) => addCall(start + Math.floor((i * HOUR) / n)));
		const before = searches();
		const items = await poll(run);
		expect(ids(items)).toEqual(
			[...added].sort((a, b) => {
				const ta = simulator.findCall(a)!.time_start_call;
				const tb = simulator.findCall(b)!.time_start_call;
				return ta - tb || (a < b ? -1 : 1);
			}),
		);
		// One request per 50: the page meta says which page is the last.
		expect(searches() - before).toBe(Math.ceil(n / 50));
		expect(await poll(run)).toEqual([]);
	});

	test('identical timestamps across a page boundary: all emitted, none twice', async () => {
		const start = Date.now() - HOUR;
		// No look-back: only the cursor's ids at its newest second keep these from coming twice.
		const { run } = await activate(start, { options: { overlapMinutes: 0 } });
		const same = start + 10 * MINUTE;
		const first = Array.from({ length: 30 }, () => addCall(start + MINUTE));
		const tied = Array.from({ length: 45 }, () => addCall(same));
		const items = await poll(run);
		expect(new Set(ids(items))).toEqual(new Set([...first, ...tied]));
		expect(items).toHaveLength(75);
		// More calls in that same second, after the poll: only they come next.
		const more = [addCall(same), addCall(same)];
		expect(new Set(ids(await poll(run)))).toEqual(new Set(more));
		expect(await poll(run)).toEqual([]);
	});

	test('a late record inside the look-back is emitted once; one before it is not', async () => {
		const start = Date.now() - 3 * HOUR;
		const { run } = await activate(start, { options: { overlapMinutes: 30 } });
		addCall(start + 2 * HOUR);
		await poll(run);
		// Written late: it started before the newest call already emitted.
		const late = addCall(start + 2 * HOUR - 20 * MINUTE);
		expect(ids(await poll(run))).toEqual([late]);
		expect(await poll(run)).toEqual([]);
		// Later than the look-back: not taken in (the documented limit of the option).
		addCall(start + 2 * HOUR - 40 * MINUTE);
		expect(await poll(run)).toEqual([]);
	});

	test('a transferred call (a second leg of the same transaction) is emitted once', async () => {
		const start = Date.now() - HOUR;
		const { run } = await activate(start);
		const id = addCall(start + MINUTE, { answered: true });
		expect(ids(await poll(run))).toEqual([id]);
		// OMICall upserts the record with the next leg (observed): same transaction id, later end.
		addCall(start + MINUTE, { answered: true, transactionId: id, transfers: 1, talkSec: 300 });
		expect(await poll(run)).toEqual([]);
		// Both legs written before one poll: one item, the last leg's (it lists the transfer).
		const other = addCall(start + 2 * MINUTE, { answered: true });
		addCall(start + 2 * MINUTE, { answered: true, transactionId: other, transfers: 1 });
		const items = await poll(run);
		expect(ids(items)).toEqual([other]);
		expect((items[0].json.raw as IDataObject).transfer_histories).toHaveLength(1);
	});

	test('filters go to OMICall; hotlines are compared in any written form', async () => {
		const start = Date.now() - HOUR;
		const { run } = await activate(start, {
			filters: { directions: ['inbound'], hotlines: '+84 28 7300 5588' },
		});
		const wanted = addCall(start + MINUTE, { direction: 'inbound', hotline: '842873005588' });
		addCall(start + MINUTE, { direction: 'inbound', hotline: '19006868' });
		addCall(start + MINUTE, { direction: 'outbound', hotline: '842873005588' });
		expect(ids(await poll(run))).toEqual([wanted]);
	});

	// Make Call's hotline check compares such a number without its separators; so does this filter.
	test('a hotline that is no phone number matches however it is spaced', async () => {
		const start = Date.now() - HOUR;
		const { run } = await activate(start, { filters: { hotlines: '1234 5' } });
		const wanted = addCall(start + MINUTE, { hotline: '12345' });
		addCall(start + MINUTE, { hotline: '19006868' });
		expect(ids(await poll(run))).toEqual([wanted]);
	});
});

describe('failures and restarts', () => {
	test('a failed poll (down, rate-limited, token refused) emits nothing and moves no cursor', async () => {
		const start = Date.now() - 2 * HOUR;
		const { run } = await activate(start);
		const added = Array.from({ length: 120 }, (_, i) => addCall(start + i * 1000));
		const cursor = JSON.stringify(run.workflow.staticData);

		// Page 2 of 3 fails: the first page must not be emitted on its own.
		const log = simulator.requests;
		const push = log.push.bind(log);
		log.push = (...entries) => {
			const n = push(...entries);
			if (entries[0].path === SEARCH && searches() === 2)
				simulator.injectFault(SEARCH, {
					status: 502,
					body: 'Bad Gateway',
					contentType: 'text/plain',
				});
			return n;
		};
		await expect(pollNode(run, nodeType)).rejects.toThrow();
		log.push = push;
		expect(JSON.stringify(run.workflow.staticData)).toBe(cursor);

		simulator.goDown(60_000);
		await expect(pollNode(run, nodeType)).rejects.toThrow();
		simulator.goDown(0);
		simulator.rateLimit(SEARCH, { times: 20, retryAfterSec: 0 });
		await expect(pollNode(run, nodeType)).rejects.toThrow(/rate|limit/i);
		simulator.rateLimits.length = 0;
		simulator.injectFault(SEARCH, {
			status: 200,
			body: { status_code: -9999, message: 'api_key_invalid' },
		});
		await expect(pollNode(run, nodeType)).rejects.toThrow();
		expect(JSON.stringify(run.workflow.staticData)).toBe(cursor);

		// The next poll catches up with every page.
		expect(ids(await poll(run))).toEqual(added);
		expect(await poll(run)).toEqual([]);
	});

	test('a cursor kept across a restart: nothing repeated, nothing missed', async () => {
		const start = Date.now() - HOUR;
		let { run } = await activate(start);
		const before = [addCall(start + MINUTE), addCall(start + MINUTE)];
		expect(ids(await poll(run))).toEqual([...before].sort());
		run = restart(run);
		const after = addCall(start + MINUTE);
		expect(ids(await poll(run))).toEqual([after]);
		run = restart(run);
		expect(await poll(run)).toEqual([]);
	});

	test('a catch-up after 40 days goes through windows OMICall accepts, in time order', async () => {
		const start = Date.now() - 40 * DAY;
		const { run } = await activate(start);
		const added = Array.from({ length: 120 }, (_, i) => addCall(start + (i + 1) * 8 * HOUR));
		const before = simulator.requests.length;
		const items = await poll(run);
		expect(ids(items)).toEqual(added);
		const calls = simulator.requests.slice(before).filter((r) => r.path === SEARCH);
		expect(calls.every((r) => r.status === 200 || r.status === 204)).toBe(true);
		expect(await poll(run)).toEqual([]);
	});
});

describe('the static data stays bounded', () => {
	test('it keeps only the calls of one look-back window', async () => {
		const start = Date.now() - 5 * HOUR;
		const { run } = await activate(start, { options: { overlapMinutes: 10 } });
		for (let i = 0; i < 240; i++) addCall(start + i * MINUTE); // one a minute for 4 hours
		await poll(run);
		const cursor = (run.workflow.staticData as IDataObject)[
			'node:OMICall Call History Trigger'
		] as {
			cursor: { seen: Record<string, number> };
		};
		expect(Object.keys(cursor.cursor.seen).length).toBeLessThanOrEqual(11);
	});
});

describe('Fetch Test Event', () => {
	test('returns the latest call', async () => {
		addCall(Date.now() - 3 * HOUR);
		const latest = addCall(Date.now() - MINUTE);
		const run = buildNode(nodeType, {}, store);
		expect(ids((await pollNode(run, nodeType, 'manual')) ?? [])).toEqual([latest]);
	});

	test('says so when there were no calls in the last 24 hours', async () => {
		addCall(Date.now() - 25 * HOUR);
		const run = buildNode(nodeType, {}, store);
		await expect(pollNode(run, nodeType, 'manual')).rejects.toThrow(
			'No calls in the last 24 hours match this trigger.',
		);
	});
});

/**
 * The model: 1,000 generated calls arrive during 30 polls, at edge times (several in one second,
 * on the poll's own second, late within the look-back). Between polls n8n may restart (from the
 * static data it saved) with the look-back raised or lowered; a poll may run with n8n's budget
 * spent at once (one page), or two may run at once. Every call is emitted exactly once, and each
 * poll's items come in time order. Replay a failure with HISTORY_TRIGGER_SEED=<seed>.
 */
test('model: 1,000 calls over 30 polls, each emitted exactly once, in order', async () => {
	const seed = Number(process.env.HISTORY_TRIGGER_SEED) || Math.floor(Math.random() * 2 ** 31);
	console.log(`call-history-trigger model seed: ${seed} (HISTORY_TRIGGER_SEED=${seed} to replay)`);
	const random = seededRandom(seed);
	let overlapMinutes = 15;
	const start = Math.floor((Date.now() - 10 * HOUR) / 1000) * 1000;
	let { run } = await activate(start, { options: { overlapMinutes } });
	const pollEvery = 10 * MINUTE;
	const emitted = new Map<string, number>();
	const expected = new Set<string>();
	let newest = start;
	for (let p = 1; p <= 30; p++) {
		const pollAt = start + p * pollEvery;
		const arriving = p === 30 ? 1000 - expected.size : Math.floor(random() * 60);
		for (let i = 0; i < arriving && expected.size < 1000; i++) {
			const kind = random();
			const at =
				kind < 0.2
					? newest // the newest second already seen: the tie the cursor's ids cover
					: kind < 0.35
						? Math.max(start, pollAt - pollEvery - Math.floor(random() * 14 * MINUTE)) // late, within the smallest look-back below
						: kind < 0.45
							? pollAt - pollEvery // the previous poll's own instant
							: pollAt - pollEvery + Math.floor(random() * pollEvery);
			expected.add(addCall(at, { random }));
		}
		const clock = jest.spyOn(Date, 'now').mockReturnValue(Math.min(pollAt, Date.now()));
		let items: INodeExecutionData[];
		const how = random();
		try {
			if (how < 0.1) {
				const both = await Promise.all([pollNode(run, nodeType), pollNode(run, nodeType)]);
				items = [...(both[0] ?? []), ...(both[1] ?? [])];
			} else if (how < 0.25)
				items = (await pollNode(run, nodeType, 'trigger', 'activate', 0)) ?? [];
			else items = await poll(run);
		} finally {
			clock.mockRestore();
		}
		const times = items.map((item) => Date.parse(String(item.json.startedAt)));
		expect(times).toEqual([...times].sort((a, b) => a - b));
		for (const item of items) {
			const id = String(item.json.callId);
			emitted.set(id, (emitted.get(id) ?? 0) + 1);
			newest = Math.max(newest, Date.parse(String(item.json.startedAt)));
		}
		// Bounded: the cursor keeps only the calls of one look-back window before its newest.
		const cursor = (run.workflow.staticData as IDataObject)[
			'node:OMICall Call History Trigger'
		] as {
			cursor: { newestMs: number; seen: Record<string, number> };
		};
		const { newestMs, seen } = cursor.cursor;
		const inWindow = simulator.calls.filter(
			(c) =>
				c.time_start_call * 1000 >= newestMs - overlapMinutes * MINUTE &&
				c.time_start_call * 1000 <= newestMs,
		).length;
		expect(Object.keys(seen).length).toBeLessThanOrEqual(inWindow);
		if (random() < 0.2) {
			// 15 minutes at least: the late calls above come within 14 minutes.
			overlapMinutes = random() < 0.5 ? 15 : 30;
			run = restart(run, { options: { overlapMinutes } });
		}
	}
	// The polls that ran out of budget may have left the last calls to the next poll.
	const clock = jest
		.spyOn(Date, 'now')
		.mockReturnValue(Math.min(start + 31 * pollEvery, Date.now()));
	try {
		for (const item of await poll(run)) {
			const id = String(item.json.callId);
			emitted.set(id, (emitted.get(id) ?? 0) + 1);
		}
		expect(await poll(run)).toEqual([]);
	} finally {
		clock.mockRestore();
	}
	expect(expected.size).toBe(1000);
	expect([...emitted.values()].every((n) => n === 1)).toBe(true);
	expect(new Set(emitted.keys())).toEqual(expected);
});

describe('what n8n saves, edits, overlapping polls', () => {
	test('a poll that emits nothing changes no cursor, except for calls the Hotlines filter drops', async () => {
		const start = Date.now() - HOUR;
		let { run } = await activate(start, { filters: { hotlines: '02873005588' } });
		const wanted = addCall(start + MINUTE, { hotline: '02873005588' });
		expect(ids(await poll(run))).toEqual([wanted]);
		const saved = JSON.stringify(run.workflow.staticData);
		expect(await poll(run)).toEqual([]);
		expect(JSON.stringify(run.workflow.staticData)).toBe(saved);
		// A call through another hotline: taken in (in memory), not emitted, so n8n does not save it.
		addCall(start + 2 * MINUTE, { hotline: '19006868' });
		expect(await poll(run)).toEqual([]);
		expect(JSON.stringify(run.workflow.staticData)).not.toBe(saved);
		expect(JSON.stringify(run.saved)).toBe(saved);
		// After a restart it is read again, and dropped again; the next wanted call comes once.
		run = restart(run);
		expect(await poll(run)).toEqual([]);
		const next = addCall(start + 3 * MINUTE, { hotline: '02873005588' });
		expect(ids(await poll(run))).toEqual([next]);
		run = restart(run);
		expect(await poll(run)).toEqual([]);
	});

	test('two polls at once (n8n starts one on each tick without waiting): each call once', async () => {
		const start = Date.now() - HOUR;
		const { run } = await activate(start);
		const id = addCall(start + MINUTE);
		simulator.slowDown(SEARCH, 300, 1);
		const [p1, p2] = await Promise.all([pollNode(run, nodeType), pollNode(run, nodeType)]);
		// The second one saw the first still running: it returned null without a request.
		expect([p1, p2].filter((p) => p === null)).toHaveLength(1);
		expect([...ids(p1 ?? []), ...ids(p2 ?? [])]).toEqual([id]);
		expect(searches()).toBe(1);
		// The guard is released: the next poll runs.
		const next = addCall(start + 2 * MINUTE);
		expect(ids(await poll(run))).toEqual([next]);
	});

	test('Answered Only switched on after unanswered calls were seen: no new call lost', async () => {
		const start = Date.now() - 2 * HOUR;
		let { run } = await activate(start);
		const unanswered = Array.from({ length: 10 }, (_, i) =>
			addCall(start + MINUTE + i * 1000, { answered: false }),
		);
		expect(await poll(run)).toHaveLength(10);
		run = restart(run, { filters: { answeredOnly: true } });
		const answered = Array.from({ length: 60 }, (_, i) =>
			addCall(start + 10 * MINUTE + i * 10_000, { answered: true }),
		);
		expect(ids(await poll(run))).toEqual(answered);
		// Once read through, the early stop counts again: nothing new costs one request.
		let before = searches();
		expect(await poll(run)).toEqual([]);
		expect(searches() - before).toBe(1);
		// One of the unanswered calls comes back answered (a transferred leg, upserted): it was
		// emitted already, so it is not emitted again, and it counts again toward the early stop.
		addCall(start + MINUTE, {
			answered: true,
			transactionId: unanswered[0],
			transfers: 1,
		});
		expect(await poll(run)).toEqual([]);
		before = searches();
		expect(await poll(run)).toEqual([]);
		expect(searches() - before).toBe(1);
	});

	test('with Agent Extensions, a call that left the filter (transferred) costs no new call', async () => {
		const start = Date.now() - 2 * HOUR;
		const a100 = { extension: '100', name: 'A' };
		const a101 = { extension: '101', name: 'B' };
		const { run } = await activate(start, { filters: { agentExtensions: '100' } });
		const first = Array.from({ length: 10 }, (_, i) =>
			addCall(start + MINUTE + i * 1000, { agent: a100, answered: true }),
		);
		expect(await poll(run)).toHaveLength(10);
		// Each was transferred to 101: OMICall upserts the record with the last leg (observed).
		for (const [i, id] of first.entries())
			addCall(start + MINUTE + i * 1000, {
				agent: a101,
				answered: true,
				transactionId: id,
				transfers: 1,
			});
		const fresh = Array.from({ length: 60 }, (_, i) =>
			addCall(start + 10 * MINUTE + i * 10_000, { agent: a100, answered: true }),
		);
		expect(ids(await poll(run))).toEqual(fresh);
		expect(await poll(run)).toEqual([]);
	});

	test('raising Look Back repeats no call already emitted', async () => {
		const start = Date.now() - 5 * HOUR;
		let { run } = await activate(start, { options: { overlapMinutes: 60 } });
		const a = addCall(start + HOUR);
		const b = addCall(start + 3 * HOUR);
		expect(ids(await poll(run))).toEqual([a, b]);
		run = restart(run, { options: { overlapMinutes: 180 } });
		expect(await poll(run)).toEqual([]);
		const c = addCall(start + 3 * HOUR + MINUTE);
		expect(ids(await poll(run))).toEqual([c]);
	});

	test("OMICall's clock a little behind n8n's: a call placed after activation is emitted", async () => {
		const start = Math.floor((Date.now() - HOUR) / 1000) * 1000;
		const { run } = await activate(start);
		// Placed 10 s after activation by n8n's clock; OMICall stamps it by its own, 30 s behind.
		const id = addCall(start + 10_000 - 30_000);
		const later = addCall(start + 5 * MINUTE);
		expect(ids(await poll(run))).toEqual([id, later]);
	});
});

describe('a long catch-up goes over several polls', () => {
	test('2,500 new calls: at most 2,000 read in one poll, the rest in the next, each once in order', async () => {
		const start = Date.now() - 3 * DAY;
		let { run } = await activate(start);
		const added = Array.from({ length: 2500 }, (_, i) => addCall(start + (i + 1) * 60_000));
		const before = searches();
		const first = await poll(run);
		expect(first.length).toBeGreaterThan(1900);
		expect(first.length).toBeLessThanOrEqual(2000);
		run = restart(run); // what the first poll emitted was saved with the cursor
		const second = await poll(run);
		expect([...ids(first), ...ids(second)]).toEqual(added);
		expect(await poll(run)).toEqual([]);
		// ceil(2,500/50) pages of calls, plus: the page read newest first that showed the backlog,
		// the second poll's look-back read again (60 calls), a page split at the poll boundary,
		// and the empty poll.
		expect(searches() - before).toBeLessThanOrEqual(Math.ceil(2500 / 50) + 4);
	});

	test("n8n's poll budget spent: each poll emits what it read completely, the next continues", async () => {
		const start = Date.now() - 40 * DAY;
		const { run } = await activate(start);
		const added = Array.from({ length: 120 }, (_, i) => addCall(start + (i + 1) * 8 * HOUR));
		const emitted: string[] = [];
		let polls = 0;
		for (; polls < 10; polls++) {
			const items = (await pollNode(run, nodeType, 'trigger', 'activate', 0)) ?? [];
			if (!items.length && emitted.length === added.length) break;
			emitted.push(...(ids(items) as string[]));
		}
		expect(emitted).toEqual(added);
		expect(polls).toBeGreaterThan(2); // one page a poll: the budget was heeded
	});

	test("n8n's poll budget spent while the windows searched are empty: the poll stops after one window", async () => {
		const start = Date.now() - 80 * DAY;
		const { run } = await activate(start);
		// Nothing in the first 70 days: two empty 30-day windows before the calls.
		const added = [1, 2, 3].map((n) => addCall(start + 70 * DAY + n * HOUR));
		const emitted: string[] = [];
		const perPoll: number[] = [];
		for (let polls = 0; polls < 6 && emitted.length < added.length; polls++) {
			const before = searches();
			const items = (await pollNode(run, nodeType, 'trigger', 'activate', 0)) ?? [];
			perPoll.push(searches() - before);
			emitted.push(...(ids(items) as string[]));
		}
		expect(emitted).toEqual(added);
		// Out of budget from the start: the first poll searched one window, not all three.
		expect(perPoll[0]).toBe(1);
	});
});

/**
 * The catch-up model: 300 generated calls over 70 days (three search windows; some share a
 * second) taken in by polls that mostly run out of n8n's budget at once (one page each), with
 * restarts from the static data n8n saved, and late calls written between polls within the
 * look-back of the newest call emitted. Every call is emitted exactly once, each poll's items in
 * time order. Replay a failure with HISTORY_TRIGGER_SEED=<seed>.
 */
test('model: a 70-day catch-up in polls out of budget, with restarts and late calls', async () => {
	const seed = Number(process.env.HISTORY_TRIGGER_SEED) || Math.floor(Math.random() * 2 ** 31);
	console.log(
		`call-history-trigger catch-up seed: ${seed} (HISTORY_TRIGGER_SEED=${seed} to replay)`,
	);
	const random = seededRandom(seed);
	const start = Math.floor((Date.now() - 70 * DAY) / 1000) * 1000;
	let { run } = await activate(start, { options: { overlapMinutes: 60 } });
	const expected = new Set<string>();
	let at = start;
	for (let i = 0; i < 300; i++) {
		if (random() >= 0.3) at = start + Math.floor(random() * (70 * DAY - HOUR));
		expected.add(addCall(at, { random }));
	}
	const emitted = new Map<string, number>();
	let newest = 0;
	const take = (items: INodeExecutionData[]) => {
		const times = items.map((item) => Date.parse(String(item.json.startedAt)));
		expect(times).toEqual([...times].sort((a, b) => a - b));
		for (const [i, item] of items.entries()) {
			const id = String(item.json.callId);
			emitted.set(id, (emitted.get(id) ?? 0) + 1);
			newest = Math.max(newest, times[i]);
		}
	};
	for (let p = 0; p < 40; p++) {
		if (newest && random() < 0.3)
			expected.add(addCall(newest - Math.floor(random() * 50 * MINUTE), { random }));
		if (random() < 0.7) take((await pollNode(run, nodeType, 'trigger', 'activate', 0)) ?? []);
		else take(await poll(run));
		if (random() < 0.2) run = restart(run);
	}
	for (let p = 0; p < 20 && emitted.size < expected.size; p++) take(await poll(run));
	expect(await poll(run)).toEqual([]);
	expect([...emitted.values()].every((n) => n === 1)).toBe(true);
	expect(new Set(emitted.keys())).toEqual(expected);
});

describe('pages that shift or fail in the middle of a poll', () => {
	test('a late record and a newer one written between page 1 and page 2: each call once', async () => {
		const start = Date.now() - 2 * HOUR;
		const { run } = await activate(start);
		const added = Array.from({ length: 120 }, (_, i) => addCall(start + MINUTE + i * 10_000));
		const log = simulator.requests;
		const push = log.push.bind(log);
		let late = '';
		let newer = '';
		log.push = (...entries) => {
			const n = push(...entries);
			if (entries[0].path === SEARCH && !late) {
				late = addCall(start + MINUTE + 55 * 10_000 + 1000); // lands in page 2's part
				newer = addCall(start + 30 * MINUTE); // on top: shifts every page by one
			}
			return n;
		};
		const first = ids(await poll(run));
		log.push = push;
		const all = [...first, ...ids(await poll(run))];
		expect(new Set(all).size).toBe(all.length);
		expect(new Set(all)).toEqual(new Set([...added, late, newer]));
	});

	test('a failed page in a later window of a catch-up: nothing emitted, the retry takes all', async () => {
		const start = Date.now() - 65 * DAY;
		const { run } = await activate(start);
		const added = Array.from({ length: 130 }, (_, i) => addCall(start + (i + 1) * 11 * HOUR));
		let n = 0;
		const log = simulator.requests;
		const push = log.push.bind(log);
		log.push = (...entries) => {
			const r = push(...entries);
			if (entries[0].path === SEARCH && ++n === 3)
				simulator.injectFault(SEARCH, { status: 502, body: 'x', contentType: 'text/plain' });
			return r;
		};
		await expect(pollNode(run, nodeType)).rejects.toThrow();
		log.push = push;
		expect(ids(await poll(run))).toEqual(added);
		expect(await poll(run)).toEqual([]);
	});
});
