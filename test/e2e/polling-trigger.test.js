'use strict';
/**
 * The OMICall Call History Trigger inside a real n8n, installed from the package's tarball, with
 * the OMICall simulator where OMICall would be. An active workflow polls the simulator's call
 * history; calls placed with the simulator (several in one second, one written late) start
 * executions, each call in exactly one of them, across restarts of n8n; OMICall's call webhook is
 * never touched.
 *
 * n8n refuses poll times under a minute, and runs one poll whenever it activates a workflow: at
 * activation and at each start of n8n. So the workflow polls on a yearly cron, and each poll
 * here is a restart (the case that matters: the cursor must come back from n8n's database).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { N8nInstance, installN8n, installPackage, nodeOutput, sleep } = require('./n8n');
const { historyTriggerWorkflow } = require('./workflows');
const { OmiCallSimulator } = require('../simulator/omicall-simulator');

jest.setTimeout(300_000);

const API_KEY = 'e2e-polling-key-7c1e';
const SEARCH = '/api/v3/call-transaction/search';

let simulator;
let n8n;
let credential;
const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'omicall-e2e-polling-'));

beforeAll(async () => {
	simulator = new OmiCallSimulator({ apiKeys: [API_KEY] });
	await simulator.start();
	installPackage(userFolder, process.env.OMICALL_E2E_TARBALL);
	n8n = new N8nInstance({ install: await installN8n(), userFolder });
	await n8n.start();
	await n8n.setupOwner();
	credential = await n8n.createCredential('OMICall (simulator)', {
		baseUrl: `${simulator.url}/`,
		authentication: 'apiKey',
		apiKey: API_KEY,
	});
});

afterAll(async () => {
	await n8n?.stop();
	await simulator?.stop();
	if (process.env.CI || !process.env.OMICALL_KEEP_E2E)
		fs.rmSync(userFolder, { recursive: true, force: true });
});

/** A call in OMICall's history only (no webhook is registered), started at `startedAt`. */
async function place(startedAt, options = {}) {
	const placed = await simulator.placeCall({ requireHook: false, startedAt, ...options });
	return placed.transactionId;
}

/** n8n stopped and started again: it activates the workflow, which polls once. */
async function restart() {
	await n8n.stop();
	await n8n.start();
	await n8n.login();
}

/** The call ids of every execution of the workflow, execution by execution. */
async function executedCalls(workflowId, count) {
	const executions = await n8n.waitForExecutions(workflowId, count);
	return executions.map((execution) => {
		expect(execution.status).toBe('success');
		return nodeOutput(execution, 'Show call').map((item) => item.callId);
	});
}

describe('OMICall Call History Trigger in a real n8n', () => {
	let workflow;
	let second;
	const placed = [];

	test('activation takes in nothing from before and costs no request', async () => {
		await place(Date.now() - 10 * 60_000); // a call before the workflow exists
		workflow = await n8n.createWorkflow(historyTriggerWorkflow(credential));
		await n8n.activate(workflow.id);
		await sleep(2000);
		expect(await n8n.executions(workflow.id, { includeData: false })).toEqual([]);
		expect(simulator.count(SEARCH)).toBe(0);
	});

	test('calls placed with the simulator start one execution after the next poll, each call once', async () => {
		// Two in the same second, one a second later.
		second = Math.ceil(Date.now() / 1000) * 1000 + 1000;
		await sleep(second + 1500 - Date.now());
		placed.push(await place(second), await place(second + 300), await place(second + 1000));
		await restart();
		const [first] = await executedCalls(workflow.id, 1);
		expect([...first].sort()).toEqual([...placed].sort());
	});

	test('after another restart: the new calls and a late one, nothing repeated', async () => {
		// Written late: it started in the same second as two calls already taken in, before a third.
		const late = await place(second + 200);
		const fresh = [await place(Date.now() - 1000), await place(Date.now() - 1000)];
		await restart();
		const runs = await executedCalls(workflow.id, 2);
		expect(runs).toHaveLength(2);
		expect([...runs[1]].sort()).toEqual([late, ...fresh].sort());
		expect(runs[1][0]).toBe(late); // oldest first
		placed.push(late, ...fresh);
	});

	test('a restart with nothing new starts no execution and costs one search', async () => {
		const before = simulator.count(SEARCH);
		await restart();
		// n8n's poll at start is done once its search has been answered; give an execution time to appear.
		for (let i = 0; i < 40 && simulator.count(SEARCH) === before; i++) await sleep(250);
		await sleep(2000);
		expect(simulator.count(SEARCH) - before).toBe(1);
		const runs = await executedCalls(workflow.id, 2);
		expect(runs).toHaveLength(2);
		const all = runs.flat();
		expect(all).toHaveLength(placed.length);
		expect(new Set(all)).toEqual(new Set(placed));
	});

	test("OMICall's call webhook was never touched", () => {
		expect(simulator.hooks.size).toBe(0);
		expect(simulator.requests.filter((r) => r.path.startsWith('/api/webhooks/'))).toEqual([]);
		expect(simulator.deliveries).toEqual([]);
	});
});
