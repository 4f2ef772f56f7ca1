'use strict';
// Workflows the end-to-end tests, `npm start` and the benchmarks create in n8n.
const crypto = require('node:crypto');

const node = (name, type, parameters, extra = {}) => ({
	id: crypto.randomUUID(),
	name,
	type,
	typeVersion: 1,
	position: [0, 0],
	parameters,
	...extra,
});

const chain = (...names) =>
	Object.fromEntries(
		names
			.slice(0, -1)
			.map((name, i) => [name, { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] }]),
	);

/** n8n's own Webhook node (version 2) at /webhook/<path>. */
const webhookNode = (path, responseMode) =>
	node(
		'Webhook',
		'n8n-nodes-base.webhook',
		{ httpMethod: 'POST', path, responseMode, options: {} },
		{ typeVersion: 2, webhookId: crypto.randomUUID() },
	);

const credentialsOf = (type, credential) => ({
	[type]: { id: credential.id, name: credential.name },
});

/** `trigger` → "Show call" (a node that passes each item on, to read it in the execution). */
function triggeredWorkflow(name, trigger) {
	return {
		name,
		nodes: [trigger, node('Show call', 'n8n-nodes-base.noOp', {}, { position: [240, 0] })],
		connections: chain(trigger.name, 'Show call'),
	};
}

/** OMICall Trigger → "Show call". */
function triggerWorkflow(credential, parameters = {}, name = 'OMICall calls') {
	return triggeredWorkflow(
		name,
		node(
			'OMICall Trigger',
			'n8n-nodes-omicall.omiCallTrigger',
			{ triggerOn: 'call', events: ['cdr'], ...parameters },
			{
				typeVersion: 1.1,
				webhookId: crypto.randomUUID(),
				credentials: credentialsOf('omiCallApi', credential),
			},
		),
	);
}

/**
 * n8n's Webhook node → OMICall Register → List → Destroy: the action node driven by an HTTP
 * call, since n8n's API runs no manual trigger. The URL to register comes in the request body.
 */
function actionWorkflow(credential, path) {
	const credentials = credentialsOf('omiCallApi', credential);
	return {
		name: 'OMICall webhook admin',
		nodes: [
			webhookNode(path, 'lastNode'),
			node(
				'Register',
				'n8n-nodes-omicall.omiCall',
				{
					resource: 'webhook',
					operation: 'register',
					webhookType: 'call',
					url: '={{ $json.body.url }}',
					events: ['hangup'],
				},
				{ credentials },
			),
			node(
				'List',
				'n8n-nodes-omicall.omiCall',
				{ resource: 'webhook', operation: 'list', options: { type: 'call' } },
				{ credentials },
			),
			node(
				'Destroy',
				'n8n-nodes-omicall.omiCall',
				{ resource: 'webhook', operation: 'destroy', webhookType: 'call' },
				{ credentials },
			),
		],
		connections: chain('Webhook', 'Register', 'List', 'Destroy'),
	};
}

/** The OMICall action node on the Call resource; `callId` is an expression for the transaction ID. */
const callNode = (name, credential, operation, parameters, callId) =>
	node(
		name,
		'n8n-nodes-omicall.omiCall',
		{
			resource: 'call',
			operation,
			...(callId ? { callId: { __rl: true, mode: 'id', value: callId } } : {}),
			...parameters,
		},
		{ credentials: credentialsOf('omiCallApi', credential) },
	);

/** OMICall Get Many with Return All over the request body's `from` and `to` (ISO 8601), other filters as given. */
const getManyNode = (credential, filters = {}) =>
	callNode('Get Many', credential, 'getMany', {
		returnAll: true,
		filters: { from: '={{ $json.body.from }}', to: '={{ $json.body.to }}', ...filters },
		options: {},
	});

/**
 * The call history chain: n8n's Webhook node → OMICall Get Many (answered calls between the
 * request body's `from` and `to`, all of them) → Update (each call's note: the body's `note`,
 * taken through the item's pairing back to the Webhook) → Download Recording (into `data`).
 * The HTTP answer is every item of the last node, as JSON.
 */
function callHistoryWorkflow(credential, path) {
	const callId = '={{ $json.callId }}';
	const webhook = webhookNode(path, 'lastNode');
	webhook.parameters.responseData = 'allEntries';
	return {
		name: 'OMICall call history: annotate and archive',
		nodes: [
			webhook,
			getManyNode(credential, { answeredOnly: true }),
			callNode(
				'Update',
				credential,
				'update',
				{ updateFields: { note: "={{ $('Webhook').item.json.body.note }}" }, options: {} },
				callId,
			),
			callNode(
				'Download Recording',
				credential,
				'downloadRecording',
				{ binaryPropertyName: 'data' },
				callId,
			),
		],
		connections: chain('Webhook', 'Get Many', 'Update', 'Download Recording'),
	};
}

/** n8n's Webhook node → OMICall Get of the call whose transaction ID is the body's `callId`; answers with the call. */
function callLookupWorkflow(credential, path) {
	return {
		name: 'OMICall call lookup',
		nodes: [
			webhookNode(path, 'lastNode'),
			callNode('Get', credential, 'get', { options: {} }, '={{ $json.body.callId }}'),
		],
		connections: chain('Webhook', 'Get'),
	};
}

/**
 * n8n's Webhook node → OMICall Get Many, Return All between the body's `from` and `to`: the
 * benchmark's search. It answers, without data, when the run has finished; the items are read
 * from the execution.
 */
function callSearchWorkflow(credential, path) {
	const webhook = webhookNode(path, 'lastNode');
	webhook.parameters.responseData = 'noData';
	return {
		name: 'OMICall call search (Return All)',
		nodes: [webhook, getManyNode(credential)],
		connections: chain('Webhook', 'Get Many'),
	};
}

/**
 * OMICall Call History Trigger → "Show call". Polls on a yearly cron by default, so that in tests
 * the polls are the ones n8n runs at each activation and each start (n8n refuses sub-minute polls).
 */
function historyTriggerWorkflow(credential, parameters = {}, name = 'OMICall call history') {
	return triggeredWorkflow(
		name,
		node(
			'OMICall Call History Trigger',
			'n8n-nodes-omicall.omiCallCallHistoryTrigger',
			{
				pollTimes: { item: [{ mode: 'custom', cronExpression: '0 0 1 1 *' }] },
				...parameters,
			},
			{ credentials: credentialsOf('omiCallApi', credential) },
		),
	);
}

module.exports = {
	node,
	chain,
	webhookNode,
	credentialsOf,
	triggeredWorkflow,
	triggerWorkflow,
	actionWorkflow,
	callHistoryWorkflow,
	callLookupWorkflow,
	callSearchWorkflow,
	historyTriggerWorkflow,
};
