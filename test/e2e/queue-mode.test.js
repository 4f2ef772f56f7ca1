'use strict';
/**
 * OMICall Trigger in n8n's queue mode: Redis, a main instance that registers webhooks, one
 * `n8n worker` that runs executions and one `n8n webhook` processor that receives them, on one
 * PostgreSQL database: on a shared SQLite file n8n starts, but loses executions to SQLITE_BUSY.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const {
	N8nInstance,
	forEachConcurrently,
	freePort,
	installN8n,
	installPackage,
	nodeOutput,
	sleep,
	startPostgres,
	startRedis,
	waitFor,
} = require('./n8n');
const { triggerWorkflow } = require('./workflows');
const { OmiCallSimulator } = require('../simulator/omicall-simulator');
const { buildCallEvents } = require('../simulator/call-events');

jest.setTimeout(300_000);

const API_KEY = 'queue-api-key-5c1e';
const EVENTS = 500;
const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'omicall-queue-'));
const pgFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'omicall-pg-'));
let redis;
let postgres;
let simulator;
let main;
let worker;
let webhook;

beforeAll(async () => {
	simulator = new OmiCallSimulator({ apiKeys: [API_KEY] });
	await simulator.start();
	redis = await startRedis(path.join(userFolder, 'redis'));
	// Its own folder under the temp dir: the postgres user cannot enter the test's private one.
	postgres = await startPostgres(pgFolder);
	installPackage(userFolder, process.env.OMICALL_E2E_TARBALL);
	const install = await installN8n();
	const webhookPort = await freePort();
	const common = {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		N8N_ENCRYPTION_KEY: crypto.randomBytes(24).toString('hex'),
		...postgres.env,
		N8N_LOG_LEVEL: 'debug',
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
	};
	const webhookUrl = `http://127.0.0.1:${webhookPort}/`;
	main = new N8nInstance({
		install,
		userFolder,
		webhookUrl,
		logFile: path.join(userFolder, 'main.log'),
		env: { ...common, N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true' },
	});
	await main.start();
	await main.setupOwner();
	const workerPort = await freePort();
	worker = new N8nInstance({
		install,
		userFolder,
		webhookUrl,
		command: ['worker'],
		port: workerPort,
		readyPaths: ['/healthz'],
		logFile: path.join(userFolder, 'worker.log'),
		env: {
			...common,
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			QUEUE_HEALTH_CHECK_PORT: String(workerPort),
			N8N_WORKER_SERVER_PORT: String(workerPort),
		},
	});
	webhook = new N8nInstance({
		install,
		userFolder,
		webhookUrl,
		command: ['webhook'],
		port: webhookPort,
		readyPaths: ['/healthz'],
		logFile: path.join(userFolder, 'webhook.log'),
		env: common,
	});
	await Promise.all([worker.start(), webhook.start()]);
});

afterAll(async () => {
	await Promise.all([webhook?.stop(), worker?.stop()]);
	await main?.stop();
	await redis?.stop();
	await postgres?.stop();
	await simulator?.stop();
	if (!process.env.OMICALL_KEEP_E2E) {
		fs.rmSync(userFolder, { recursive: true, force: true });
		fs.rmSync(pgFolder, { recursive: true, force: true });
	}
});

test('main registers one hook pointing at the webhook processor; the worker runs every event; deactivation cleans up', async () => {
	const credential = await main.createCredential('OMICall (simulator)', {
		baseUrl: simulator.url,
		authentication: 'apiKey',
		apiKey: API_KEY,
	});
	const workflow = await main.createWorkflow(
		triggerWorkflow(credential, { events: ['cdr'] }, 'OMICall calls (queue mode)'),
	);
	await main.activate(workflow.id);
	const hook = await waitFor(() => simulator.hooks.get('call'), { what: 'the hook' });
	const node = workflow.nodes.find((n) => n.name === 'OMICall Trigger');
	expect(hook.url).toMatch(
		new RegExp(
			`^${webhook.url}/webhook/${node.webhookId}/webhook\\?secret=[0-9a-f]{48}#restore=[\\w-]+$`,
		),
	);
	expect(simulator.count('/api/webhooks/register')).toBe(1);

	// 500 call records to the webhook processor, 25 at a time.
	const records = Array.from({ length: EVENTS }, (_, i) =>
		buildCallEvents({ direction: i % 2 ? 'inbound' : 'outbound' }).pop(),
	);
	const statuses = [];
	await forEachConcurrently(records, 25, async (record) => {
		const response = await fetch(hook.url, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(record),
		});
		statuses.push(`${response.status} ${await response.text()}`);
	});
	expect(statuses.filter((s) => s !== '200 ')).toEqual([]);

	// Requests with a wrong secret: the processor reads the secret from the database.
	for (let i = 0; i < 10; i++) {
		const response = await fetch(hook.url.replace(/secret=\w+/, `secret=${'a'.repeat(48)}`), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(records[i]),
		});
		expect(response.status).toBe(401);
	}

	const executions = await main.waitForExecutions(workflow.id, EVENTS, 180_000);
	await sleep(2000);
	const all = await main.executions(workflow.id);
	expect(all).toHaveLength(EVENTS);
	expect(all.every((e) => e.status === 'success')).toBe(true);
	const callIds = new Set(all.map((e) => nodeOutput(e, 'Show call')[0].callId));
	expect(callIds).toEqual(new Set(records.map((r) => r.transaction_id)));
	// The worker ran them: its log names every execution; the webhook processor only enqueued.
	const ran = new Set(
		[...worker.logText.matchAll(/Worker started execution (\d+)/g)].map((m) => m[1]),
	);
	expect(executions.every((e) => ran.has(String(e.id)))).toBe(true);

	await main.deactivate(workflow.id);
	await waitFor(() => !simulator.hooks.get('call'), { what: 'the hook to go' });
});
