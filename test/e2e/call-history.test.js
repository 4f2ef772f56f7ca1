'use strict';
/**
 * The Call resource inside a real n8n, installed from the package's tarball, with the OMICall
 * simulator where OMICall would be: calls placed through the simulator (and a seeded history
 * around them) are found by Get Many, annotated by Update, their recordings downloaded into the
 * execution, and a Get in a later run shows the note. Everything is read back through n8n's own
 * APIs (executions, binary data), the webhook's HTTP answer and the simulator's state.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { nodeOutput, waitFor } = require('./n8n');
const { post, startStack } = require('./stack');
const { callHistoryWorkflow, callLookupWorkflow, triggerWorkflow } = require('./workflows');

jest.setTimeout(180_000);

const API_KEY = 'e2e-history-key-41d2';
const NOTE = 'Khách hẹn gọi lại lúc 15 giờ — đã gửi báo giá qua Zalo, nhắc anh Đặng Ngọc Lan';
const ORIGINAL_NOTE = 'Khách hàng hỏi về đơn hàng';
const SEARCH = '/api/v3/call-transaction/search';

let simulator;
let n8n;
let credential;
let stack;
const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'omicall-e2e-history-'));

/** Creates and activates a workflow started by n8n's Webhook node at /webhook/<route>. */
async function activeWebhookWorkflow(workflow, route) {
	const created = await n8n.createWorkflow(workflow);
	await n8n.activate(created.id);
	await n8n.webhookReady(route);
	return created;
}

/** The binary data of a node's items in its first run of an execution. */
function nodeBinaries(execution, nodeName) {
	return (
		execution.data?.resultData?.runData?.[nodeName]?.[0]?.data?.main?.[0]?.map(
			(item) => item.binary,
		) ?? []
	);
}

beforeAll(async () => {
	stack = await startStack({ apiKey: API_KEY, userFolder });
	({ simulator, n8n, credential } = stack);
});

afterAll(async () => {
	await stack?.stop();
});

describe('call history: Get Many → Update → Download Recording, then Get', () => {
	const placedAt = Date.now();
	const placed = {};
	const triggered = {};
	let execution;
	let answer;

	beforeAll(async () => {
		// Months of other calls before the ones placed now: the search must keep to its time range.
		simulator.generateHistory({
			count: 500,
			days: 60,
			seed: 11,
			endAt: placedAt - 2 * 60 * 60 * 1000,
		});
		// The trigger receives the placed calls' records, to compare its items with Get Many's.
		const trigger = await n8n.createWorkflow(
			triggerWorkflow(credential, { events: ['cdr'] }, 'OMICall call records'),
		);
		await n8n.activate(trigger.id);
		await waitFor(() => simulator.hooks.get('call'), { what: "the trigger's hook" });
		const calls = {
			inbound: { direction: 'inbound', answered: true, startedAt: placedAt - 50_000 },
			missed: { direction: 'outbound', answered: false, startedAt: placedAt - 40_000 },
			outbound: { direction: 'outbound', answered: true, startedAt: placedAt - 30_000 },
		};
		for (const [name, options] of Object.entries(calls))
			placed[name] = (await simulator.placeCall(options)).transactionId;
		const records = (await n8n.waitForExecutions(trigger.id, 3)).map(
			(e) => nodeOutput(e, 'Show call')[0],
		);
		for (const record of records) triggered[record.callId] = record;
		await n8n.deactivate(trigger.id);
		await waitFor(() => !simulator.hooks.get('call'), { what: "the trigger's hook to go" });

		const workflow = await activeWebhookWorkflow(
			callHistoryWorkflow(credential, 'call-history'),
			'call-history',
		);
		simulator.resetLog();
		answer = await post(`${n8n.url}/webhook/call-history`, {
			from: new Date(placedAt - 5 * 60_000).toISOString(),
			to: new Date(placedAt + 60_000).toISOString(),
			note: NOTE,
		});
		[execution] = await n8n.waitForExecutions(workflow.id, 1);
		await n8n.deactivate(workflow.id);
	});

	test('the run succeeds and Get Many finds the answered calls just placed, newest first, and no other call', () => {
		expect(execution.status).toBe('success');
		expect(nodeOutput(execution, 'Get Many').map((call) => call.callId)).toEqual([
			placed.outbound,
			placed.inbound,
		]);
		// 500 other calls in the history, all outside the range: one page answers the search.
		expect(simulator.count(SEARCH)).toBe(1);
	});

	test("Get Many's items are the trigger's items for the same calls: same field names in the same order, same values", () => {
		const items = nodeOutput(execution, 'Get Many');
		for (const item of items) {
			const { raw, ...fromTrigger } = triggered[item.callId];
			expect(raw.transaction_id).toBe(item.callId);
			expect(Object.keys(item)).toEqual(Object.keys(fromTrigger));
			// Only the delivery's attempt number is not part of the call's history.
			expect(item).toEqual({ ...fromTrigger, deliveryAttempt: null });
		}
		expect(items[0]).toMatchObject({
			event: 'cdr',
			direction: 'outbound',
			answered: true,
			note: ORIGINAL_NOTE,
			tags: [],
		});
		expect(items[0].recordingUrl).toMatch(
			new RegExp(`^${simulator.url}/third_party/recording/uc\\?id=\\w+&code=${placed.outbound}$`),
		);
		expect(items[1]).toMatchObject({
			direction: 'inbound',
			agentName: expect.any(String),
			customerName: expect.any(String),
		});
	});

	test('Update writes the Vietnamese note onto each call in OMICall, unchanged, and leaves the missed call alone', () => {
		const updated = nodeOutput(execution, 'Update');
		expect(updated.map((call) => [call.callId, call.note])).toEqual([
			[placed.outbound, NOTE],
			[placed.inbound, NOTE],
		]);
		expect(simulator.findCall(placed.outbound).note).toBe(NOTE);
		expect(simulator.findCall(placed.inbound).note).toBe(NOTE);
		expect(simulator.findCall(placed.missed).note).toBe(ORIGINAL_NOTE);
		expect(
			simulator.requests
				.filter((r) => r.path.startsWith('/api/call_transaction/change/'))
				.map((r) => `${r.method} ${r.path.split('/').pop()}`),
		).toEqual([`POST ${placed.outbound}`, `POST ${placed.inbound}`]);
	});

	test("Download Recording puts each call's recording in the execution: <transaction id>.mp3, audio/mpeg, the size of the file", () => {
		expect(
			nodeOutput(execution, 'Download Recording').map((call) => [call.callId, call.note]),
		).toEqual([
			[placed.outbound, NOTE],
			[placed.inbound, NOTE],
		]);
		const binaries = nodeBinaries(execution, 'Download Recording');
		expect(binaries.map((binary) => Object.keys(binary ?? {}))).toEqual([['data'], ['data']]);
		expect(binaries.map((binary) => binary.data)).toEqual(
			[placed.outbound, placed.inbound].map((id) =>
				expect.objectContaining({
					fileName: `${id}.mp3`,
					fileExtension: 'mp3',
					mimeType: 'audio/mpeg',
				}),
			),
		);
		// n8n 2.x records the size; n8n 1.x keeps the bytes themselves in the execution, as base64.
		expect(
			binaries.map(({ data }) => data.bytes ?? Buffer.from(data.data, 'base64').length),
		).toEqual([simulator.recording.length, simulator.recording.length]);
		expect(simulator.count('/third_party/recording/uc')).toBe(2);
	});

	test('the recordings can be downloaded from n8n, byte for byte the files OMICall served', async () => {
		for (const [index, id] of [placed.outbound, placed.inbound].entries()) {
			const binary = nodeBinaries(execution, 'Download Recording')[index].data;
			if (!binary.id) {
				// n8n 1.x's default binary mode keeps the bytes in the execution itself.
				expect(Buffer.from(binary.data, 'base64').equals(simulator.recording)).toBe(true);
				continue;
			}
			// n8n 2.x keeps the bytes in its binary data store (filesystem mode by default), not in the execution.
			expect(binary.id).toMatch(/^(filesystem|filesystem-v2|database):/);
			const query = new URLSearchParams({ id: binary.id, action: 'download' });
			const response = await fetch(`${n8n.url}/rest/binary-data?${query}`, {
				headers: { cookie: n8n.cookie },
			});
			expect(response.status).toBe(200);
			expect(response.headers.get('content-type')).toBe('audio/mpeg');
			expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${id}.mp3"`);
			const bytes = Buffer.from(await response.arrayBuffer());
			expect(bytes.equals(simulator.recording)).toBe(true);
		}
	});

	test("the webhook's answer is the annotated calls, as the workflow's last node gave them", () => {
		expect(answer.status).toBe(200);
		expect(answer.body).toEqual(nodeOutput(execution, 'Download Recording'));
	});

	test('a Get in a later run shows the note', async () => {
		const workflow = await activeWebhookWorkflow(
			callLookupWorkflow(credential, 'call-lookup'),
			'call-lookup',
		);
		const shown = await post(`${n8n.url}/webhook/call-lookup`, { callId: placed.inbound });
		const [run] = await n8n.waitForExecutions(workflow.id, 1);
		await n8n.deactivate(workflow.id);
		expect(run.status).toBe('success');
		const { raw: _raw, ...fromTrigger } = triggered[placed.inbound];
		expect(nodeOutput(run, 'Get')).toEqual([{ ...fromTrigger, deliveryAttempt: null, note: NOTE }]);
		expect(shown).toEqual({
			status: 200,
			body: { ...fromTrigger, deliveryAttempt: null, note: NOTE },
		});
	});
});
