import { parseCallBody, simplifyCall, toIsoTime } from '../../nodes/OmiCall/callEvents';

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
	it('rejects a state that is not text', () => {
		expect(parseCallBody({ state: 7 })).toEqual({ ok: false, error: 'Unknown call state 7; expected one of ringing, answered, hangup, cdr.' });
	});
});

describe('simplifyCall', () => {
	const live = { call_uuid: 'u', from_number: '100', to_number: '0395187319', hotline: '0868694566', created_time: 1626693561 };
	it('outbound: the agent calls from the extension', () => {
		expect(simplifyCall('ringing', { ...live, direction: 'outbound' }, {})).toMatchObject({ customerNumber: '0395187319', agentExtension: '100' });
	});
	it('inbound: the customer calls the extension', () => {
		const item = simplifyCall('ringing', { ...live, direction: 'inbound', from_number: '0395187319', to_number: '100' }, {});
		expect(item).toMatchObject({ customerNumber: '0395187319', agentExtension: '100', startedAt: '2021-07-19T11:19:21.000Z' });
	});
	it('reads the direction whatever its case and spaces', () => {
		const item = simplifyCall('ringing', { ...live, direction: ' Inbound ', from_number: '0395187319', to_number: '100' }, {});
		expect(item).toMatchObject({ direction: 'inbound', customerNumber: '0395187319', agentExtension: '100' });
		expect(simplifyCall('ringing', { ...live, direction: 'OUTBOUND' }, {})).toMatchObject({ direction: 'outbound', customerNumber: '0395187319', agentExtension: '100' });
	});
	it('does not guess who is who when the direction is missing or unknown', () => {
		for (const direction of [undefined, null, 'sideways', 7]) {
			expect(simplifyCall('ringing', { ...live, direction }, {})).toMatchObject({ direction: null, customerNumber: null, agentExtension: null });
		}
		const record = simplifyCall('cdr', { transaction_id: 't', phone_number: '0395187319', sip_user: '100', from_number: '100', to_number: '0395187319' }, {});
		expect(record).toMatchObject({ direction: null, customerNumber: '0395187319', agentExtension: '100' });
	});
	it('prefers transaction_id over call_uuid, and the old recording_file field when it is the only one', () => {
		expect(simplifyCall('cdr', { transaction_id: 't', call_uuid: 'u', recording_file: 'https://r/1.mp3' }, {})).toMatchObject({ callId: 't', recordingUrl: 'https://r/1.mp3' });
	});
});
