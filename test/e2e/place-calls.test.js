'use strict';
/**
 * Placing calls inside a real n8n, installed from the package's tarball, with the OMICall
 * simulator where OMICall would be:
 * - speed to lead: n8n's Webhook node receives a lead, OMICall Make Call rings the agent and dials
 *   the customer; a second workflow, the OMICall Trigger, receives that call's ringing, answered
 *   and hangup events and its final record, all carrying the callId Make Call returned;
 * - reminder calls: an Auto Call → Start to 3 numbers gives 3 call records in the trigger workflow,
 *   each with the campaign's autoCallId.
 * Everything is read back through n8n's own APIs, the webhook's HTTP answer and the simulator.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { nodeOutput, waitFor } = require('./n8n');
const { post, startStack } = require('./stack');
const { chain, credentialsOf, node, triggerWorkflow, webhookNode } = require('./workflows');
const { PUBLIC_NUMBERS } = require('../simulator/call-center');

jest.setTimeout(240_000);

const API_KEY = 'e2e-calls-key-5b8e';
const HOTLINE = PUBLIC_NUMBERS[0];

let simulator;
let n8n;
let credential;
let stack;
let trigger;
const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'omicall-e2e-calls-'));

/** n8n's Webhook node at /webhook/<path> → the OMICall node with `parameters`; answers with its first item. */
function webhookThenOmiCall(name, path, parameters) {
	return {
		name,
		nodes: [
			webhookNode(path, 'lastNode'),
			node('OMICall', 'n8n-nodes-omicall.omiCall', parameters, {
				credentials: credentialsOf('omiCallApi', credential),
			}),
		],
		connections: chain('Webhook', 'OMICall'),
	};
}

async function activeWebhookWorkflow(workflow, route) {
	const created = await n8n.createWorkflow(workflow);
	await n8n.activate(created.id);
	await n8n.webhookReady(route);
	return created;
}

/** The trigger workflow's items so far (one per execution), in order. */
async function triggered(count) {
	return (await n8n.waitForExecutions(trigger.id, count)).map((e) => nodeOutput(e, 'Show call')[0]);
}

beforeAll(async () => {
	stack = await startStack({ apiKey: API_KEY, userFolder, baseUrl: (url) => url });
	({ simulator, n8n, credential } = stack);
	trigger = await n8n.createWorkflow(
		triggerWorkflow(
			credential,
			{ events: ['ringing', 'answered', 'hangup', 'cdr'] },
			'OMICall call events',
		),
	);
	await n8n.activate(trigger.id);
	await waitFor(() => simulator.hooks.get('call'), { what: "the trigger's hook" });
});

afterAll(async () => {
	await simulator?.callCenter.idle();
	await stack?.stop();
});

describe('speed to lead: a lead arrives, OMICall Make Call rings the agent and dials the customer', () => {
	let answer;
	let events;

	beforeAll(async () => {
		await activeWebhookWorkflow(
			webhookThenOmiCall('Speed to lead', 'new-lead', {
				resource: 'call',
				operation: 'make',
				extension: { __rl: true, mode: 'id', value: '100' },
				hotline: { __rl: true, mode: 'id', value: HOTLINE },
				phoneNumber: '={{ $json.body.phone }}',
			}),
			'new-lead',
		);
		answer = await post(`${n8n.url}/webhook/new-lead`, {
			name: 'Nguyễn Văn An',
			phone: '+84 912 345 678',
		});
		await simulator.callCenter.idle();
		events = await triggered(4);
	});

	test('Make Call answers the lead with the callId, the extension, the hotline and the number it sent', () => {
		expect(answer.status).toBe(200);
		expect(answer.body).toEqual({
			callId: expect.stringMatching(/^[0-9a-f-]{36}$/),
			extension: '100',
			hotline: HOTLINE,
			phoneNumber: '0912345678',
		});
		expect(simulator.callCenter.clickToCalls).toEqual([
			{ extension: '100', hotline: HOTLINE, phone_number: '0912345678' },
		]);
	});

	test("the trigger receives that call's ringing, answered, hangup and final record, each with the same callId", () => {
		expect(events.map((e) => e.event)).toEqual(['ringing', 'answered', 'hangup', 'cdr']);
		for (const event of events) expect(event.callId).toBe(answer.body.callId);
		expect(events[3]).toMatchObject({
			direction: 'outbound',
			customerNumber: '0912345678',
			agentExtension: '100',
			answered: true,
			autoCallId: null,
		});
	});
});

describe('reminder calls: Auto Call → Start to 3 numbers', () => {
	const phones = ['0912 000 001', '+84 912 000 002', '84912000003'];
	let answer;
	let records;

	beforeAll(async () => {
		await activeWebhookWorkflow(
			webhookThenOmiCall('Appointment reminders', 'reminders', {
				resource: 'autoCall',
				operation: 'start',
				name: 'Nhắc lịch hẹn',
				phoneNumbers: '={{ $json.body.phones }}',
				messageType: 'text',
				message: '=Quý khách có lịch hẹn lúc {{ $json.body.time }} ngày mai.',
				hotline: { __rl: true, mode: 'list', value: '' },
				options: { voice: 'banmai' },
			}),
			'reminders',
		);
		answer = await post(`${n8n.url}/webhook/reminders`, { phones, time: '9 giờ sáng' });
		await simulator.callCenter.idle();
		records = (await triggered(4 + 3 * 4)).filter((e) => e.event === 'cdr' && e.autoCallId);
	});

	test('Start answers with the campaign id and name; OMICall got the message filled in', () => {
		expect(answer.status).toBe(200);
		expect(answer.body).toEqual({
			autoCallId: expect.stringMatching(/^[0-9a-f]{24}$/),
			name: 'Nhắc lịch hẹn',
			phoneNumbers: ['0912000001', '0912000002', '0912000003'],
			messageType: 'text',
		});
		expect(simulator.callCenter.autoCalls).toEqual([
			expect.objectContaining({
				phone_number_list: ['0912000001', '0912000002', '0912000003'],
				variables: ['Quý khách có lịch hẹn lúc 9 giờ sáng ngày mai.'],
				voice: 'banmai',
			}),
		]);
	});

	test('the trigger workflow gets 3 call records, one per number, with the campaign id', () => {
		expect(records).toHaveLength(3);
		expect(records.map((r) => r.customerNumber).sort()).toEqual([
			'0912000001',
			'0912000002',
			'0912000003',
		]);
		for (const record of records) expect(record.autoCallId).toBe(answer.body.autoCallId);
	});
});
