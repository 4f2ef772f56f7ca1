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
	])('%p → %p', (value, iso) => {
		expect(toIsoTime(value)).toBe(iso);
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
	it('prefers transaction_id over call_uuid, and the old recording_file field when it is the only one', () => {
		expect(simplifyCall('cdr', { transaction_id: 't', call_uuid: 'u', recording_file: 'https://r/1.mp3' }, {})).toMatchObject({ callId: 't', recordingUrl: 'https://r/1.mp3' });
	});
});
