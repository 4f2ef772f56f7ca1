/**
 * OMICall Trigger's webhook lifecycle (checkExists, create, delete) run through n8n-core's
 * HookContext the way n8n calls it, over real HTTP to the simulator: activation, restarts,
 * deactivation, somebody else's hook, test listening and OMICall failures.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { OmiCallTrigger } from '../../nodes/OmiCall/OmiCallTrigger.node';
import { buildNode, CREDENTIAL_ID, CredentialStore, hook, type NodeRun } from '../harness/n8n-core';
import { type OmiCallSimulator, startSimulator } from '../harness/simulator';
import { post, startWebhookServer, type WebhookServer } from '../harness/webhook-server';

const API_KEY = 'key-trigger-lifecycle';
const FOREIGN = 'https://crm.example.com/omicall?token=crm-private-value';
const trigger = new OmiCallTrigger();

let simulator: OmiCallSimulator;
let store: CredentialStore;
let server: WebhookServer;

beforeEach(async () => {
	simulator = await startSimulator({ apiKeys: [API_KEY] });
	server = await startWebhookServer();
	store = new CredentialStore();
	store.set(CREDENTIAL_ID, { baseUrl: simulator.url, authentication: 'apiKey', apiKey: API_KEY, sessionToken: '' });
});
afterEach(async () => {
	await simulator.stop();
	await server.stop();
});

/** One workflow's trigger; `staticData` stands for what n8n keeps in its database. */
function workflowTrigger(parameters: INodeParameters = {}, staticData: IDataObject = {}): NodeRun {
	return buildNode(trigger, { triggerOn: 'call', events: ['cdr'], ...parameters }, store, {
		staticData,
		webhookBaseUrl: server.url,
		webhookId: 'a1b2c3d4-0000-4000-8000-00000000cafe',
	});
}

/** What n8n does on activation and on every start: checkExists, then create only if needed. */
async function activate(run: NodeRun, isTest = false): Promise<void> {
	if (!(await hook(run, trigger, 'checkExists', { isTest }))) await hook(run, trigger, 'create', { isTest });
}

function nodeState(run: NodeRun): IDataObject {
	return run.workflow.staticData[`node:${run.node.name}`] as IDataObject;
}

const productionUrl = (secret: unknown) => `${server.url}/webhook/a1b2c3d4-0000-4000-8000-00000000cafe/webhook?secret=${String(secret)}`;
const testUrl = (secret: unknown) => `${server.url}/webhook-test/a1b2c3d4-0000-4000-8000-00000000cafe/webhook?secret=${String(secret)}`;
const calls = () => simulator.requests.filter((r) => r.path !== '/api/auth').map((r) => r.path.replace('/api/webhooks/', ''));

describe('activation', () => {
	it('registers n8n\'s production URL with a fresh secret in two OMICall calls', async () => {
		const run = workflowTrigger();
		await activate(run);
		const { secret } = nodeState(run);
		expect(secret).toMatch(/^[0-9a-f]{48}$/); // 192 bits
		expect(simulator.hooks.get('call')).toEqual({ url: productionUrl(secret), type: 'call', status: 'actived', events: ['hangup'] });
		expect(calls()).toEqual(['list', 'register']);
	});

	it('registers the OMICall events the selection needs', async () => {
		await activate(workflowTrigger({ events: ['ringing', 'cdr', 'answered'] }));
		expect(simulator.hooks.get('call')?.events).toEqual(['ringing', 'answered', 'hangup']);
	});

	it('uses two secrets for two activations', async () => {
		const first = workflowTrigger();
		await activate(first);
		await hook(first, trigger, 'delete');
		const second = workflowTrigger();
		await activate(second);
		expect(nodeState(second).secret).not.toBe(undefined);
		expect(nodeState(second).secret).not.toBe(nodeState(first).secret);
	});

	it('on an n8n restart, makes one list call, registers nothing and keeps the secret', async () => {
		const first = workflowTrigger();
		await activate(first);
		const saved = JSON.parse(JSON.stringify(first.workflow.staticData));
		simulator.resetLog();

		const restarted = workflowTrigger({}, saved);
		await activate(restarted);
		expect(calls()).toEqual(['list']);
		expect(nodeState(restarted).secret).toBe(nodeState(first).secret);
		expect(simulator.hooks.get('call')?.url).toBe(productionUrl(nodeState(first).secret));
	});

	it('registers again after a restart when somebody replaced the hook, and restores theirs later', async () => {
		const run = workflowTrigger();
		await activate(run);
		simulator.hooks.set('call', { url: FOREIGN, type: 'call', status: 'actived', events: ['hangup'] });
		const restarted = workflowTrigger({}, JSON.parse(JSON.stringify(run.workflow.staticData)));
		await activate(restarted);
		expect(simulator.hooks.get('call')?.url).toBe(productionUrl(nodeState(restarted).secret));
		await hook(restarted, trigger, 'delete');
		expect(simulator.hooks.get('call')?.url).toBe(FOREIGN);
	});
});

describe('deactivation', () => {
	it('destroys its own hook in two calls and forgets the secret', async () => {
		const run = workflowTrigger();
		await activate(run);
		simulator.resetLog();
		await hook(run, trigger, 'delete');
		expect(simulator.hooks.has('call')).toBe(false);
		expect(calls()).toEqual(['list', 'destroy']);
		expect(nodeState(run)).toEqual({});
	});

	it('leaves a hook that somebody registered after activation untouched', async () => {
		const run = workflowTrigger();
		await activate(run);
		simulator.hooks.set('call', { url: FOREIGN, type: 'call', status: 'actived', events: ['hangup'] });
		simulator.resetLog();
		await hook(run, trigger, 'delete');
		expect(calls()).toEqual(['list']);
		expect(simulator.hooks.get('call')).toMatchObject({ url: FOREIGN, events: ['hangup'] });
	});

	it('replaces a hook registered before and restores it, with all three events, on deactivation', async () => {
		simulator.hooks.set('call', { url: FOREIGN, type: 'call', status: 'actived', events: ['hangup'] });
		const run = workflowTrigger();
		await activate(run);
		expect(simulator.hooks.get('call')?.url).toBe(productionUrl(nodeState(run).secret));
		simulator.resetLog();
		await hook(run, trigger, 'delete');
		expect(simulator.hooks.get('call')).toEqual({ url: FOREIGN, type: 'call', status: 'actived', events: ['ringing', 'answered', 'hangup'] });
		// Registering the previous URL replaces ours: no destroy in between, no moment without a hook.
		expect(calls()).toEqual(['list', 'register']);
	});

	it('does nothing when it never registered', async () => {
		simulator.hooks.set('call', { url: FOREIGN, type: 'call', status: 'actived', events: null });
		await hook(workflowTrigger(), trigger, 'delete');
		expect(calls()).toEqual([]);
		expect(simulator.hooks.get('call')?.url).toBe(FOREIGN);
	});
});

describe('"Fail Activation"', () => {
	it('refuses to replace another URL, names it with query values hidden, and registers nothing', async () => {
		simulator.hooks.set('call', { url: FOREIGN, type: 'call', status: 'actived', events: ['hangup'] });
		const run = workflowTrigger({ options: { onConflict: 'fail' } });
		const error = await activate(run).then(() => undefined, (e: Error) => e);
		expect(error?.message).toBe('OMICall already sends call events to https://crm.example.com/omicall?token=***, so this trigger was not activated.');
		expect(JSON.stringify(error)).not.toContain('crm-private-value');
		expect(simulator.hooks.get('call')?.url).toBe(FOREIGN);
		expect(simulator.count('/api/webhooks/register')).toBe(0);
		expect(nodeState(run)?.secret).toBeUndefined();
	});

	it('activates normally when no other hook is there', async () => {
		const run = workflowTrigger({ options: { onConflict: 'fail' } });
		await activate(run);
		expect(simulator.hooks.get('call')?.url).toBe(productionUrl(nodeState(run).secret));
	});
});

describe('test listening while the production workflow is active', () => {
	it('borrows the hook for the test and gives production its hook back afterwards', async () => {
		const production = workflowTrigger();
		await activate(production);
		server.production = { run: production, nodeType: trigger };
		const productionHook = simulator.hooks.get('call')?.url;

		// "Listen for test event": empty in-memory static data, test URL.
		const listening = workflowTrigger();
		await activate(listening, true);
		server.test = { run: listening, nodeType: trigger };
		expect(simulator.hooks.get('call')?.url).toBe(testUrl(nodeState(listening).secret));

		await simulator.placeCall({ direction: 'inbound' });
		expect(server.runs).toHaveLength(1);
		await hook(listening, trigger, 'delete', { isTest: true });

		expect(simulator.hooks.get('call')?.url).toBe(productionHook);
		simulator.resetLog();
		expect(await hook(production, trigger, 'checkExists')).toBe(true);
		await simulator.placeCall({ direction: 'outbound' });
		expect(server.runs).toHaveLength(2);
		expect(server.runs[1][0].json.direction).toBe('outbound');
	});
});

describe('when OMICall fails', () => {
	it('during create: the error is visible and nothing is half-registered', async () => {
		const run = workflowTrigger();
		simulator.injectFault('/api/webhooks/register', { status: 503, body: 'Service Unavailable', contentType: 'text/plain' });
		const error = await activate(run).then(() => undefined, (e: Error) => e);
		expect(error?.message).toContain('(HTTP 503)');
		expect(simulator.hooks.has('call')).toBe(false);
		expect(nodeState(run)?.secret).toBeUndefined();

		// The next activation works from a clean slate.
		await activate(run);
		expect(simulator.hooks.get('call')?.url).toBe(productionUrl(nodeState(run).secret));
	});

	it('during create when OMICall is unreachable', async () => {
		const run = workflowTrigger();
		const url = simulator.url;
		await simulator.stop();
		const error = await activate(run).then(() => undefined, (e: Error) => e);
		expect(error?.message).toContain(`Could not reach OMICall at ${url}`);
		expect(nodeState(run)?.secret).toBeUndefined();
		simulator = await startSimulator();
	});

	it('during delete: the error is thrown and the trigger still knows its hook, so a retry cleans up', async () => {
		const run = workflowTrigger();
		await activate(run);
		const { secret } = nodeState(run);
		simulator.injectFault('/api/webhooks/destroy', { body: { status_code: -9999, message: 'internal_error' } });
		const error = await hook(run, trigger, 'delete').then(() => undefined, (e: Error) => e);
		expect(error?.message).toBe('OMICall answered with the error "internal_error". (OMICall code: internal_error)');
		expect(nodeState(run).secret).toBe(secret);
		expect(simulator.hooks.get('call')?.url).toBe(productionUrl(secret));

		await hook(run, trigger, 'delete');
		expect(simulator.hooks.has('call')).toBe(false);
	});
});

describe('contact mode', () => {
	it('registers the contact hook without events and leaves the call hook alone', async () => {
		simulator.hooks.set('call', { url: FOREIGN, type: 'call', status: 'actived', events: null });
		const run = workflowTrigger({ triggerOn: 'contact' });
		await activate(run);
		expect(simulator.hooks.get('contact')).toEqual({ url: productionUrl(nodeState(run).secret), type: 'contact', status: 'actived', events: null });
		await hook(run, trigger, 'delete');
		expect(simulator.hooks.has('contact')).toBe(false);
		expect(simulator.hooks.get('call')?.url).toBe(FOREIGN);
	});
});

describe('the registered URL accepts only its secret', () => {
	it('401 without or with a wrong secret, a run with the right one', async () => {
		const run = workflowTrigger();
		await activate(run);
		server.production = { run, nodeType: trigger };
		const registered = simulator.hooks.get('call')!.url;
		const record = { state: 'cdr', transaction_id: 't-1', direction: 'inbound' };

		const missing = await post(registered.replace(/\?.*$/, ''), record);
		const wrong = await post(registered.replace(/secret=[0-9a-f]+/, `secret=${'0'.repeat(48)}`), record);
		const short = await post(registered.replace(/secret=[0-9a-f]+/, 'secret=1'), record);
		expect([missing.status, wrong.status, short.status]).toEqual([401, 401, 401]);
		expect(missing.body.error).toMatch(/^Missing or wrong secret/);
		expect(server.runs).toHaveLength(0);

		const right = await post(registered, record);
		expect(right).toEqual({ status: 200, body: {} });
		expect(server.runs).toHaveLength(1);
	});
});
