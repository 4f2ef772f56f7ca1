import {
	CLOCK_MARGIN_MS,
	filterKey,
	readCursor,
	recordTimeMs,
	startCursor,
} from '../../nodes/OmiCall/trigger/historyCursor';

describe("the Call History Trigger's cursor helpers", () => {
	test('static data that is not a cursor of this version reads as none: a first activation', () => {
		expect(readCursor(undefined)).toBeNull();
		expect(readCursor({ v: 2, floorMs: 1, newestMs: 1, seen: {} })).toBeNull();
		expect(readCursor({ v: 1, floorMs: '1', newestMs: 1, seen: {} })).toBeNull();
		expect(readCursor({ v: 1, floorMs: 1, newestMs: 1, seen: [] })).toBeNull();
		const stored = { v: 1, floorMs: 1000, newestMs: 2000, seen: { a: 2000 } };
		const cursor = readCursor(stored)!;
		expect(cursor).toEqual(stored);
		cursor.seen.b = 3000; // a poll works on a copy: a failed one leaves static data as it was
		expect(stored.seen).toEqual({ a: 2000 });
	});

	test('the catch-up point, the filter key and the unlisted ids come back; wrong types are dropped', () => {
		const stored = {
			v: 1,
			floorMs: 1000,
			newestMs: 2000,
			seen: { a: 2000, b: 1500 },
			filterKey: '[]',
			unlisted: ['b', 7],
			aheadMs: 3000,
		};
		expect(readCursor(stored)).toEqual({ ...stored, unlisted: ['b'] });
		expect(readCursor({ ...stored, filterKey: 1, aheadMs: '3000', unlisted: 'b' })).toEqual({
			v: 1,
			floorMs: 1000,
			newestMs: 2000,
			seen: { a: 2000, b: 1500 },
		});
	});

	test('the same search filter gives the same key, whatever the order of its fields', () => {
		expect(filterKey({ isAnswer: true, directions: ['inbound'] })).toBe(
			filterKey({ directions: ['inbound'], isAnswer: true }),
		);
		expect(filterKey({ isAnswer: true })).not.toBe(filterKey({}));
	});

	test("the watch starts 2 minutes before the activation's whole second, or the back-fill before it", () => {
		expect(startCursor(1_700_000_000_999, 0)).toEqual({
			v: 1,
			floorMs: 1_700_000_000_000 - CLOCK_MARGIN_MS,
			newestMs: 1_700_000_000_000 - CLOCK_MARGIN_MS,
			seen: {},
		});
		expect(CLOCK_MARGIN_MS).toBe(120_000);
		expect(startCursor(1_700_000_000_999, 2).floorMs).toBe(1_700_000_000_000 - 2 * 3_600_000);
	});

	test("a record's time: time_start_call in seconds, else created_date in ms, else none", () => {
		expect(recordTimeMs({ time_start_call: 1697595783 })).toBe(1697595783000);
		expect(recordTimeMs({ created_date: 1697595795704 })).toBe(1697595795704);
		expect(recordTimeMs({})).toBeNull();
	});
});
