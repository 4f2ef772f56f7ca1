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
	Object.fromEntries(names.slice(0, -1).map((name, i) => [name, { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] }]));

/** n8n's own Webhook node (version 2) at /webhook/<path>. */
const webhookNode = (path, responseMode) =>
	node('Webhook', 'n8n-nodes-base.webhook', { httpMethod: 'POST', path, responseMode, options: {} }, { typeVersion: 2, webhookId: crypto.randomUUID() });

const credentialsOf = (type, credential) => ({ [type]: { id: credential.id, name: credential.name } });

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
		node('OMICall Trigger', 'n8n-nodes-omicall.omiCallTrigger', { triggerOn: 'call', events: ['cdr'], ...parameters }, {
			typeVersion: 1.1,
			webhookId: crypto.randomUUID(),
			credentials: credentialsOf('omiCallApi', credential),
		}),
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
			node('Register', 'n8n-nodes-omicall.omiCall', { resource: 'webhook', operation: 'register', webhookType: 'call', url: '={{ $json.body.url }}', events: ['hangup'] }, { credentials }),
			node('List', 'n8n-nodes-omicall.omiCall', { resource: 'webhook', operation: 'list', options: { type: 'call' } }, { credentials }),
			node('Destroy', 'n8n-nodes-omicall.omiCall', { resource: 'webhook', operation: 'destroy', webhookType: 'call' }, { credentials }),
		],
		connections: chain('Webhook', 'Register', 'List', 'Destroy'),
	};
}

module.exports = { node, chain, webhookNode, credentialsOf, triggeredWorkflow, triggerWorkflow, actionWorkflow };
