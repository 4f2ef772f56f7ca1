import { SEARCH_WINDOW_MS, searchWindows } from '../../nodes/OmiCall/actions/call/history';
import { recordingFileName, toEpochMs } from '../../nodes/OmiCall/actions/call/shared';
import { isNotFoundCode } from '../../nodes/OmiCall/transport';
import {
	answeredOf,
	simplifyCall,
	simplifyRecord,
	tagsOf,
	toIsoTime,
} from '../../nodes/OmiCall/callRecord';

// A v2/v3 history item as omicall-api.md 3.2 and 4 document it (trimmed): no `state`, times in seconds.
const v3 = {
	transaction_id: 'ae5f56fc-7baa-4537-b312-1105023bbb49',
	call_uuid: 'ae5f56fc-7baa-4537-b312-1105023bbb49',
	direction: 'outbound',
	phone_number: '0395187319',
	from_number: '100',
	to_number: '0395187319',
	hotline: null,
	sip_user: '100',
	duration: 12,
	answer_sec: 5,
	bill_sec: 6,
	time_start_call: 1697595783,
	time_start_to_answer: 1697595788,
	time_end_call: 1697595795,
	created_date: 1697595795704,
	recording_file_url:
		'https://public-v1-stg.omicrm.com/third_party/recording/uc?id=x&code=ae5f56fc',
	user: [{ full_name: 'Trần Văn Tiến 1234' }],
	customer: { full_name: 'Mr. Tiến Demo2' },
	note: 'Khách hẹn gọi lại lúc 15h',
	tag: ['VIP', 'Gọi lại'],
	autocall_id: 'ac-42',
};

describe('simplifyRecord: a call read from the history', () => {
	it('has the trigger’s field names and values for the same record, without raw, plus answered, note, tags and autoCallId', () => {
		const trigger = simplifyCall('cdr', v3, v3);
		const item = simplifyRecord(v3);
		const { raw, ...triggerFields } = trigger;
		expect(raw).toBe(v3);
		expect(item).toEqual({
			...triggerFields,
			answered: true,
			note: 'Khách hẹn gọi lại lúc 15h',
			tags: ['VIP', 'Gọi lại'],
			autoCallId: 'ac-42',
		});
		expect(item).toEqual({
			event: 'cdr',
			callId: 'ae5f56fc-7baa-4537-b312-1105023bbb49',
			direction: 'outbound',
			customerNumber: '0395187319',
			agentExtension: '100',
			hotline: null,
			startedAt: '2023-10-18T02:23:03.000Z',
			answeredAt: '2023-10-18T02:23:08.000Z',
			endedAt: '2023-10-18T02:23:15.000Z',
			durationSec: 12,
			talkSec: 6,
			recordingUrl: v3.recording_file_url,
			agentName: 'Trần Văn Tiến 1234',
			customerName: 'Mr. Tiến Demo2',
			answered: true,
			note: 'Khách hẹn gọi lại lúc 15h',
			tags: ['VIP', 'Gọi lại'],
			autoCallId: 'ac-42',
			deliveryAttempt: null,
		});
	});

	it('reads v1 detail records the same way: recording_file, disposition, created_date in milliseconds', () => {
		const v1 = {
			transaction_id: 't-1',
			direction: 'inbound',
			from_number: '0912345678',
			to_number: '101',
			disposition: 'cancelled',
			recording_file: 'https://public-v1.omicrm.com/rec/t-1.mp3',
			created_date: 1697595795704,
			note: '',
			tag: [],
		};
		expect(simplifyRecord(v1)).toMatchObject({
			event: 'cdr',
			callId: 't-1',
			customerNumber: '0912345678',
			agentExtension: '101',
			startedAt: '2023-10-18T02:23:15.704Z',
			recordingUrl: 'https://public-v1.omicrm.com/rec/t-1.mp3',
			answered: false,
			note: null,
			tags: [],
			autoCallId: null,
		});
	});

	it('takes the hotline from sip_number when hotline is null, as v2 history has it', () => {
		expect(simplifyRecord({ ...v3, hotline: null, sip_number: '842899959300' })).toMatchObject({
			hotline: '842899959300',
		});
		expect(
			simplifyRecord({ ...v3, hotline: '0868694566', sip_number: '842899959300' }),
		).toMatchObject({ hotline: '0868694566' });
	});

	it('falls back to call_uuid when there is no transaction_id', () => {
		expect(simplifyRecord({ call_uuid: 'u-9' })).toMatchObject({
			callId: 'u-9',
			answered: null,
			tags: [],
		});
	});
});

describe('answeredOf', () => {
	it.each([
		[{ disposition: 'answered' }, true],
		[{ disposition: ' ANSWERED ' }, true],
		[{ disposition: 'cancelled', bill_sec: 30 }, false], // the older format's own word wins
		[{ answer_sec: 5, bill_sec: 0 }, true],
		[{ answer_sec: 0, bill_sec: '47' }, true],
		[{ time_start_to_answer: 1697595788 }, true],
		[{ answer_sec: 0, bill_sec: 0, time_start_to_answer: null }, false],
		[{ answer_sec: '0' }, false],
		[{}, null],
		[{ answer_sec: 'soon', bill_sec: [] }, null],
	])('%j → %s', (record, expected) => {
		expect(answeredOf(record)).toBe(expected);
	});
});

describe('tagsOf', () => {
	it('keeps names, reads {name} objects, falls back to ids, drops blanks and repeats', () => {
		expect(
			tagsOf({ tag: ['VIP', { name: 'Gọi lại' }, { id: '64f0' }, '', null, 'VIP', 7] }),
		).toEqual(['VIP', 'Gọi lại', '64f0', '7']);
	});
	it('is an empty list when the record has none or something else', () => {
		expect(tagsOf({})).toEqual([]);
		expect(tagsOf({ tag: 'VIP' })).toEqual([]);
		expect(tagsOf({ tags: ['a'] })).toEqual(['a']);
	});
});

describe('tagsOf, v2 history', () => {
	it('names from user[].tag when `tag` holds ids, as v2 history documents', () => {
		expect(
			tagsOf({
				tag: ['64f0a1', '64f0a2'],
				user: [
					{ full_name: 'Võ Minh Khoa', tag: [{ name: 'Khách hàng VIP' }, { name: 'Gọi lại' }] },
				],
			}),
		).toEqual(['Khách hàng VIP', 'Gọi lại']);
	});
	it('the ids when no user entry names them', () => {
		expect(tagsOf({ tag: ['64f0a1'], user: [{ full_name: 'Võ Minh Khoa', tag: [] }] })).toEqual([
			'64f0a1',
		]);
	});
});

const DAY = 24 * 60 * 60 * 1000;

describe('searchWindows: a long range in windows OMICall accepts', () => {
	it('is one window when the range fits, even an empty range', () => {
		expect(searchWindows(1000, 1000 + DAY)).toEqual([{ fromDate: 1000, toDate: 1000 + DAY }]);
		expect(searchWindows(5, 5)).toEqual([{ fromDate: 5, toDate: 5 }]);
		expect(searchWindows(0, SEARCH_WINDOW_MS)).toEqual([{ fromDate: 0, toDate: SEARCH_WINDOW_MS }]);
	});
	it('cuts 90 days into three windows of 30, newest first, neighbours sharing their edge', () => {
		const to = Date.UTC(2026, 10, 28);
		expect(SEARCH_WINDOW_MS).toBe(30 * DAY);
		expect(searchWindows(to - 90 * DAY, to)).toEqual([
			{ fromDate: to - 30 * DAY, toDate: to },
			{ fromDate: to - 60 * DAY, toDate: to - 30 * DAY },
			{ fromDate: to - 90 * DAY, toDate: to - 60 * DAY },
		]);
	});
	it('ends with a shorter window, and one millisecond over makes a second window', () => {
		expect(searchWindows(0, 45 * DAY)).toEqual([
			{ fromDate: 15 * DAY, toDate: 45 * DAY },
			{ fromDate: 0, toDate: 15 * DAY },
		]);
		expect(searchWindows(0, 30 * DAY + 1)).toEqual([
			{ fromDate: 1, toDate: 30 * DAY + 1 },
			{ fromDate: 0, toDate: 1 },
		]);
	});
	it('covers a year with no window longer than the limit and no gap', () => {
		const windows = searchWindows(0, 365 * DAY);
		expect(windows).toHaveLength(13);
		for (const [k, w] of windows.entries()) {
			expect(w.toDate - w.fromDate).toBeLessThanOrEqual(SEARCH_WINDOW_MS);
			if (k > 0) expect(w.toDate).toBe(windows[k - 1].fromDate);
		}
		expect(windows.at(-1)!.fromDate).toBe(0);
	});
});

describe('toEpochMs: the times users give From and To', () => {
	it('reads zone-less text in the workflow time zone, as n8n date pickers mean it', () => {
		expect(toEpochMs('2026-11-28T08:00:00', 'Asia/Ho_Chi_Minh')).toBe(Date.UTC(2026, 10, 28, 1));
		expect(toEpochMs('2026-11-28 08:00', 'UTC')).toBe(Date.UTC(2026, 10, 28, 8));
		expect(toEpochMs('2026-07-01T08:00:00', 'Europe/Berlin')).toBe(Date.UTC(2026, 6, 1, 6));
		expect(toEpochMs('2026-01-01', 'Europe/Berlin')).toBe(Date.UTC(2025, 11, 31, 23));
	});
	it('honours a zone in the text, and reads epoch seconds or milliseconds', () => {
		expect(toEpochMs('2026-11-28T08:00:00+07:00', 'UTC')).toBe(Date.UTC(2026, 10, 28, 1));
		expect(toEpochMs('2026-11-28T01:00:00.250Z', 'Asia/Ho_Chi_Minh')).toBe(
			Date.UTC(2026, 10, 28, 1, 0, 0, 250),
		);
		expect(toEpochMs(1795834800, 'UTC')).toBe(1795834800000);
		expect(toEpochMs(1795834800000, 'UTC')).toBe(1795834800000);
		expect(toEpochMs('1795834800000', 'UTC')).toBe(1795834800000);
	});
	it('takes JavaScript dates and n8n DateTime values', () => {
		expect(toEpochMs(new Date(Date.UTC(2026, 0, 2)), 'UTC')).toBe(Date.UTC(2026, 0, 2));
		expect(toEpochMs({ toMillis: () => 42_000_000_000_000 }, 'UTC')).toBe(42_000_000_000_000);
	});
	it('is NaN for what is not a time', () => {
		for (const value of [
			'yesterday',
			'28/11/2026',
			'2026-02-30',
			'2026-11-28T25:00',
			{},
			[],
			true,
			null,
		]) {
			expect(toEpochMs(value, 'UTC')).toBeNaN();
		}
	});
});

describe('recordings', () => {
	it('are named <transaction id>.mp3, or after their audio type, with unsafe characters replaced', () => {
		expect(recordingFileName('ae5f56fc-7baa-4537-b312-1105023bbb49', 'audio/mpeg')).toBe(
			'ae5f56fc-7baa-4537-b312-1105023bbb49.mp3',
		);
		expect(recordingFileName('t-1', 'audio/x-wav')).toBe('t-1.wav');
		expect(recordingFileName('t-1', 'application/x-unknown')).toBe('t-1.mp3');
		expect(recordingFileName('../../etc/passwd', 'audio/mpeg')).toBe('__.._etc_passwd.mp3');
	});
});

describe('isNotFoundCode', () => {
	it.each([
		'resource_not_found',
		'not_found',
		'transaction_not_found',
		'call_not_exist',
		'NOT_FOUND',
		'transaction_id_invalid',
	])('%s means no such call', (code) => {
		expect(isNotFoundCode(code)).toBe(true);
	});
	it.each([undefined, '', 'date_invalid', 'rate_limit_exceeded', 'api_key_invalid', 'foundation'])(
		'%s does not',
		(code) => {
			expect(isNotFoundCode(code)).toBe(false);
		},
	);
});

describe('toIsoTime: zone offsets', () => {
	it('reads an hours-only offset (ISO 8601 ±HH) as whole hours', () => {
		expect(toIsoTime('2026-11-28T10:15:00+07')).toBe('2026-11-28T03:15:00.000Z');
		expect(toIsoTime('2026-11-28 10:15-03')).toBe('2026-11-28T13:15:00.000Z');
	});

	it('reads the real extremes, ±14:00 and minutes up to 59', () => {
		expect(toIsoTime('2026-11-28T10:15:00+14:00')).toBe('2026-11-27T20:15:00.000Z');
		expect(toIsoTime('2026-11-28T10:15:00-12:00')).toBe('2026-11-28T22:15:00.000Z');
		expect(toIsoTime('2026-11-28T10:15:00+05:45')).toBe('2026-11-28T04:30:00.000Z');
		expect(toIsoTime('2026-11-28T10:15:00+0530')).toBe('2026-11-28T04:45:00.000Z');
	});

	it('is null for offsets no place has: over 14 hours, or 60 minutes and more', () => {
		for (const value of [
			'2026-11-28T10:15:00+99:99',
			'2026-11-28T10:15:00+07:60',
			'2026-11-28T10:15:00+15:00',
			'2026-11-28T10:15:00-15',
			'2026-11-28T10:15:00+14:30',
			'2026-11-28T10:15:00+0799',
		]) {
			expect([value, toIsoTime(value)]).toEqual([value, null]);
		}
	});

	it('is null for offsets of other lengths (+7, +070, +07:0)', () => {
		for (const value of [
			'2026-11-28T10:15:00+7',
			'2026-11-28T10:15:00+070',
			'2026-11-28T10:15:00+07:0',
		]) {
			expect([value, toIsoTime(value)]).toEqual([value, null]);
		}
	});
});
