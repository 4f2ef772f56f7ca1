/**
 * Call → Get and Call → Download Recording: one call by transaction ID, over real HTTP to the
 * simulator, through n8n-core's ExecuteContext.
 */
import type { INodeParameters } from 'n8n-workflow';

import { OmiCall } from '../../nodes/OmiCall/OmiCall.node';
import {
	actionRunner,
	apiKeyStore,
	failureOf,
	CREDENTIAL_ID,
	CredentialStore,
	loadOptionsContext,
} from '../harness/n8n-core';
import { type HistoryCall, type OmiCallSimulator, startSimulator } from '../harness/simulator';

const API_KEY = 'key-0123456789abcdef';
const BY_ID = '/api/v2/callTransaction/getByTransactionId';
const DETAIL = '/api/call_transaction/detail/';
const RECORDING = '/third_party/recording/uc';
const nodeType = new OmiCall();

let simulator: OmiCallSimulator;
let store: CredentialStore;

beforeEach(async () => {
	simulator = await startSimulator({ apiKeys: [API_KEY] });
	store = apiKeyStore(simulator.url, API_KEY);
});
afterEach(async () => simulator.stop());

const byId = (id: string) => ({ __rl: true, mode: 'id', value: id });

const run = actionRunner(nodeType, { resource: 'call' }, () => store);

async function runError(parameters: INodeParameters): Promise<Error & { description?: string }> {
	const error = await failureOf(run(parameters));
	const seen = `${error.message} ${error.description ?? ''} ${JSON.stringify(error)}`;
	expect(seen).not.toContain(API_KEY);
	return error;
}

async function place(options: Record<string, unknown> = {}): Promise<HistoryCall> {
	const placed = await simulator.placeCall({
		requireHook: false,
		startedAt: Date.now() - 3600_000,
		...options,
	});
	return simulator.findCall(placed.transactionId)!;
}

/** The request paths and methods, without the sign-in. */
const calls = () =>
	simulator.requests
		.filter((r) => r.path !== '/api/auth')
		.map((r) => `${r.method} ${r.path.startsWith(DETAIL) ? DETAIL : r.path}`);

describe('Get', () => {
	it("one call by transaction ID with v2's GET: the same simplified item as Get Many gives", async () => {
		const call = await place({
			direction: 'inbound',
			customerName: 'Phạm Thu Dung',
			notes: 'Khách phàn nàn giao hàng chậm',
		});
		const [item] = await run({ operation: 'get', callId: byId(call.transaction_id) });
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toMatchObject({
			event: 'cdr',
			callId: call.transaction_id,
			direction: 'inbound',
			customerNumber: call.phone_number,
			customerName: 'Phạm Thu Dung',
			note: 'Khách phàn nàn giao hàng chậm',
			recordingUrl: call.recording_file_url,
		});
		const [listed] = await run({
			operation: 'getMany',
			filters: { transactionIds: call.transaction_id },
		});
		expect(item.json).toEqual(listed.json);
		expect(calls().slice(0, 1)).toEqual([`GET ${BY_ID}`]);
	});

	it('Raw: the call as OMICall returns it', async () => {
		const call = await place();
		const [item] = await run({
			operation: 'get',
			callId: byId(call.transaction_id),
			options: { output: 'raw' },
		});
		expect(item.json).toEqual(JSON.parse(JSON.stringify(call)));
	});

	it('takes the ID from the list mode, from an expression, and with spaces around it', async () => {
		const call = await place();
		const [fromList] = await run({
			operation: 'get',
			callId: { __rl: true, mode: 'list', value: call.transaction_id },
		});
		const [fromItem] = await run(
			{ operation: 'get', callId: byId('={{ "  " + $json.id + " " }}') },
			[{ json: { id: call.transaction_id } }],
		);
		expect([fromList.json.callId, fromItem.json.callId]).toEqual([
			call.transaction_id,
			call.transaction_id,
		]);
	});

	it("falls back to POST when v2 does not answer GET, and keeps to POST for the execution's next items", async () => {
		simulator.getByTransactionIdMethods = ['POST'];
		const [a, b] = [await place(), await place()];
		const out = await run({ operation: 'get', callId: byId('={{ $json.id }}') }, [
			{ json: { id: a.transaction_id } },
			{ json: { id: b.transaction_id } },
		]);
		expect(out.map((i) => [i.json.callId, i.pairedItem])).toEqual([
			[a.transaction_id, { item: 0 }],
			[b.transaction_id, { item: 1 }],
		]);
		expect(calls()).toEqual([`GET ${BY_ID}`, `POST ${BY_ID}`, `POST ${BY_ID}`]);
	});

	it("falls back to v1 detail when v2 answers neither method, and reads v1's recording_file and disposition", async () => {
		simulator.getByTransactionIdMethods = [];
		const call = await place({ answered: false });
		const [item] = await run({ operation: 'get', callId: byId(call.transaction_id) });
		expect(item.json).toMatchObject({
			callId: call.transaction_id,
			answered: false,
			recordingUrl: null,
		});
		const answered = await place({ answered: true });
		const [withRecording] = await run({ operation: 'get', callId: byId(answered.transaction_id) });
		expect(withRecording.json).toMatchObject({
			answered: true,
			recordingUrl: answered.recording_file_url,
		});
		expect(calls()).toEqual([
			`GET ${BY_ID}`,
			`POST ${BY_ID}`,
			`GET ${DETAIL}`,
			`GET ${BY_ID}`,
			`POST ${BY_ID}`,
			`GET ${DETAIL}`,
		]);
	});

	it('a call v2 does not know is looked for in v1 (v2 is frozen), then "not found"', async () => {
		const error = await runError({ operation: 'get', callId: byId('no-such-call') });
		expect(error.message).toBe('OMICall has no call with the transaction ID "no-such-call".');
		expect(error.description).toMatch(/transaction_id/);
		// Not POST: v2 answered, it has no such call.
		expect(calls()).toEqual([`GET ${BY_ID}`, `GET ${DETAIL}`]);
	});

	it('Continue On Fail: a call that does not exist gives one empty item, paired; the next item still runs', async () => {
		const call = await place();
		const out = await run(
			{ operation: 'get', callId: byId('={{ $json.id }}') },
			[{ json: { id: 'no-such-call' } }, { json: { id: call.transaction_id } }],
			true,
		);
		expect(out[0]).toEqual({ json: {}, pairedItem: { item: 0 } });
		expect(out[1]).toMatchObject({
			json: { callId: call.transaction_id },
			pairedItem: { item: 1 },
		});
	});

	it('Continue On Fail: other failures stay {error} items, never mistaken for "no such call"', async () => {
		simulator.rateLimit(BY_ID, { times: 50, retryAfterSec: 0 });
		const out = await run({ operation: 'get', callId: byId('whatever') }, [{ json: {} }], true);
		expect(out).toEqual([
			{
				json: { error: expect.stringMatching(/rate_limit_exceeded|limit/i) },
				pairedItem: { item: 0 },
			},
		]);
	});

	it('works in Access Token mode: reading one call needs no API key', async () => {
		const call = await place();
		store.set(CREDENTIAL_ID, {
			baseUrl: simulator.url,
			authentication: 'accessToken',
			accessToken: simulator.issueToken(0),
			sessionToken: '',
		});
		const [item] = await run({ operation: 'get', callId: byId(call.transaction_id) });
		expect(item.json.callId).toBe(call.transaction_id);
	});

	it('an empty ID is refused before any request', async () => {
		const error = await runError({ operation: 'get', callId: byId('  ') });
		expect(error.message).toBe(
			"Item 0: enter the call's transaction ID, or pick a call from the list.",
		);
		expect(calls()).toEqual([]);
	});

	it('Attach Recording: the call with its recording as binary data', async () => {
		const call = await place({ answered: true });
		const [item] = await run({
			operation: 'get',
			callId: byId(call.transaction_id),
			options: { attachRecordings: true },
		});
		expect(item.json.callId).toBe(call.transaction_id);
		expect(Buffer.from(item.binary!.data.data, 'base64').equals(simulator.recording)).toBe(true);
		expect(item.binary!.data).toMatchObject({
			mimeType: 'audio/mpeg',
			fileName: `${call.transaction_id}.mp3`,
			fileExtension: 'mp3',
		});
	});
});

describe('Download Recording', () => {
	it('the recording as binary data in "data", named <transaction id>.mp3, with its MIME type; the JSON is the call', async () => {
		const call = await place({ answered: true });
		const [item] = await run({ operation: 'downloadRecording', callId: byId(call.transaction_id) });
		expect(Object.keys(item.binary!)).toEqual(['data']);
		const binary = item.binary!.data;
		expect(Buffer.from(binary.data, 'base64').equals(simulator.recording)).toBe(true);
		expect(binary).toMatchObject({
			mimeType: 'audio/mpeg',
			fileName: `${call.transaction_id}.mp3`,
			fileExtension: 'mp3',
		});
		expect(item.json).toMatchObject({
			callId: call.transaction_id,
			recordingUrl: call.recording_file_url,
		});
		expect(item.pairedItem).toEqual({ item: 0 });
		// A plain GET: the recording URL itself grants access, OMICall's credentials are not sent.
		expect(simulator.requests.filter((r) => r.path === RECORDING)).toHaveLength(1);
	});

	it('Put Output File in Field', async () => {
		const call = await place({ answered: true });
		const [item] = await run({
			operation: 'downloadRecording',
			callId: byId(call.transaction_id),
			binaryPropertyName: 'recording',
		});
		expect(Object.keys(item.binary!)).toEqual(['recording']);
	});

	it('a call without a recording: a clear error, no download', async () => {
		const call = await place({ answered: false });
		const error = await runError({
			operation: 'downloadRecording',
			callId: byId(call.transaction_id),
		});
		expect(error.message).toBe(`The call "${call.transaction_id}" has no recording.`);
		expect(simulator.count(RECORDING)).toBe(0);
	});

	it('a call without a recording, under Continue On Fail: its item without binary data', async () => {
		const call = await place({ answered: false });
		const [item] = await run(
			{ operation: 'downloadRecording', callId: byId(call.transaction_id) },
			[{ json: {} }],
			true,
		);
		expect(item.binary).toBeUndefined();
		expect(item.json).toMatchObject({
			callId: call.transaction_id,
			recordingUrl: null,
			answered: false,
		});
	});

	it('a recording link that no longer works: an error that shows only the host of the link', async () => {
		const call = await place({ answered: true });
		simulator.recordCall({
			...call,
			recording_file_url: `${simulator.url}${RECORDING}?id=expired-capability-123&code=gone`,
		});
		const error = await runError({
			operation: 'downloadRecording',
			callId: byId(call.transaction_id),
		});
		const seen = `${error.message} ${error.description ?? ''} ${JSON.stringify(error)}`;
		expect(seen).toContain(simulator.url);
		expect(seen).not.toContain('expired-capability-123');
		expect(seen).not.toContain(RECORDING);
		expect(error.message).toMatch(/404/);
	});

	it('a call that does not exist', async () => {
		const error = await runError({ operation: 'downloadRecording', callId: byId('no-such-call') });
		expect(error.message).toBe('OMICall has no call with the transaction ID "no-such-call".');
	});
});

describe('the Call picker (list mode)', () => {
	async function search(filter?: string, paginationToken?: string) {
		const context = loadOptionsContext(
			nodeType,
			{ resource: 'call', operation: 'get' },
			store,
			'parameters.callId',
		);
		return await nodeType.methods.listSearch.searchCalls.call(context, filter, paginationToken);
	}

	it('lists the last 30 days, newest first, named by time (Vietnam), direction, customer and agent; pages of 50', async () => {
		simulator.generateHistory({ count: 60, days: 20, seed: 21, endAt: Date.now() - 60_000 });
		const old = await place({ startedAt: Date.now() - 31 * 24 * 3600_000 });
		const first = await search();
		expect(first.results).toHaveLength(50);
		expect(first.paginationToken).toBe('2');
		const second = await search(undefined, first.paginationToken as string);
		expect(second.results).toHaveLength(10);
		expect(second.paginationToken).toBeUndefined();
		const ids = [...first.results, ...second.results].map((r) => r.value);
		expect(ids).not.toContain(old.transaction_id);
		const newest = [...simulator.calls].sort((a, b) => b.time_start_call - a.time_start_call)[0];
		const vietnam = new Date(newest.time_start_call * 1000 + 7 * 3600_000)
			.toISOString()
			.slice(0, 16)
			.replace('T', ' ');
		expect(first.results[0]).toEqual({
			value: newest.transaction_id,
			name: expect.stringContaining(vietnam),
		});
		expect(first.results[0].name).toContain(newest.phone_number);
		expect(first.results[0].name).toContain(newest.customer.full_name);
	});

	it("the search box is OMICall's keyword: a Vietnamese name finds its calls", async () => {
		const call = await place({ customerName: 'Lý Thị Yến', customerNumber: '0977000111' });
		await place({ customerName: 'Ngô Văn Long' });
		const found = await search('Lý Thị Yến');
		expect(found.results.map((r) => r.value)).toEqual([call.transaction_id]);
		expect(found.results[0].name).toContain('Lý Thị Yến');
	});
});
