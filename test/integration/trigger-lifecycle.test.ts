/**
 * OMICall Trigger's webhook lifecycle (checkExists, create, delete) run through n8n-core's
 * HookContext the way n8n calls it, over real HTTP to the simulator: activation, restarts,
 * deactivation, somebody else's hook, test listening, several triggers on one account and
 * OMICall failing before or after it applied a change.
 */
import { createHash } from 'node:crypto';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { buildNode, CredentialStore, hook, type NodeRun, apiKeyStore } from '../harness/n8n-core';
import { type OmiCallSimulator, startSimulator } from '../harness/simulator';
import {
	pathOf,
	productionPath,
	secretOf,
	testPath,
	trigger,
	TriggerFleet,
} from '../harness/triggers';
import { post, startWebhookServer, type WebhookServer } from '../harness/webhook-server';

const API_KEY = 'key-trigger-lifecycle';
const FOREIGN = 'https://crm.example.com/omicall?token=crm-private-value';
const WEBHOOK_ID = 'a1b2c3d4-0000-4000-8000-00000000cafe';

let simulator: OmiCallSimulator;
let store: CredentialStore;
let server: WebhookServer;
let fleet: TriggerFleet;

beforeEach(async () => {
	simulator = await startSimulator({ apiKeys: [API_KEY] });
	server = await startWebhookServer();
	store = apiKeyStore(simulator.url, API_KEY);
	fleet = new TriggerFleet(server, store, { retryDelayMs: 5 });
});
afterEach(async () => {
	await simulator.stop();
	await server.stop();
});

/** One workflow's trigger; `staticData` stands for what n8n keeps in its database. */
function workflowTrigger(
	parameters: INodeParameters = {},
	staticData: IDataObject = {},
	webhookId = WEBHOOK_ID,
): NodeRun {
	return fleet.trigger(webhookId, parameters, staticData);
}

/** What n8n does on activation and on every start: checkExists, then create only if needed. */
async function activate(run: NodeRun, isTest = false): Promise<void> {
	server.serve({ run, nodeType: trigger }, isTest);
	if (!(await hook(run, trigger, 'checkExists', { isTest })))
		await hook(run, trigger, 'create', { isTest });
}

function nodeState(run: NodeRun): IDataObject {
	return run.workflow.staticData[`node:${run.node.name}`] as IDataObject;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const registered = (type = 'call') => simulator.hooks.get(type)?.url;
const calls = () =>
	simulator.requests
		.filter((r) => r.path !== '/api/auth')
		.map((r) => r.path.replace('/api/webhooks/', ''));
const place = async () =>
	(await simulator.placeCall({ direction: 'inbound' })).events.map((e) => e.status);

describe('activation', () => {
	it("registers n8n's production URL with a fresh secret in two OMICall calls, and keeps only its hash", async () => {
		const run = workflowTrigger();
		await activate(run);
		const url = registered()!;
		const secret = secretOf(url)!;
		expect(secret).toMatch(/^[0-9a-f]{48}$/); // 192 bits
		expect(pathOf(url)).toBe(productionPath(run));
		expect(new URL(url).origin).toBe(server.url);
		expect(simulator.hooks.get('call')).toMatchObject({
			type: 'call',
			status: 'actived',
			events: ['hangup'],
		});
		expect(calls()).toEqual(['list', 'register']);
		// Static data is stored unencrypted and returned by n8n's public API: no secret, no URL in it.
		expect(nodeState(run)).toEqual({ secretHash: sha256(secret) });
	});

	it('registers the OMICall events the selection needs', async () => {
		await activate(workflowTrigger({ events: ['ringing', 'cdr', 'answered'] }));
		expect(simulator.hooks.get('call')?.events).toEqual(['ringing', 'answered', 'hangup']);
	});

	it('uses two secrets for two activations', async () => {
		const first = workflowTrigger();
		await activate(first);
		const firstSecret = secretOf(registered());
		await hook(first, trigger, 'delete');
		await activate(workflowTrigger());
		expect(secretOf(registered())).toMatch(/^[0-9a-f]{48}$/);
		expect(secretOf(registered())).not.toBe(firstSecret);
	});

	it('on an n8n restart, makes one list call, registers nothing and keeps the secret', async () => {
		const first = workflowTrigger();
		await activate(first);
		const before = registered();
		const saved = JSON.parse(JSON.stringify(first.workflow.staticData));
		simulator.resetLog();

		const restarted = workflowTrigger({}, saved);
		await activate(restarted);
		expect(calls()).toEqual(['list']);
		expect(nodeState(restarted)).toEqual(nodeState(first));
		expect(registered()).toBe(before);
	});

	it('registers again after a restart when somebody replaced the hook, and restores theirs later', async () => {
		const run = workflowTrigger();
		await activate(run);
		simulator.hooks.set('call', {
			url: FOREIGN,
			type: 'call',
			status: 'actived',
			events: ['hangup'],
		});
		const restarted = workflowTrigger({}, JSON.parse(JSON.stringify(run.workflow.staticData)));
		await activate(restarted);
		expect(pathOf(registered())).toBe(productionPath(restarted));
		await hook(restarted, trigger, 'delete');
		expect(registered()).toBe(FOREIGN);
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
		simulator.hooks.set('call', {
			url: FOREIGN,
			type: 'call',
			status: 'actived',
			events: ['hangup'],
		});
		simulator.resetLog();
		await hook(run, trigger, 'delete');
		expect(calls()).toEqual(['list']);
		expect(simulator.hooks.get('call')).toMatchObject({ url: FOREIGN, events: ['hangup'] });
	});

	it('replaces a hook registered before and restores it, with all three events, on deactivation', async () => {
		simulator.hooks.set('call', {
			url: FOREIGN,
			type: 'call',
			status: 'actived',
			events: ['hangup'],
		});
		const run = workflowTrigger();
		await activate(run);
		expect(pathOf(registered())).toBe(productionPath(run));
		// The URL it replaced is not kept in n8n's unencrypted static data, nor sent with events.
		expect(JSON.stringify(run.workflow.staticData)).not.toContain('crm');
		await place();
		expect(server.requestTargets).toHaveLength(4);
		for (const target of server.requestTargets)
			expect(target).toMatch(/^\/webhook\/[\w-]+\/webhook\?secret=[0-9a-f]{48}$/);
		simulator.resetLog();
		await hook(run, trigger, 'delete');
		expect(simulator.hooks.get('call')).toEqual({
			url: FOREIGN,
			type: 'call',
			status: 'actived',
			events: ['ringing', 'answered', 'hangup'],
		});
		// Registering the previous URL replaces ours: no destroy in between, no moment without a hook.
		expect(calls()).toEqual(['list', 'register']);
	});

	it('does nothing when it never registered', async () => {
		simulator.hooks.set('call', { url: FOREIGN, type: 'call', status: 'actived', events: null });
		await hook(workflowTrigger(), trigger, 'delete');
		expect(calls()).toEqual([]);
		expect(registered()).toBe(FOREIGN);
	});
});

describe('"Fail Activation"', () => {
	it('refuses to replace another URL, names only its scheme and host, and registers nothing', async () => {
		simulator.hooks.set('call', {
			url: 'https://user:pass@hooks.zapier.com/hooks/catch/123/abc-token/?token=crm-private-value#frag',
			type: 'call',
			status: 'actived',
			events: ['hangup'],
		});
		const run = workflowTrigger({ options: { onConflict: 'fail' } });
		const error = await activate(run).then(
			() => undefined,
			(e: Error) => e,
		);
		expect(error?.message).toBe(
			'OMICall already sends call events to https://hooks.zapier.com/…, so this trigger was not activated.',
		);
		for (const secret of ['crm-private-value', 'abc-token', 'pass', 'frag'])
			expect(JSON.stringify(error)).not.toContain(secret);
		expect(simulator.count('/api/webhooks/register')).toBe(0);
		expect(nodeState(run)?.secretHash).toBeUndefined();
	});

	it('activates normally when no other hook is there', async () => {
		const run = workflowTrigger({ options: { onConflict: 'fail' } });
		await activate(run);
		expect(pathOf(registered())).toBe(productionPath(run));
	});

	it("does not count a stopped trigger's URL as another webhook", async () => {
		const gone = workflowTrigger({}, {}, 'gone-trigger');
		await activate(gone);
		server.unserve({ run: gone, nodeType: trigger }); // its workflow was deleted without deactivation
		const run = workflowTrigger({ options: { onConflict: 'fail' } });
		await activate(run);
		expect(pathOf(registered())).toBe(productionPath(run));
	});
});

describe('test listening while the production workflow is active', () => {
	it('borrows the hook for the test and gives production its hook back afterwards', async () => {
		const production = workflowTrigger();
		await fleet.activate(production);
		const productionHook = registered();

		const listening = await fleet.listen(WEBHOOK_ID);
		expect(pathOf(registered())).toBe(testPath(listening));

		await simulator.placeCall({ direction: 'inbound' });
		expect(server.runs).toHaveLength(1);
		await fleet.stopListening(listening);

		expect(registered()).toBe(productionHook);
		simulator.resetLog();
		expect(await hook(production, trigger, 'checkExists')).toBe(true);
		await simulator.placeCall({ direction: 'outbound' });
		expect(server.runs).toHaveLength(2);
		expect(server.runs[1][0].json.direction).toBe('outbound');
	});

	it('a re-publish during the listen never leaves the dead test URL behind', async () => {
		simulator.hooks.set('call', {
			url: FOREIGN,
			type: 'call',
			status: 'actived',
			events: ['hangup'],
		});
		const production = workflowTrigger();
		await fleet.activate(production);
		const listening = await fleet.listen(WEBHOOK_ID);
		// Publishing again: n8n deactivates and activates the production trigger.
		expect(await fleet.deactivate(production)).toEqual([]);
		await fleet.activate(production);
		expect(pathOf(registered())).toBe(productionPath(production));
		await fleet.stopListening(listening);
		expect(pathOf(registered())).toBe(productionPath(production));
		expect(await place()).toEqual([200, 200, 200, 200]);

		expect(await fleet.deactivate(production)).toEqual([]);
		expect(registered()).toBe(FOREIGN);
	});

	it('production stopping during the listen leaves the hook to the listen, which gives back the original', async () => {
		simulator.hooks.set('call', {
			url: FOREIGN,
			type: 'call',
			status: 'actived',
			events: ['hangup'],
		});
		const production = workflowTrigger();
		await fleet.activate(production);
		const listening = await fleet.listen(WEBHOOK_ID);
		expect(await fleet.deactivate(production)).toEqual([]);
		expect(pathOf(registered())).toBe(testPath(listening));
		await fleet.stopListening(listening);
		expect(registered()).toBe(FOREIGN);
	});
});

describe('several triggers on one account', () => {
	it('deactivated in the order they were activated, the original URL comes back', async () => {
		simulator.hooks.set('call', {
			url: FOREIGN,
			type: 'call',
			status: 'actived',
			events: ['hangup'],
		});
		const a = workflowTrigger({}, {}, 'trigger-a');
		const b = workflowTrigger({}, {}, 'trigger-b');
		await fleet.activate(a);
		await fleet.activate(b);
		expect(pathOf(registered())).toBe(productionPath(b));
		expect(await fleet.deactivate(a)).toEqual([]);
		expect(pathOf(registered())).toBe(productionPath(b));
		expect(await fleet.deactivate(b)).toEqual([]);
		expect(registered()).toBe(FOREIGN);
	});

	it('deactivated in reverse order, each gives the hook to the one before', async () => {
		simulator.hooks.set('call', {
			url: FOREIGN,
			type: 'call',
			status: 'actived',
			events: ['hangup'],
		});
		const a = workflowTrigger({ events: ['ringing', 'cdr'] }, {}, 'trigger-a');
		const b = workflowTrigger({}, {}, 'trigger-b');
		await fleet.activate(a);
		const aHook = registered();
		await fleet.activate(b);
		await fleet.deactivate(b);
		// A gets its own URL and secret back, and the events it had chosen.
		expect(registered()).toBe(aHook);
		expect(simulator.hooks.get('call')?.events).toEqual(['ringing', 'hangup']);
		expect(await place()).toEqual([200, 200, 200, 200]);
		expect(server.runs).toHaveLength(2); // ringing and the call record
		await fleet.deactivate(a);
		expect(registered()).toBe(FOREIGN);
	});

	it('two triggers in one workflow: activated and deactivated together, the original URL comes back', async () => {
		simulator.hooks.set('call', {
			url: FOREIGN,
			type: 'call',
			status: 'actived',
			events: ['hangup'],
		});
		const pair = [workflowTrigger({}, {}, 'pair-1'), workflowTrigger({}, {}, 'pair-2')];
		// The first list answer comes late: one trigger sees the other's URL, as under load.
		simulator.slowDown('/api/webhooks/list', 100);
		await fleet.activateTogether(pair);
		expect(pair.map(productionPath)).toContain(pathOf(registered()));
		expect(await place()).toEqual([200, 200, 200, 200]);
		await fleet.deactivateTogether(pair);
		expect(registered()).toBe(FOREIGN);
	});
});

describe('asking an earlier trigger whether it still takes the events', () => {
	beforeEach(() =>
		simulator.hooks.set('call', {
			url: FOREIGN,
			type: 'call',
			status: 'actived',
			events: ['hangup'],
		}),
	);

	it('a trigger that did not answer once keeps its place in the chain', async () => {
		const [a, b, c] = ['probe-a', 'probe-b', 'probe-c'].map((id) => workflowTrigger({}, {}, id));
		for (const run of [a, b, c]) await fleet.activate(run);
		server.failProbes(productionPath(b), 502);
		await fleet.deactivate(c);
		expect(pathOf(registered())).toBe(productionPath(a)); // B did not answer: A, which did, gets it
		await fleet.deactivate(a);
		expect(pathOf(registered())).toBe(productionPath(b)); // B answers now and is still active
		await fleet.deactivate(b);
		expect(registered()).toBe(FOREIGN);
	});

	it('when n8n cannot reach its own public URL, a trigger of this n8n still gets the hook back', async () => {
		const a = workflowTrigger({}, {}, 'hairpin-a');
		const b = workflowTrigger({}, {}, 'hairpin-b');
		await fleet.activate(a);
		await fleet.activate(b);
		server.failProbes(productionPath(a), 'reset', Infinity);
		await fleet.deactivate(b);
		expect(pathOf(registered())).toBe(productionPath(a));
		await fleet.deactivate(a);
		expect(registered()).toBe(FOREIGN);
	});

	it('a trigger re-published for contact changes is not given the call hook with its old secret', async () => {
		const a = workflowTrigger({}, {}, 'moved-a');
		const b = workflowTrigger({}, {}, 'moved-b');
		await fleet.activate(a);
		await fleet.activate(b);
		await fleet.deactivate(a);
		a.node.parameters.triggerOn = 'contact';
		await fleet.activate(a);
		await fleet.deactivate(b);
		expect(registered()).toBe(FOREIGN);
		expect(pathOf(registered('contact'))).toBe(productionPath(a));
	});

	it("another system's URL that merely looks like a trigger's is the original, and comes back", async () => {
		const lookalike = `https://crm.example.com/hooks/webhook?secret=${'ab'.repeat(24)}`;
		simulator.hooks.set('call', {
			url: lookalike,
			type: 'call',
			status: 'actived',
			events: ['hangup'],
		});
		const run = workflowTrigger();
		await fleet.activate(run);
		await fleet.deactivate(run);
		expect(registered()).toBe(lookalike);
	});

	it("after n8n's public URL changed, the trigger still knows its own hook and gives back the original", async () => {
		const run = workflowTrigger();
		await fleet.activate(run);
		// Restarted with another WEBHOOK_URL (n8n 2.x runs no hook method at start): same path, other host.
		const moved = buildNode(trigger, run.node.parameters, store, {
			staticData: JSON.parse(JSON.stringify(run.workflow.staticData)),
			webhookBaseUrl: server.url.replace('127.0.0.1', 'localhost'),
			webhookId: WEBHOOK_ID,
		});
		await hook(moved, trigger, 'delete');
		expect(registered()).toBe(FOREIGN);
	});
});

describe('when OMICall fails', () => {
	it('during create: the error is visible and nothing is half-registered', async () => {
		const run = workflowTrigger();
		simulator.injectFault('/api/webhooks/register', {
			status: 503,
			body: 'Service Unavailable',
			contentType: 'text/plain',
		});
		const error = await activate(run).then(
			() => undefined,
			(e: Error) => e,
		);
		expect(error?.message).toContain('(HTTP 503)');
		expect(simulator.hooks.has('call')).toBe(false);
		expect(nodeState(run)?.secretHash).toBeUndefined();

		// The next activation works from a clean slate.
		await activate(run);
		expect(pathOf(registered())).toBe(productionPath(run));
	});

	it('during create when OMICall is unreachable', async () => {
		const run = workflowTrigger();
		const url = simulator.url;
		await simulator.stop();
		const error = await activate(run).then(
			() => undefined,
			(e: Error) => e,
		);
		expect(error?.message).toContain(`Could not reach OMICall at ${url}`);
		simulator = await startSimulator();
	});

	it.each([
		['a 504 after OMICall applied it', { status: 504 }],
		['a dropped connection after OMICall applied it', { drop: true }],
	])(
		'a register answer lost (%s): activation succeeds and deactivation still restores the original',
		async (_label, fault) => {
			simulator.hooks.set('call', {
				url: FOREIGN,
				type: 'call',
				status: 'actived',
				events: ['hangup'],
			});
			const run = workflowTrigger();
			simulator.loseAnswer('/api/webhooks/register', fault);
			await fleet.activate(run);
			expect(pathOf(registered())).toBe(productionPath(run));
			expect(secretOf(registered()) && sha256(secretOf(registered())!)).toBe(
				nodeState(run).secretHash,
			);
			expect(await place()).toEqual([200, 200, 200, 200]);
			expect(await fleet.deactivate(run)).toEqual([]);
			expect(registered()).toBe(FOREIGN);
		},
	);

	it("a register answer lost and the check after it too: n8n's retry still restores the original", async () => {
		simulator.hooks.set('call', {
			url: FOREIGN,
			type: 'call',
			status: 'actived',
			events: ['hangup'],
		});
		const run = workflowTrigger();
		simulator.loseAnswer('/api/webhooks/register', { drop: true });
		simulator.injectFault('/api/webhooks/list', {
			status: 502,
			body: 'Bad Gateway',
			contentType: 'text/plain',
			times: 2,
		});
		await fleet.activate(run); // n8n: create fails, delete fails, retry
		expect(pathOf(registered())).toBe(productionPath(run));
		expect(await fleet.deactivate(run)).toEqual([]);
		expect(registered()).toBe(FOREIGN);
	});

	it("OMICall refuses the original URL on deactivation: the trigger's own hook is still removed", async () => {
		simulator.hooks.set('call', {
			url: FOREIGN,
			type: 'call',
			status: 'actived',
			events: ['hangup'],
		});
		const run = workflowTrigger();
		await fleet.activate(run);
		simulator.refuseUrl(FOREIGN);
		expect(await fleet.deactivate(run)).toEqual([]);
		expect(simulator.hooks.has('call')).toBe(false);
		expect(nodeState(run)).toEqual({});
	});

	it("OMICall unreachable for longer than n8n's retries: the error names the fix, and the fix works", async () => {
		simulator.hooks.set('call', {
			url: FOREIGN,
			type: 'call',
			status: 'actived',
			events: ['hangup'],
		});
		const run = workflowTrigger();
		await fleet.activate(run);
		const saved = () => JSON.parse(JSON.stringify(run.workflow.staticData)) as IDataObject;

		simulator.goDown(60_000);
		const errors = await fleet.deactivate(run); // three attempts, then n8n abandons the webhook
		expect(errors).toHaveLength(3);
		// n8n logs only the message when it abandons the webhook: the fix must be in it.
		expect(errors[2].message).toMatch(
			/^The call webhook could not be given back: .*OMICall at http:\/\/127\.0\.0\.1:\d+.* To fix it once OMICall is reachable, activate this workflow again and deactivate it\.$/,
		);
		expect(pathOf(registered())).toBe(productionPath(run)); // still ours: OMICall was never told

		simulator.goDown(0);
		const again = workflowTrigger({}, saved());
		await fleet.activate(again);
		expect(await fleet.deactivate(again)).toEqual([]);
		expect(registered()).toBe(FOREIGN);
	});
});

describe('contact mode', () => {
	it('registers the contact hook without events and leaves the call hook alone', async () => {
		simulator.hooks.set('call', { url: FOREIGN, type: 'call', status: 'actived', events: null });
		const run = workflowTrigger({ triggerOn: 'contact' });
		await activate(run);
		expect(pathOf(registered('contact'))).toBe(productionPath(run));
		expect(simulator.hooks.get('contact')).toMatchObject({
			type: 'contact',
			status: 'actived',
			events: null,
		});
		await hook(run, trigger, 'delete');
		expect(simulator.hooks.has('contact')).toBe(false);
		expect(registered()).toBe(FOREIGN);
	});
});

describe('the registered URL accepts only its secret', () => {
	it('401 without or with a wrong secret, a run with the right one', async () => {
		const run = workflowTrigger();
		await activate(run);
		const url = registered()!;
		const record = { state: 'cdr', transaction_id: 't-1', direction: 'inbound' };

		const missing = await post(url.replace(/\?.*$/, ''), record);
		const wrong = await post(url.replace(/secret=[0-9a-f]+/, `secret=${'0'.repeat(48)}`), record);
		const short = await post(url.replace(/secret=[0-9a-f]+/, 'secret=1'), record);
		const hash = await post(
			url.replace(/secret=[0-9a-f]+/, `secret=${nodeState(run).secretHash as string}`),
			record,
		);
		expect([missing.status, wrong.status, short.status, hash.status]).toEqual([401, 401, 401, 401]);
		expect(missing.body.error).toMatch(/^Missing or wrong secret/);
		expect(server.runs).toHaveLength(0);

		const right = await post(url, record);
		expect(right).toEqual({ status: 200, body: {} });
		expect(server.runs).toHaveLength(1);
	});
});
