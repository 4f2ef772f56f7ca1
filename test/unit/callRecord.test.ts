import { answeredOf, simplifyCall, simplifyRecord, tagsOf } from '../../nodes/OmiCall/callRecord';

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
	recording_file_url: 'https://public-v1-stg.omicrm.com/third_party/recording/uc?id=x&code=ae5f56fc',
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
		expect(item).toEqual({ ...triggerFields, answered: true, note: 'Khách hẹn gọi lại lúc 15h', tags: ['VIP', 'Gọi lại'], autoCallId: 'ac-42' });
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

	it('falls back to call_uuid when there is no transaction_id', () => {
		expect(simplifyRecord({ call_uuid: 'u-9' })).toMatchObject({ callId: 'u-9', answered: null, tags: [] });
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
		expect(tagsOf({ tag: ['VIP', { name: 'Gọi lại' }, { id: '64f0' }, '', null, 'VIP', 7] })).toEqual(['VIP', 'Gọi lại', '64f0', '7']);
	});
	it('is an empty list when the record has none or something else', () => {
		expect(tagsOf({})).toEqual([]);
		expect(tagsOf({ tag: 'VIP' })).toEqual([]);
		expect(tagsOf({ tags: ['a'] })).toEqual(['a']);
	});
});
