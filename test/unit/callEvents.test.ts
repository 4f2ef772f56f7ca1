import { parseCallBody, parseContactBody } from '../../nodes/OmiCall/callEvents';
import { simplifyCall, toIsoTime } from '../../nodes/OmiCall/callRecord';

describe('toIsoTime', () => {
	it.each([
		[1626693561, '2021-07-19T11:19:21.000Z'],
		[1626693561000, '2021-07-19T11:19:21.000Z'],
		['1626693561', '2021-07-19T11:19:21.000Z'],
		['2021-07-19T11:19:21Z', '2021-07-19T11:19:21.000Z'],
		[0, null],
		[null, null],
		['', null],
		['soon', null],
		[{}, null],
		// Microseconds and nanoseconds are scaled down, like seconds and milliseconds.
		[1626693561000000, '2021-07-19T11:19:21.000Z'],
		['1626693561000000000', '2021-07-19T11:19:21.000Z'],
		[1626693561.5, '2021-07-19T11:19:21.500Z'],
		[' 1.626693561e9 ', '2021-07-19T11:19:21.000Z'],
		// Plausible times only: from 2000 to 2100 in any of those units, else null (never a throw).
		[946684800, '2000-01-01T00:00:00.000Z'],
		[946684799, null],
		[4133980799, '2100-12-31T23:59:59.000Z'],
		[4133980800, null],
		[1e11, null],
		[8.64e15 + 1, null],
		[1e300, null],
		[Number.MAX_VALUE, null],
		[-1626693561, null],
		['-5', null],
		['-1626693561', null],
		[Number.NaN, null],
		[Number.POSITIVE_INFINITY, null],
		[true, null],
		[[1626693561], null],
		// Text with a zone is read as given; without one it is Vietnam time (UTC+7).
		['2026-11-28 10:15:00', '2026-11-28T03:15:00.000Z'],
		['2026-11-28T10:15:00', '2026-11-28T03:15:00.000Z'],
		['2026-11-28T10:15:00.250', '2026-11-28T03:15:00.250Z'],
		['2026-11-28', '2026-11-27T17:00:00.000Z'],
		['2026-11-28T10:15:00Z', '2026-11-28T10:15:00.000Z'],
		['2026-11-28T10:15:00+07:00', '2026-11-28T03:15:00.000Z'],
		['2026-11-28 10:15:00 -0130', '2026-11-28T11:45:00.000Z'],
		['2026-02-30 10:00:00', null],
		['2026-13-01', null],
		['2026-11-28 24:00:00', null],
		['1999-12-31T23:59:59Z', null],
		['2101-01-01T00:00:00Z', null],
		// Text in any other form is not guessed at.
		['x 2020', null],
		['01/02/2026', null],
		['Sat, 28 Nov 2026 10:15:00 GMT', null],
	])('%p → %p', (value, iso) => {
		expect(toIsoTime(value)).toBe(iso);
	});

	it('reads zone-less text as Vietnam time whatever the host time zone', () => {
		const zone = process.env.TZ;
		try {
			for (const tz of ['America/New_York', 'Asia/Tokyo', 'UTC']) {
				process.env.TZ = tz;
				expect([tz, toIsoTime('2026-11-28 10:15:00')]).toEqual([tz, '2026-11-28T03:15:00.000Z']);
			}
		} finally {
			if (zone === undefined) delete process.env.TZ;
			else process.env.TZ = zone;
		}
	});
});

describe('parseCallBody', () => {
	it('knows the four states whatever their case', () => {
		expect(parseCallBody({ state: 'HANGUP' })).toMatchObject({ ok: true, state: 'hangup' });
	});
	it('does not unwrap more than one level', () => {
		expect(parseCallBody({ data: { payload: { state: 'cdr' } } })).toMatchObject({ ok: false });
	});
	it('unwraps a wrapper whose own state or transaction_id is null or empty', () => {
		const inner = { state: 'cdr', transaction_id: 't' };
		for (const body of [
			{ state: null, data: inner },
			{ state: '', payload: inner },
			{ transaction_id: null, body: inner },
			{ state: null, transaction_id: '', data: inner },
		]) {
			expect(parseCallBody(body)).toEqual({ ok: true, state: 'cdr', event: inner });
		}
	});
	it('does not take a null or empty transaction_id for a call record', () => {
		expect(parseCallBody({ transaction_id: null, direction: 'inbound' })).toMatchObject({
			ok: false,
			error: 'The body has no "state" and no "transaction_id": it is not an OMICall call event.',
		});
		expect(parseCallBody({ transaction_id: '' })).toMatchObject({ ok: false });
	});
	it('reads the state whatever its spaces', () => {
		expect(parseCallBody({ state: ' Answered ' })).toMatchObject({ ok: true, state: 'answered' });
	});
	it('quotes at most 60 characters of an unknown state', () => {
		const parsed = parseCallBody({ state: `x${'ă'.repeat(10_000)}` });
		expect(parsed).toEqual({
			ok: false,
			error: `Unknown call state "x${'ă'.repeat(59)}…"; expected one of ringing, answered, hangup, cdr.`,
		});
	});
	it('names what an object or array state is instead of quoting it', () => {
		expect(parseCallBody({ state: { a: [1] } })).toEqual({
			ok: false,
			error: 'Unknown call state (a JSON object); expected one of ringing, answered, hangup, cdr.',
		});
		expect(parseCallBody({ state: [] })).toEqual({
			ok: false,
			error: 'Unknown call state (a JSON array); expected one of ringing, answered, hangup, cdr.',
		});
	});
	it('refuses a body nested deeper than 100 levels, which n8n could not save', () => {
		let deep: unknown = 'x';
		for (let i = 0; i < 10_000; i++) deep = i % 2 ? [deep] : { a: deep };
		expect(parseCallBody({ state: 'cdr', transaction_id: 't', extra: deep })).toEqual({
			ok: false,
			error: 'The body is nested more than 100 levels deep.',
		});
		expect(
			parseContactBody({ action: 'created', data: [{ contact_id: 'c', extra: deep }] }),
		).toEqual({ ok: false, error: 'The body is nested more than 100 levels deep.' });
		let fine: unknown = 'x';
		for (let i = 0; i < 98; i++) fine = { a: fine };
		expect(parseCallBody({ state: 'cdr', transaction_id: 't', extra: fine })).toMatchObject({
			ok: true,
		});
	});
	it('rejects a state that is not text', () => {
		expect(parseCallBody({ state: 7 })).toEqual({
			ok: false,
			error: 'Unknown call state 7; expected one of ringing, answered, hangup, cdr.',
		});
	});
});

describe('simplifyCall', () => {
	const live = {
		call_uuid: 'u',
		from_number: '100',
		to_number: '0395187319',
		hotline: '0868694566',
		created_time: 1626693561,
	};
	it('outbound: the agent calls from the extension', () => {
		expect(simplifyCall('ringing', { ...live, direction: 'outbound' }, {})).toMatchObject({
			customerNumber: '0395187319',
			agentExtension: '100',
		});
	});
	it('inbound: the customer calls the extension', () => {
		const item = simplifyCall(
			'ringing',
			{ ...live, direction: 'inbound', from_number: '0395187319', to_number: '100' },
			{},
		);
		expect(item).toMatchObject({
			customerNumber: '0395187319',
			agentExtension: '100',
			startedAt: '2021-07-19T11:19:21.000Z',
		});
	});
	it('reads the direction whatever its case and spaces', () => {
		const item = simplifyCall(
			'ringing',
			{ ...live, direction: ' Inbound ', from_number: '0395187319', to_number: '100' },
			{},
		);
		expect(item).toMatchObject({
			direction: 'inbound',
			customerNumber: '0395187319',
			agentExtension: '100',
		});
		expect(simplifyCall('ringing', { ...live, direction: 'OUTBOUND' }, {})).toMatchObject({
			direction: 'outbound',
			customerNumber: '0395187319',
			agentExtension: '100',
		});
	});
	it('does not guess who is who when the direction is missing or unknown', () => {
		for (const direction of [undefined, null, 'sideways', 7]) {
			expect(simplifyCall('ringing', { ...live, direction }, {})).toMatchObject({
				direction: null,
				customerNumber: null,
				agentExtension: null,
			});
		}
		const record = simplifyCall(
			'cdr',
			{
				transaction_id: 't',
				phone_number: '0395187319',
				sip_user: '100',
				from_number: '100',
				to_number: '0395187319',
			},
			{},
		);
		expect(record).toMatchObject({
			direction: null,
			customerNumber: '0395187319',
			agentExtension: '100',
		});
	});
	it('takes durations and counts only from non-negative numbers or numeric text', () => {
		const odd = JSON.parse('{"valueOf": 1, "toString": 1}');
		expect(
			simplifyCall(
				'cdr',
				{ transaction_id: 't', duration: '12', bill_sec: 7.5, send_num_retry: 2 },
				{},
			),
		).toMatchObject({ durationSec: 12, talkSec: 7.5, deliveryAttempt: 2 });
		for (const value of [odd, [], [5], true, -5, '-5', '0x10', ' ', {}]) {
			expect(
				simplifyCall(
					'cdr',
					{ transaction_id: 't', duration: value, bill_sec: value, send_num_retry: value },
					{},
				),
			).toMatchObject({ durationSec: null, talkSec: null, deliveryAttempt: null });
		}
	});
	it('prefers transaction_id over call_uuid, and the old recording_file field when it is the only one', () => {
		expect(
			simplifyCall(
				'cdr',
				{ transaction_id: 't', call_uuid: 'u', recording_file: 'https://r/1.mp3' },
				{},
			),
		).toMatchObject({ callId: 't', recordingUrl: 'https://r/1.mp3' });
	});
});

describe('parseContactBody', () => {
	it('unwraps a wrapper whose own action is null', () => {
		const inner = { action: 'created', data: [{ contact_id: 'c' }] };
		expect(parseContactBody({ action: null, data: inner })).toEqual({
			ok: true,
			action: 'created',
			contacts: [{ contact_id: 'c' }],
		});
	});
	it('reads the action whatever its case and spaces, and refuses a blank one', () => {
		expect(parseContactBody({ action: ' Updated ', data: [] })).toEqual({
			ok: true,
			action: 'updated',
			contacts: [],
		});
		expect(parseContactBody({ action: '  ', data: [] })).toMatchObject({ ok: false });
	});
});
