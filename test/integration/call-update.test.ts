/**
 * Call → Update: a call's note and tags, over real HTTP to the simulator, through n8n-core's
 * ExecuteContext.
 */
import { OmiCall } from '../../nodes/OmiCall/OmiCall.node';
import {
	actionRunner,
	buildNode,
	executeNode,
	apiKeyStore,
	CredentialStore,
} from '../harness/n8n-core';
import { type HistoryCall, type OmiCallSimulator, startSimulator } from '../harness/simulator';

const API_KEY = 'key-0123456789abcdef';
const CHANGE = '/api/call_transaction/change/';
const nodeType = new OmiCall();

let simulator: OmiCallSimulator;
let store: CredentialStore;

beforeEach(async () => {
	simulator = await startSimulator({ apiKeys: [API_KEY] });
	store = apiKeyStore(simulator.url, API_KEY);
});
afterEach(async () => simulator.stop());

const byId = (id: string) => ({ __rl: true, mode: 'id', value: id });

const run = actionRunner(nodeType, { resource: 'call', operation: 'update' }, () => store);

async function place(options: Record<string, unknown> = {}): Promise<HistoryCall> {
	const placed = await simulator.placeCall({
		requireHook: false,
		startedAt: Date.now() - 3600_000,
		answered: true,
		...options,
	});
	return simulator.findCall(placed.transactionId)!;
}

const changes = () => simulator.requests.filter((r) => r.path.startsWith(CHANGE));

describe('Update', () => {
	it('sets a Vietnamese note and tags and outputs the call as OMICall returns it afterwards', async () => {
		const call = await place({ notes: '' });
		const [item] = await run({
			callId: byId(call.transaction_id),
			updateFields: {
				note: 'Khách hẹn gọi lại lúc 15h — đã xác nhận',
				tags: 'Khách hàng VIP, Gọi lại',
			},
		});
		expect(item.json).toMatchObject({
			callId: call.transaction_id,
			note: 'Khách hẹn gọi lại lúc 15h — đã xác nhận',
			tags: ['Khách hàng VIP', 'Gọi lại'],
		});
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(simulator.findCall(call.transaction_id)!.note).toBe(
			'Khách hẹn gọi lại lúc 15h — đã xác nhận',
		);
		// One request for the change: its answer is the updated call.
		expect(changes().map((r) => [r.method, r.path])).toEqual([
			['POST', `${CHANGE}${call.transaction_id}`],
		]);
		// And a Get afterwards shows the same.
		const built = buildNode(
			nodeType,
			{ resource: 'call', operation: 'get', callId: byId(call.transaction_id) },
			store,
		);
		const [got] = await executeNode(built, nodeType);
		expect(got.json).toEqual(item.json);
	});

	it('only the fields given: a note leaves the tags, tags leave the note; empty tags remove them all', async () => {
		const call = await place({ notes: 'Ghi chú cũ' });
		await run({ callId: byId(call.transaction_id), updateFields: { tags: 'Tư vấn' } });
		const [noted] = await run({
			callId: byId(call.transaction_id),
			updateFields: { note: 'Ghi chú mới' },
		});
		expect(noted.json).toMatchObject({ note: 'Ghi chú mới', tags: ['Tư vấn'] });
		const [cleared] = await run({ callId: byId(call.transaction_id), updateFields: { tags: '' } });
		expect(cleared.json).toMatchObject({ note: 'Ghi chú mới', tags: [] });
	});

	it('Raw: the updated call exactly as OMICall returns it', async () => {
		const call = await place();
		const [item] = await run({
			callId: byId(call.transaction_id),
			updateFields: { note: 'x' },
			options: { output: 'raw' },
		});
		expect(item.json).toEqual(JSON.parse(JSON.stringify(simulator.findCall(call.transaction_id))));
	});

	it('falls back to PATCH when OMICall does not answer POST', async () => {
		simulator.changeMethods = ['PATCH'];
		const call = await place();
		const [item] = await run({
			callId: byId(call.transaction_id),
			updateFields: { note: 'Đã gọi lại' },
		});
		expect(item.json.note).toBe('Đã gọi lại');
		expect(changes().map((r) => r.method)).toEqual(['POST', 'PATCH']);
	});

	it('nothing to update: a plain error, no request', async () => {
		const call = await place();
		await expect(run({ callId: byId(call.transaction_id), updateFields: {} })).rejects.toThrow(
			'Nothing to update: add a Note or Tags under Update Fields.',
		);
		expect(changes()).toEqual([]);
	});

	it('a call that does not exist: "not found"; under Continue On Fail an {error} item, paired', async () => {
		await expect(
			run({ callId: byId('no-such-call'), updateFields: { note: 'x' } }),
		).rejects.toThrow('OMICall has no call with the transaction ID "no-such-call".');
		const call = await place();
		const out = await run(
			{ callId: byId('={{ $json.id }}'), updateFields: { note: 'y' } },
			[{ json: { id: 'no-such-call' } }, { json: { id: call.transaction_id } }],
			true,
		);
		expect(out[0]).toEqual({
			json: { error: 'OMICall has no call with the transaction ID "no-such-call".' },
			pairedItem: { item: 0 },
		});
		expect(out[1]).toMatchObject({
			json: { callId: call.transaction_id, note: 'y' },
			pairedItem: { item: 1 },
		});
	});
});
