'use strict';
/**
 * The Contact resource inside a real n8n, installed from the package's tarball, with the OMICall
 * simulator where OMICall would be:
 * 1. caller lookup: OMICall Trigger (call records) → Contact Get by the call's customerNumber →
 *    a Set node with the caller's name; a known caller and an unknown one;
 * 2. CRM sync: 100 contacts upserted by reference ID, twice; OMICall then holds exactly 100 and
 *    the second run wrote nothing.
 * Everything is read back through n8n's executions, the webhook's answer and the simulator.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { nodeOutput, waitFor } = require('./n8n');
const { startStack } = require('./stack');
const { chain, credentialsOf, node, webhookNode } = require('./workflows');

jest.setTimeout(240_000);

const API_KEY = 'e2e-contacts-key-7c1f';
const CALLER = { name: 'Nguyễn Thị Hồng Nhung', phone: '0912345678' };

let simulator;
let n8n;
let credential;
let stack;
const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'omicall-e2e-contacts-'));

const contactNode = (name, parameters) =>
	node(
		name,
		'n8n-nodes-omicall.omiCall',
		{ resource: 'contact', ...parameters },
		{ credentials: credentialsOf('omiCallApi', credential) },
	);

/** OMICall Trigger (call records) → Contact Get by customerNumber → "Caller" (Set: callerName). */
function callerLookupWorkflow() {
	const trigger = node(
		'OMICall Trigger',
		'n8n-nodes-omicall.omiCallTrigger',
		{ triggerOn: 'call', events: ['cdr'] },
		{
			typeVersion: 1.1,
			webhookId: crypto.randomUUID(),
			credentials: credentialsOf('omiCallApi', credential),
		},
	);
	const lookup = contactNode('Find caller', {
		operation: 'get',
		contact: { __rl: true, mode: 'phone', value: '={{ $json.customerNumber }}' },
		options: { emptyIfNotFound: true },
	});
	const caller = node(
		'Caller',
		'n8n-nodes-base.set',
		{
			mode: 'manual',
			assignments: {
				assignments: [
					{
						id: crypto.randomUUID(),
						name: 'callerName',
						value: "={{ $json.fullName ?? 'Unknown caller' }}",
						type: 'string',
					},
				],
			},
			includeOtherFields: false,
			options: {},
		},
		{ typeVersion: 3.4 },
	);
	return {
		name: 'OMICall caller lookup',
		nodes: [trigger, lookup, caller],
		connections: chain('OMICall Trigger', 'Find caller', 'Caller'),
	};
}

/** n8n's Webhook node → Split Out the body's contacts → Contact Create or Update by reference ID. */
function crmSyncWorkflow(route) {
	const webhook = webhookNode(route, 'lastNode');
	webhook.parameters.responseData = 'noData';
	return {
		name: 'OMICall CRM sync',
		nodes: [
			webhook,
			node('Split Out', 'n8n-nodes-base.splitOut', {
				fieldToSplitOut: 'body.contacts',
				options: {},
			}),
			contactNode('Sync contact', {
				operation: 'upsert',
				matchOn: 'refId',
				refId: '={{ $json.id }}',
				fullName: '={{ $json.name }}',
				additionalFields: {
					phones: { phone: [{ number: '={{ $json.phone }}', kind: 'personal' }] },
					emails: { email: [{ email: '={{ $json.email }}', kind: 'office' }] },
					tags: '={{ $json.tags }}',
				},
				options: {},
			}),
		],
		connections: chain('Webhook', 'Split Out', 'Sync contact'),
	};
}

async function post(url, body) {
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	return { status: response.status, text: await response.text() };
}

beforeAll(async () => {
	stack = await startStack({ apiKey: API_KEY, userFolder });
	({ simulator, n8n, credential } = stack);
});

afterAll(async () => {
	await stack?.stop();
});

test("caller lookup: the trigger's customerNumber finds the contact, and the Set node shows the caller's name", async () => {
	simulator.contactStore.seed({
		contact_id: '64aa00000000000000000001',
		contact_type: 'contact',
		ref_id: 'CRM-1',
		tags: [],
		created_date: Date.now() - 86_400_000,
		last_updated_date: Date.now() - 86_400_000,
		attribute_structure: [
			{
				field_code: 'full_name',
				field_type: 'single_text',
				value: [{ display_value: CALLER.name }],
			},
			{
				field_code: 'phone_number',
				field_type: 'phone',
				value: [{ display_value: CALLER.phone, value_type: 'Cá nhân', data_type: 'personal' }],
			},
		],
	});
	const workflow = await n8n.createWorkflow(callerLookupWorkflow());
	await n8n.activate(workflow.id);
	await waitFor(() => simulator.hooks.get('call'), { what: "the trigger's hook" });
	await simulator.placeCall({ direction: 'inbound', answered: true, customerNumber: CALLER.phone });
	await simulator.placeCall({ direction: 'inbound', answered: true, customerNumber: '0977000111' });
	const executions = await n8n.waitForExecutions(workflow.id, 2);
	await n8n.deactivate(workflow.id);
	expect(executions.map((e) => e.status)).toEqual(['success', 'success']);
	expect(executions.map((e) => nodeOutput(e, 'Caller'))).toEqual([
		[{ callerName: CALLER.name }],
		[{ callerName: 'Unknown caller' }],
	]);
	expect(nodeOutput(executions[0], 'Find caller')[0]).toMatchObject({
		contactId: '64aa00000000000000000001',
		refId: 'CRM-1',
		phones: [{ number: CALLER.phone, kind: 'personal' }],
	});
	expect(nodeOutput(executions[1], 'Find caller')).toEqual([{}]);
});

test('CRM sync: 100 contacts upserted twice leave exactly 100 in OMICall, and the second run writes nothing', async () => {
	const route = 'crm-sync';
	const workflow = await n8n.createWorkflow(crmSyncWorkflow(route));
	await n8n.activate(workflow.id);
	await n8n.webhookReady(route);
	const contacts = Array.from({ length: 100 }, (_, n) => ({
		id: `CRM-${1000 + n}`,
		name: `Khách hàng số ${n + 1} — Đặng Ngọc Lan`,
		phone: `+84 93 ${String(n).padStart(3, '0')} ${String(n).padStart(4, '0')}`,
		email: `khach${n + 1}@example.vn`,
		tags: n % 3 ? 'Khách lẻ' : 'VIP, Đại lý',
	}));
	const before = simulator.contactStore.contacts.length;

	expect((await post(`${n8n.url}/webhook/${route}`, { contacts })).status).toBe(200);
	const store = simulator.contactStore;
	expect(store.contacts.length - before).toBe(100);
	const writesAfterFirst = store.writes.length;
	simulator.resetLog();

	expect((await post(`${n8n.url}/webhook/${route}`, { contacts })).status).toBe(200);
	const executions = await n8n.waitForExecutions(workflow.id, 2);
	await n8n.deactivate(workflow.id);
	expect(executions.map((e) => e.status)).toEqual(['success', 'success']);
	expect(store.contacts.length - before).toBe(100);
	expect(store.writes.length).toBe(writesAfterFirst);
	expect(
		simulator.requests.filter((r) => /\/(add|update)$/.test(r.path)).map((r) => r.path),
	).toEqual([]);
	const synced = nodeOutput(executions[1], 'Sync contact');
	expect(synced).toHaveLength(100);
	expect(synced[41]).toMatchObject({
		refId: 'CRM-1041',
		fullName: 'Khách hàng số 42 — Đặng Ngọc Lan',
		phones: [{ number: '0930410041', kind: 'personal' }],
		emails: [{ email: 'khach42@example.vn', kind: 'office' }],
		tags: ['Khách lẻ'],
	});
	expect(new Set(store.contacts.map((c) => c.ref_id)).size).toBe(store.contacts.length);
});
