import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { callIdOf, hotlineOf, isObject, simplifyCall, toIsoTime } from '../callRecord';
import type { Output } from '../actions/common';
import { searchHistory, searchWindows } from '../actions/call/history';
import { phoneKey } from '../phone';

/**
 * The cursor of the OMICall Call History Trigger, kept in the node's static data.
 *
 * What the trigger compares is a record's start time (`time_start_call`): the v3 search selects
 * and orders by it (inferred, omicall-api.md 4). OMICall writes a record when the call ends
 * (the cdr hook comes at hang-up, documented), so a record can appear after records of calls that
 * started later: a "late" record. The look-back overlap takes those in.
 *
 * Invariants (after every successful poll; a failed poll changes nothing):
 * 1. `newestMs` is the newest start time of any record the trigger has taken in (or, before the
 *    first one, the start of the watch); it never goes back.
 * 2. `floorMs` never goes back: it starts where the watch began (activation minus CLOCK_MARGIN_MS,
 *    or minus the back-fill) and follows `newestMs - overlap` up. Calls that started before it are
 *    never emitted, and no poll searches before it; so a look-back raised later reaches back only
 *    as the newest call moves on, and never to calls whose ids were forgotten.
 * 3. `seen` holds every call (by transaction id) taken in whose start time is at or after
 *    `floorMs`, and nothing older: the ids of the newest second are in it, and its size is bounded
 *    by the calls of one overlap window. `unlisted` names those of them the filtered search no
 *    longer lists (noted by a poll that read its whole range); they guard against repeats but do
 *    not count toward the early stop. `filterKey` is the search filter of the last poll that read
 *    its whole range: when the filter changes, the next poll reads its whole range without the
 *    early stop; with Agent Extensions every poll does (see countsSeen).
 * 4. A poll searches [max(floorMs, newestMs - overlap), now] (in windows OMICall accepts) and
 *    emits, oldest first, each record whose id is not in `seen`; so a call is emitted once,
 *    whether its record shares a second with others, falls on a page boundary or comes late, as
 *    long as it comes within the overlap. It stops reading pages early only when the page meta's
 *    total says the new records found are all there are (see pollHistory). When a catch-up is too
 *    big for one poll, `aheadMs` is set: every call that started before it has been read (and
 *    emitted); the next poll goes on from there.
 * 5. n8n (2.40, its default engine) saves a poll trigger's static data after activation and
 *    when a poll emits, not after a poll that returned null: what such a poll changes lasts until
 *    the next restart or re-publishing only. So a poll that emits nothing changes the cursor only
 *    in ways that are safe to lose: calls dropped by the Hotlines filter (read and dropped
 *    again), a catch-up through such calls only, `filterKey` and `unlisted` (the next poll reads
 *    its range through once more), the floor raised by a lowered look-back (seen keeps its ids).
 * 6. One poll at a time per trigger in an n8n process (see the node's poll): n8n's default
 *    scheduler starts a poll on each tick without waiting for the last one. n8n runs pollers on
 *    its leader main process only (multi-main), so a second process polling the same workflow
 *    (two n8n instances on one database without multi-main, or a leader change during a poll)
 *    is not covered.
 *
 * In time order holds within one poll. Across polls, a late record (a long call) comes after the
 * calls that started after it and were emitted by an earlier poll.
 */
export interface HistoryCursor {
	v: 1;
	floorMs: number;
	newestMs: number;
	/** Transaction id → start time (ms) of each call taken in within the overlap. */
	seen: Record<string, number>;
	/** The search filter of the last poll that read its whole range (filterKey); absent: unknown. */
	filterKey?: string;
	/** Ids in `seen` that search (with filterKey) no longer lists: kept against repeats, not counted. */
	unlisted?: string[];
	/** Catching up: the calls that started from here on are still to be read (see pollHistory). */
	aheadMs?: number;
}

/**
 * The default look-back: 60 minutes. A call's record is written when it ends and found by when it
 * started, so a call up to about an hour long (plus OMICall's write delay) is still caught. It
 * costs no requests while nothing is new (see pollHistory) and keeps the static data to the calls
 * of one hour.
 */
export const DEFAULT_OVERLAP_MINUTES = 60;

const MINUTE_MS = 60_000;

export interface HistoryFilters {
	/** The v3 search filter (directions, isAnswer, sipUsers). */
	filter: IDataObject;
	/** Hotlines in OMICall's form; v3 search has no hotline filter (omicall-api.md 4), so compared here. */
	hotlines: string[];
}

/** A record's start time in ms (time_start_call, else created_date); null when it has neither. */
export function recordTimeMs(record: IDataObject): number | null {
	const iso = toIsoTime(record.time_start_call) ?? toIsoTime(record.created_date);
	return iso === null ? null : Date.parse(iso);
}

function matchesHotline(record: IDataObject, hotlines: string[]): boolean {
	if (!hotlines.length) return true;
	const key = phoneKey(hotlineOf(record));
	return key !== null && hotlines.includes(key);
}

/** The trigger's item: the OMICall Trigger's `cdr` item, or the record as OMICall gave it. */
export function historyItem(record: IDataObject, output: Output): INodeExecutionData {
	return { json: output === 'raw' ? record : simplifyCall('cdr', record, record) };
}

export function readCursor(value: unknown): HistoryCursor | null {
	if (!isObject(value) || value.v !== 1) return null;
	const { floorMs, newestMs, seen, filterKey } = value;
	if (typeof floorMs !== 'number' || typeof newestMs !== 'number' || !isObject(seen)) return null;
	const cursor: HistoryCursor = {
		v: 1,
		floorMs,
		newestMs,
		seen: { ...(seen as Record<string, number>) },
	};
	if (typeof filterKey === 'string') cursor.filterKey = filterKey;
	if (typeof value.aheadMs === 'number') cursor.aheadMs = value.aheadMs;
	if (Array.isArray(value.unlisted))
		cursor.unlisted = value.unlisted.filter((id): id is string => typeof id === 'string');
	return cursor;
}

/** The search filter as one string: its keys sorted, so the same filter always gives the same. */
export function filterKey(filter: IDataObject): string {
	return JSON.stringify(
		Object.keys(filter)
			.sort()
			.map((key) => [key, filter[key]]),
	);
}

/**
 * Whether the calls of `seen` (less `unlisted`) count toward the early stop: only when each of
 * them is still in the search. Not after the search filter changed (Answered Only switched on
 * drops calls seen unanswered): then the poll reads its whole range once, and notes the seen
 * calls the search no longer lists. And never with Agent Extensions: OMICall rewrites a
 * transferred call's record with its last leg, whose sip_user may be another extension
 * (inferred from the upsert of the cdr hook, omicall-api.md 3.2), so a call seen under the filter
 * can leave it at any time; each poll then reads its whole look-back (a request per 50 calls).
 */
function countsSeen(cursor: HistoryCursor, filter: IDataObject): boolean {
	return cursor.filterKey === filterKey(filter) && filter.sipUsers === undefined;
}

/**
 * How far before the activation the watch starts without back-fill: OMICall stamps a call by its
 * own clock, which may be behind n8n's, so a call placed just after activation could otherwise
 * carry a start time before it and never be emitted. Calls of these last 2 minutes before the
 * activation are emitted too.
 */
export const CLOCK_MARGIN_MS = 2 * MINUTE_MS;

/**
 * The most a first activation takes in: 90 days. Inferred: omicall-api.md says nothing of how long
 * OMICall keeps its call history; 90 days is three search windows, a catch-up of a few polls,
 * while a year or more would be hundreds of requests in one poll for history OMICall may not have.
 */
export const MAX_BACKFILL_HOURS = 90 * 24;

/** The cursor of a first activation: from a little before now, or from `backfillHours` ago. */
export function startCursor(nowMs: number, backfillHours: number): HistoryCursor {
	// To the whole second: OMICall's start times are seconds.
	const back = Math.max(CLOCK_MARGIN_MS, Math.max(0, backfillHours) * 60 * MINUTE_MS);
	const floorMs = Math.floor(nowMs / 1000) * 1000 - back;
	return { v: 1, floorMs, newestMs: floorMs, seen: {} };
}

/**
 * The most calls one poll reads beyond where the last one stopped: 40 pages. A longer catch-up
 * (a back-fill, a long pause) goes on in the next polls, so each poll ends in bounded time and
 * a failed request costs one poll's share, not the whole catch-up.
 */
const MAX_RECORDS_PER_POLL = 2000;

/** How long n8n lets this poll run (n8n 2.x: getPollBudgetMs); n8n 1.x has no such method. */
function pollBudgetMs(context: IPollFunctions): number | undefined {
	const budget = (context as Partial<IPollFunctions>).getPollBudgetMs?.();
	return typeof budget === 'number' && Number.isFinite(budget) && budget >= 0 ? budget : undefined;
}

/**
 * One poll from the cursor's look-back to now. Returns the new records in time order and the
 * cursor to keep; throws (and so changes nothing) when any request fails.
 *
 * When caught up (one search window, at most MAX_RECORDS_PER_POLL new calls) it reads newest
 * first, and only as many pages as it needs: OMICall's page meta says how many calls the window
 * holds (totalItems), the cursor knows how many of them it has seen, so once the new ones found
 * make up the difference, the rest are calls already taken in. With nothing new that is one
 * request, however many calls the look-back holds. This assumes OMICall never drops a record
 * from its history (inferred: no delete is documented); without a total it reads every page.
 *
 * Otherwise it catches up: windows oldest first, each oldest first, until it has read
 * MAX_RECORDS_PER_POLL calls past the point the last poll reached or n8n's poll budget is spent
 * (checked after each page and after each window, so empty windows count too).
 * It then keeps the calls of the seconds it read completely, and leaves the rest to the next poll.
 */
export async function pollHistory(
	context: IPollFunctions,
	cursor: HistoryCursor,
	filters: HistoryFilters,
	overlapMinutes: number,
	nowMs: number,
): Promise<{ records: IDataObject[]; cursor: HistoryCursor }> {
	const startedAt = Date.now();
	const budgetMs = pollBudgetMs(context);
	const budgetSpent = () => budgetMs !== undefined && Date.now() - startedAt >= budgetMs;
	const overlapMs = Math.max(0, overlapMinutes) * MINUTE_MS;
	const fromMs = Math.max(cursor.floorMs, cursor.newestMs - overlapMs);
	const windows = searchWindows(fromMs, Math.max(fromMs, nowMs));
	const unlisted = new Set(cursor.unlisted);
	const counted = Object.entries(cursor.seen)
		.filter(([id]) => !unlisted.has(id))
		.map(([, ms]) => ms);
	const knownIn = (window: { fromDate: number; toDate: number }) =>
		counted.filter((ms) => ms >= window.fromDate && ms <= window.toDate).length;
	const earlyStop = countsSeen(cursor, filters.filter);

	const fresh = new Map<string, { record: IDataObject; ms: number }>();
	const listed = new Set<string>();
	/** Takes a record in; returns its start time, or null for a record the trigger skips. */
	const take = (record: IDataObject, found: Set<string>): number | null => {
		const ms = recordTimeMs(record);
		// OMICall's records always carry a transaction id (documented); one without could not be
		// told apart from a repeat, so it is not emitted.
		const id = callIdOf(record);
		if (ms === null || ms < cursor.floorMs || id === null) return null;
		listed.add(id);
		if (!(id in cursor.seen)) {
			found.add(id);
			// Read twice in one poll (pages shifted by a new record): the later read is the newer.
			fresh.set(id, { record, ms });
		}
		return ms;
	};

	let catchingUp = cursor.aheadMs !== undefined || windows.length > 1;
	if (!catchingUp) {
		const [window] = windows;
		const known = knownIn(window);
		const found = new Set<string>();
		for await (const page of searchHistory.call(context, { ...window, filter: filters.filter })) {
			for (const record of page.records) take(record, found);
			if (page.total === null) continue;
			if (earlyStop && page.total - known === found.size) break;
			if (page.total - known > MAX_RECORDS_PER_POLL) {
				catchingUp = true; // too many for one poll: read them oldest first instead
				break;
			}
		}
	}

	let cutMs: number | null = null;
	if (catchingUp) {
		fresh.clear();
		listed.clear();
		const aheadMs = cursor.aheadMs ?? fromMs;
		let read = 0;
		search: for (const window of [...windows].reverse()) {
			const known = knownIn(window);
			const found = new Set<string>();
			const pages = searchHistory.call(context, {
				...window,
				filter: filters.filter,
				ascending: true,
			});
			for await (const page of pages) {
				let lastMs: number | null = null;
				for (const record of page.records) {
					const ms = take(record, found);
					if (ms === null) continue;
					lastMs = ms;
					if (ms >= aheadMs) read++;
				}
				if (earlyStop && page.total !== null && page.total - known === found.size) break;
				const spent = budgetSpent();
				// Stop at the last record's second, when the seconds before it are new ground: calls
				// sharing that second may go on in the next page.
				if ((read >= MAX_RECORDS_PER_POLL || spent) && lastMs !== null && lastMs > aheadMs) {
					cutMs = Math.floor(lastMs / 1000) * 1000;
					break search;
				}
			}
			// A window read through (empty ones too): out of budget, the next poll goes on after it.
			const windowEnd = Math.floor(window.toDate / 1000) * 1000;
			if (budgetSpent() && window.toDate < nowMs && windowEnd > aheadMs) {
				cutMs = windowEnd;
				break;
			}
		}
	}

	const taken = [...fresh.entries()]
		.filter(([, { ms }]) => cutMs === null || ms < cutMs)
		.sort(([idA, a], [idB, b]) => a.ms - b.ms || (idA < idB ? -1 : idA > idB ? 1 : 0));
	const next: HistoryCursor = { ...cursor, seen: { ...cursor.seen } };
	for (const id of listed) unlisted.delete(id); // listed again: it counts again
	if (cutMs === null) {
		delete next.aheadMs;
		// The whole range was read. Without the early stop, the seen calls in it that were not
		// listed are the ones the search has dropped; with it, the ones noted before still hold.
		next.filterKey = filterKey(filters.filter);
		if (!earlyStop)
			for (const [id, ms] of Object.entries(cursor.seen))
				if (ms >= fromMs && !listed.has(id)) unlisted.add(id);
	} else next.aheadMs = cutMs;
	for (const [id, { ms }] of taken) {
		next.seen[id] = ms;
		if (ms > next.newestMs) next.newestMs = ms;
	}
	// Forgetting the calls before the look-back moves the floor with them: a look-back raised
	// later would otherwise search again calls whose ids are gone, and emit them again.
	next.floorMs = Math.max(cursor.floorMs, next.newestMs - overlapMs);
	for (const [id, ms] of Object.entries(next.seen)) if (ms < next.floorMs) delete next.seen[id];
	next.unlisted = [...unlisted].filter((id) => id in next.seen);
	if (!next.unlisted.length) delete next.unlisted;
	return {
		records: taken
			.map(([, { record }]) => record)
			.filter((record) => matchesHotline(record, filters.hotlines)),
		cursor: next,
	};
}

/** "Fetch Test Event": the newest call of the last 24 hours that the filters let through, or null. */
export async function latestRecord(
	context: IPollFunctions,
	filters: HistoryFilters,
	nowMs: number,
): Promise<IDataObject | null> {
	for await (const page of searchHistory.call(context, {
		fromDate: nowMs - 24 * 60 * MINUTE_MS,
		toDate: nowMs,
		filter: filters.filter,
		size: filters.hotlines.length ? undefined : 1,
	})) {
		const match = page.records.find((record) => matchesHotline(record, filters.hotlines));
		if (match) return match;
		if (!filters.hotlines.length) break;
	}
	return null;
}
