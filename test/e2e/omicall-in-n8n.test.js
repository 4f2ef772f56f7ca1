'use strict';
/**
 * The package inside a real n8n, installed from its tarball, with the OMICall simulator where
 * OMICall would be. Everything is checked through n8n's own APIs and the simulator's log.
 * The tests run in order and share one n8n (restarted once on purpose).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { CACHE, nodeOutput, sleep, waitFor } = require('./n8n');
const { post, startStack } = require('./stack');
const { actionWorkflow, triggerWorkflow } = require('./workflows');

jest.setTimeout(180_000);

const API_KEY = 'e2e-api-key-7f3a9c';
const FOREIGN = 'https://crm.example.com/omicall/hook?token=crm-secret';
const ROUNDS = ['first', 'second', 'third'];

let simulator;
let n8n;
let credential;
let stack;
const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'omicall-e2e-'));

const omiCalls = (paths) =>
	simulator.requests.filter((r) => !paths || paths.includes(r.path)).map((r) => r.path);
const callHook = () => simulator.hooks.get('call');

beforeAll(async () => {
	stack = await startStack({
		apiKey: API_KEY,
		userFolder,
		n8nOptions: {
			env: { N8N_LOG_LEVEL: 'debug' },
		},
	});
	({ simulator, n8n, credential } = stack);
});

afterAll(async () => {
	await stack?.stop();
});

test('n8n loads the three nodes and the credential from the installed package, without errors', async () => {
	expect(n8n.logText).toMatch(
		/Loaded all credentials and nodes from n8n-nodes-omicall \{ ?"credentials": ?1, ?"nodes": ?3/,
	);
	// The cache folder's path has the package's name in it; only lines about the package count.
	const omicallLines = n8n.logText
		.replaceAll(CACHE, '<cache>')
		.split('\n')
		.filter((line) => /omicall/i.test(line));
	expect(omicallLines.filter((line) => /\b(error|warn)\b/i.test(line))).toEqual([]);
	const types = await n8n.request(`${n8n.url}/types/nodes.json`, 'GET', undefined, {
		cookie: n8n.cookie,
	});
	const names = types.map((t) => t.name).filter((name) => name.startsWith('n8n-nodes-omicall.'));
	// usableAsTool: n8n derives an AI-agent tool from the action node.
	expect(names.sort()).toEqual([
		'n8n-nodes-omicall.omiCall',
		'n8n-nodes-omicall.omiCallCallHistoryTrigger',
		'n8n-nodes-omicall.omiCallTool',
		'n8n-nodes-omicall.omiCallTrigger',
	]);
	const credentials = await n8n.request(`${n8n.url}/types/credentials.json`, 'GET', undefined, {
		cookie: n8n.cookie,
	});
	expect(credentials.find((c) => c.name === 'omiCallApi')?.displayName).toBe('OMICall API');
});

test('the credential test passes with a good key and explains a bad one', async () => {
	const testWith = async (apiKey) =>
		(
			await n8n.rest('POST', '/credentials/test', {
				credentials: {
					id: credential.id,
					name: credential.name,
					type: 'omiCallApi',
					data: { baseUrl: simulator.url, authentication: 'apiKey', apiKey },
				},
			})
		).data;
	expect(await testWith(API_KEY)).toEqual({ status: 'OK', message: 'Connection successful!' });
	const bad = await testWith('a-wrong-key-123');
	expect(bad.status).toBe('Error');
	expect(bad.message).toMatch(
		/^The API key was not accepted\. .*\(OMICall code: api_key_invalid\)$/,
	);
	expect(bad.message).not.toContain('a-wrong-key-123');
});

test('a workflow with the OMICall node runs Register → List → Destroy', async () => {
	const workflow = await n8n.createWorkflow(actionWorkflow(credential, 'omicall-admin'));
	await n8n.activate(workflow.id);
	await n8n.webhookReady('omicall-admin');
	simulator.resetLog();
	const answer = await post(`${n8n.url}/webhook/omicall-admin`, {
		url: 'https://crm.example.com/calls',
	});
	expect(answer.status).toBe(200);
	const [execution] = await n8n.waitForExecutions(workflow.id, 1);
	expect(execution.status).toBe('success');
	expect(nodeOutput(execution, 'Register')).toEqual([
		{ type: 'call', url: 'https://crm.example.com/calls', status: 'actived' },
	]);
	expect(nodeOutput(execution, 'List')).toEqual([
		{ type: 'call', url: 'https://crm.example.com/calls', status: 'actived' },
	]);
	expect(nodeOutput(execution, 'Destroy')).toEqual([
		{ type: 'call', destroyed: true, url: 'https://crm.example.com/calls' },
	]);
	expect(callHook()).toBeUndefined();
	expect(
		omiCalls(['/api/webhooks/register', '/api/webhooks/list', '/api/webhooks/destroy']),
	).toEqual([
		'/api/webhooks/register',
		'/api/webhooks/list',
		'/api/webhooks/list',
		'/api/webhooks/destroy',
	]);
	await n8n.deactivate(workflow.id);
});

test("after the API key is changed in the editor, the next run signs in with it, not with the old key's token", async () => {
	const OTHER_KEY = 'e2e-key-of-another-account';
	simulator.apiKeys.push(OTHER_KEY);
	const workflow = await n8n.createWorkflow(actionWorkflow(credential, 'omicall-key-change'));
	await n8n.activate(workflow.id);
	await n8n.webhookReady('omicall-key-change');
	await post(`${n8n.url}/webhook/omicall-key-change`, { url: 'https://crm.example.com/before' });
	await n8n.waitForExecutions(workflow.id, 1);
	// As the editor saves it: the data it was shown (secrets redacted by n8n), one field changed.
	const editWith = async (apiKey) => {
		const shown = (await n8n.rest('GET', `/credentials/${credential.id}?includeData=true`)).data;
		await n8n.rest('PATCH', `/credentials/${credential.id}`, {
			name: shown.name,
			type: shown.type,
			data: { ...shown.data, apiKey },
		});
	};
	await editWith(OTHER_KEY);
	simulator.resetLog();
	const answer = await post(`${n8n.url}/webhook/omicall-key-change`, {
		url: 'https://crm.example.com/after',
	});
	expect(answer.status).toBe(200);
	const executions = await n8n.waitForExecutions(workflow.id, 2);
	expect(executions.map((e) => e.status)).toEqual(['success', 'success']);
	expect(simulator.requests.map((r) => `${r.path} ${r.account ?? '-'}`)).toEqual([
		'/api/auth -',
		'/api/webhooks/register 1',
		'/api/webhooks/list 1',
		'/api/webhooks/list 1',
		'/api/webhooks/destroy 1',
	]);
	await editWith(API_KEY);
	await n8n.deactivate(workflow.id);
});

describe('OMICall Trigger in a production workflow', () => {
	let workflow;
	let registered;

	test("activation registers exactly one hook: n8n's production URL with the secret", async () => {
		workflow = await n8n.createWorkflow(
			triggerWorkflow(credential, { events: ['ringing', 'answered', 'hangup', 'cdr'] }),
		);
		simulator.resetLog();
		await n8n.activate(workflow.id);
		registered = await waitFor(() => callHook(), { what: 'the hook' });
		const node = workflow.nodes.find((n) => n.name === 'OMICall Trigger');
		expect(registered.url).toMatch(
			new RegExp(
				`^${n8n.url}/webhook/${node.webhookId}/webhook\\?secret=[0-9a-f]{48}#restore=[\\w-]+$`,
			),
		);
		expect(registered.events).toEqual(['ringing', 'answered', 'hangup']);
		expect(
			omiCalls(['/api/webhooks/register', '/api/webhooks/list', '/api/webhooks/destroy']),
		).toEqual(['/api/webhooks/list', '/api/webhooks/register']);
	});

	test('a simulated inbound call starts one execution per event with the simplified fields', async () => {
		const placed = await simulator.placeCall({ direction: 'inbound' });
		expect(placed.events.map((e) => e.status)).toEqual([200, 200, 200, 200]);
		const executions = await n8n.waitForExecutions(workflow.id, 4);
		const items = executions.map((e) => nodeOutput(e, 'Show call'));
		expect(items.map((i) => i.length)).toEqual([1, 1, 1, 1]);
		expect(items.map((i) => i[0].event).sort()).toEqual(['answered', 'cdr', 'hangup', 'ringing']);
		const cdr = simulator.deliveries.find((d) => d.body.state === 'cdr').body;
		const record = items.map((i) => i[0]).find((i) => i.event === 'cdr');
		expect(record).toEqual({
			event: 'cdr',
			callId: cdr.transaction_id,
			direction: 'inbound',
			customerNumber: cdr.phone_number,
			agentExtension: cdr.sip_user,
			hotline: cdr.hotline,
			startedAt: new Date(cdr.time_start_call * 1000).toISOString(),
			answeredAt: new Date(cdr.time_start_to_answer * 1000).toISOString(),
			endedAt: new Date(cdr.time_end_call * 1000).toISOString(),
			durationSec: cdr.duration,
			talkSec: cdr.bill_sec,
			recordingUrl: cdr.recording_file_url,
			agentName: cdr.user[0].full_name,
			customerName: cdr.customer.full_name,
			answered: cdr.bill_sec > 0,
			note: cdr.note || null,
			tags: [],
			autoCallId: null,
			deliveryAttempt: 1,
			raw: cdr,
		});
	});

	test('a request with a wrong secret gets 401 and creates no execution', async () => {
		const before = (await n8n.executions(workflow.id)).length;
		const wrong = await post(registered.url.replace(/secret=\w+/, 'secret=0123456789abcdef'), {
			state: 'cdr',
			transaction_id: 'forged',
		});
		const missing = await post(registered.url.replace(/\?.*$/, ''), {
			state: 'cdr',
			transaction_id: 'forged',
		});
		expect([wrong.status, missing.status]).toEqual([401, 401]);
		expect(wrong.body.error).toMatch(/^Missing or wrong secret/);
		await sleep(1000);
		expect((await n8n.executions(workflow.id)).length).toBe(before);
	});

	test('after an n8n restart: no new registration, at most one list call, and events still run', async () => {
		await n8n.stop();
		simulator.resetLog();
		await n8n.start();
		await n8n.login();
		// n8n 1.x calls checkExists at start; 2.x keeps published webhooks and reconciles every 10 s.
		await sleep(12_000);
		expect(callHook().url).toBe(registered.url);
		const calls = omiCalls([
			'/api/webhooks/register',
			'/api/webhooks/list',
			'/api/webhooks/destroy',
		]);
		expect(calls.filter((c) => c !== '/api/webhooks/list')).toEqual([]);
		expect(calls.length).toBeLessThanOrEqual(1);
		const before = (await n8n.executions(workflow.id)).length;
		await simulator.placeCall({ direction: 'outbound', answered: false });
		const executions = await n8n.waitForExecutions(workflow.id, before + 3);
		const record = executions
			.map((e) => nodeOutput(e, 'Show call')[0])
			.find((i) => i.event === 'cdr' && i.direction === 'outbound');
		expect(record).toMatchObject({ talkSec: 0, answeredAt: null, recordingUrl: null });
	});

	test('deactivation destroys the hook', async () => {
		simulator.resetLog();
		await n8n.deactivate(workflow.id);
		await waitFor(() => !callHook(), { what: 'the hook to go' });
		expect(
			omiCalls(['/api/webhooks/register', '/api/webhooks/list', '/api/webhooks/destroy']),
		).toEqual(['/api/webhooks/list', '/api/webhooks/destroy']);
	});
});

test('a foreign hook registered before activation is back after deactivation', async () => {
	simulator.hooks.set('call', {
		url: FOREIGN,
		type: 'call',
		status: 'actived',
		events: ['hangup'],
	});
	const workflow = await n8n.createWorkflow(triggerWorkflow(credential));
	await n8n.activate(workflow.id);
	await waitFor(() => /\/webhook\/.+\?secret=/.test(callHook().url), { what: 'our hook' });
	await n8n.deactivate(workflow.id);
	await waitFor(() => callHook().url === FOREIGN, { what: 'the foreign hook back' });
	expect(callHook()).toMatchObject({ url: FOREIGN, events: ['ringing', 'answered', 'hangup'] });
	simulator.hooks.delete('call');
});

test('a trigger saved at node version 1 still receives events', async () => {
	const saved = triggerWorkflow(credential, {}, 'OMICall calls (node version 1)');
	saved.nodes[0].typeVersion = 1;
	const workflow = await n8n.createWorkflow(saved);
	await n8n.activate(workflow.id);
	await waitFor(() => /\/webhook\/.+\?secret=/.test(callHook()?.url), { what: 'the hook' });
	await simulator.placeCall({ direction: 'inbound' });
	const [execution] = await n8n.waitForExecutions(workflow.id, 1);
	expect(nodeOutput(execution, 'Show call')).toEqual([
		expect.objectContaining({ event: 'cdr', direction: 'inbound' }),
	]);
	await n8n.deactivate(workflow.id);
	await waitFor(() => !callHook(), { what: 'the hook to go' });
});

test('listening for a test event while the production workflow is active gives production its hook back', async () => {
	const workflow = await n8n.createWorkflow(triggerWorkflow(credential));
	await n8n.activate(workflow.id);
	const production = await waitFor(() => callHook()?.url, { what: 'the production hook' });

	const listening = await n8n.listenForTestEvent(workflow.id, 'OMICall Trigger');
	expect(listening.data).toEqual({ waitingForWebhook: true });
	expect(callHook().url).toMatch(
		new RegExp(`^${n8n.url}/webhook-test/.+\\?secret=[0-9a-f]{48}#restore=[\\w-]+$`),
	);

	await simulator.placeCall({ direction: 'inbound' });
	await waitFor(() => callHook()?.url === production, {
		what: 'the production hook back after the test event',
	});

	// Cancelling a listen works the same way.
	await n8n.listenForTestEvent(workflow.id, 'OMICall Trigger');
	expect(callHook().url).toMatch(/\/webhook-test\//);
	await n8n.rest('DELETE', `/test-webhook/${workflow.id}`);
	await waitFor(() => callHook()?.url === production, {
		what: 'the production hook back after cancelling',
	});

	// And production still runs.
	const productionRuns = async () =>
		(await n8n.executions(workflow.id)).filter((e) => e.mode === 'webhook' && e.finished).length;
	const before = await productionRuns();
	await simulator.placeCall({ direction: 'inbound' });
	await waitFor(async () => (await productionRuns()) === before + 1, {
		what: 'a production execution',
	});
	await n8n.deactivate(workflow.id);
	await waitFor(() => !callHook(), { what: 'the hook to go' });
});

test('with tokens that live two seconds, workflows keep working across expiries', async () => {
	simulator.tokenLifetimeMs = 2000;
	simulator.expireAllTokens();
	const workflow = await n8n.createWorkflow(actionWorkflow(credential, 'omicall-expiring'));
	await n8n.activate(workflow.id);
	await n8n.webhookReady('omicall-expiring');
	simulator.resetLog();
	for (let round = 0; round < 3; round++) {
		const answer = await post(`${n8n.url}/webhook/omicall-expiring`, {
			url: `https://crm.example.com/round/${ROUNDS[round]}`,
		});
		expect(answer.status).toBe(200);
		await sleep(2200);
	}
	const executions = await n8n.waitForExecutions(workflow.id, 3);
	expect(executions.map((e) => e.status)).toEqual(['success', 'success', 'success']);
	// Words, not numbers, in the path: Destroy hides path segments that look like tokens.
	expect(executions.map((e) => nodeOutput(e, 'Destroy')[0].url)).toEqual(
		ROUNDS.map((r) => `https://crm.example.com/round/${r}`),
	);
	// Each round met an expired token once and renewed it once.
	expect(simulator.count('/api/auth')).toBe(3);
	expect(simulator.requests.filter((r) => r.status === 401)).toHaveLength(3);
	simulator.tokenLifetimeMs = 24 * 60 * 60 * 1000;
	await n8n.deactivate(workflow.id);
});

describe("the trigger's contract with several triggers and faults (one OMICall account)", () => {
	const triggerPath = (workflow) =>
		`/webhook/${workflow.nodes.find((n) => n.name === 'OMICall Trigger').webhookId}/webhook`;
	const hookPath = () => (callHook() ? new URL(callHook().url).pathname : undefined);
	const holds = async (workflow) =>
		await waitFor(() => hookPath() === triggerPath(workflow), {
			what: `${workflow.name} to hold the hook`,
		});
	const backToForeign = async () =>
		await waitFor(() => callHook()?.url === FOREIGN, { what: 'the original URL back' });

	beforeEach(() =>
		simulator.hooks.set('call', {
			url: FOREIGN,
			type: 'call',
			status: 'actived',
			events: ['hangup'],
		}),
	);
	afterEach(() => simulator.hooks.delete('call'));

	test('two workflows deactivated in the order they were activated: the original URL comes back, no dead URL', async () => {
		const a = await n8n.createWorkflow(triggerWorkflow(credential, {}, 'Contract A'));
		const b = await n8n.createWorkflow(triggerWorkflow(credential, {}, 'Contract B'));
		await n8n.activate(a.id);
		await holds(a);
		await n8n.activate(b.id);
		await holds(b);
		await n8n.deactivate(a.id);
		await sleep(1500);
		expect(hookPath()).toBe(triggerPath(b));
		await n8n.deactivate(b.id);
		await backToForeign();
	});

	test('in reverse order, the earlier trigger gets the hook back (it answers the probe) and still runs', async () => {
		const a = await n8n.createWorkflow(triggerWorkflow(credential, {}, 'Contract C'));
		const b = await n8n.createWorkflow(triggerWorkflow(credential, {}, 'Contract D'));
		await n8n.activate(a.id);
		await holds(a);
		await n8n.activate(b.id);
		await holds(b);
		await n8n.deactivate(b.id);
		await holds(a);
		await simulator.placeCall({ direction: 'inbound' });
		const [execution] = await n8n.waitForExecutions(a.id, 1);
		expect(nodeOutput(execution, 'Show call')).toEqual([expect.objectContaining({ event: 'cdr' })]);
		await n8n.deactivate(a.id);
		await backToForeign();
	});

	test('publishing again while listening for a test event never leaves the test URL behind', async () => {
		const workflow = await n8n.createWorkflow(triggerWorkflow(credential, {}, 'Contract listen'));
		await n8n.activate(workflow.id);
		await holds(workflow);
		await n8n.listenForTestEvent(workflow.id, 'OMICall Trigger');
		await waitFor(() => /\/webhook-test\//.test(callHook()?.url), { what: 'the test URL' });
		await n8n.deactivate(workflow.id);
		await n8n.activate(workflow.id);
		await holds(workflow);
		await n8n.rest('DELETE', `/test-webhook/${workflow.id}`);
		await sleep(1500);
		expect(hookPath()).toBe(triggerPath(workflow));
		await n8n.deactivate(workflow.id);
		await backToForeign();
	});

	test('a register answer lost after OMICall applied it: activation works and deactivation restores the original', async () => {
		const workflow = await n8n.createWorkflow(
			triggerWorkflow(credential, {}, 'Contract lost answer'),
		);
		simulator.loseAnswer('/api/webhooks/register', { drop: true });
		await n8n.activate(workflow.id);
		await holds(workflow);
		await simulator.placeCall({ direction: 'inbound' });
		await n8n.waitForExecutions(workflow.id, 1);
		await n8n.deactivate(workflow.id);
		await backToForeign();
	});

	test('OMICall refusing the original URL on deactivation: the trigger still removes its own hook', async () => {
		const workflow = await n8n.createWorkflow(triggerWorkflow(credential, {}, 'Contract refused'));
		await n8n.activate(workflow.id);
		await holds(workflow);
		simulator.refuseUrl(FOREIGN);
		await n8n.deactivate(workflow.id);
		await waitFor(() => !callHook(), { what: "the trigger's hook to go" });
		simulator.refuseUrl(FOREIGN, false);
		expect(n8n.logText).toMatch(
			/OMICall refused to register https:\/\/crm\.example\.com\/… again as the call webhook/,
		);
		expect(n8n.logText).not.toContain('crm-secret');
	});
});
