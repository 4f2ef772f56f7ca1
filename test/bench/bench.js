#!/usr/bin/env node
'use strict';
/**
 * `npm run bench`: what OMICall Trigger costs inside a real n8n, written to docs/BENCHMARKS.md.
 * It measures and reports; it asserts nothing about time. Every ratio compares two figures
 * measured in this same run on this same machine.
 *
 * 1. Throughput and latency: OMICall Trigger (A) against n8n's own Webhook node (B), with n8n's
 *    GitHub Trigger (G) as the reference for self-registering triggers; same body, same trivial
 *    work after the trigger, rotating rounds, autocannon on loopback; with n8n's defaults and
 *    again with lazy expression isolates.
 * 2. The trigger's own cost per event next to JSON.parse of the same body, in this process.
 * 3. OMICall call economy, from the simulator's request log.
 * 4. Nothing lost, nothing forged: 2,000 events at concurrency 50 with 500 bad requests mixed in.
 * 5. Footprint: tarball size, runtime dependencies, n8n's time to load the package.
 * 6. Call history: OMICall → Call → Get Many, Return All over 10,000 calls, against a bare fetch
 *    loop of the same requests: requests made, items per second, n8n's peak memory.
 *
 * 7. Call History Trigger: requests per poll with nothing new, requests to catch up on 10,000
 *    calls, and the delay from a call's end to its execution against the poll interval.
 *
 * `npm run bench -- --only history` (or BENCH_ONLY=history) runs step 6 alone, `--only polling`
 * step 7 alone; each rewrites only its section of docs/BENCHMARKS.md (and "How to run"), keeping
 * the others as the last full run wrote them.
 */
const { execFileSync, spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const autocannon = require('autocannon');

const {
	N8nInstance,
	ROOT,
	forEachConcurrently,
	installN8n,
	installPackage,
	log,
	packPackage,
	sleep,
	waitFor,
} = require('../e2e/n8n');
const {
	callSearchWorkflow,
	chain,
	historyTriggerWorkflow,
	credentialsOf,
	node,
	triggeredWorkflow,
	triggerWorkflow,
	webhookNode,
} = require('../e2e/workflows');
const { OmiCallSimulator } = require('../simulator/omicall-simulator');
const { buildCallEvents } = require('../simulator/call-events');
const { GithubStandIn } = require('./github-stand-in');

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ROUND_SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const API_KEY = 'bench-api-key';
const HISTORY_ROUNDS = Number(process.env.BENCH_HISTORY_ROUNDS ?? 7);
const HISTORY_CALLS = 10_000;
const HISTORY_SEED = 2026;
const POLLING_SEED = 2027;
const POLLING_ROUNDS = Number(process.env.BENCH_POLLING_ROUNDS ?? 5);
const DAY_MS = 24 * 60 * 60 * 1000;

const median = (values) => {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round = (value, digits = 2) => Number(value.toFixed(digits));

async function load({ url, headers }, body, duration = ROUND_SECONDS) {
	const result = await autocannon({
		url,
		method: 'POST',
		headers,
		body,
		connections: CONNECTIONS,
		duration,
	});
	return {
		rps: result.requests.average,
		p50: result.latency.p50,
		p99: result.latency.p99,
		non2xx: result.non2xx,
		errors: result.errors,
		timeouts: result.timeouts,
	};
}

const SIDES = { A: 'OMICall Trigger', B: 'n8n Webhook node', G: 'n8n GitHub Trigger' };

/**
 * 1. A (OMICall Trigger) against B (n8n's Webhook node), with G (n8n's own GitHub Trigger) as the
 * reference for any trigger that registers its own hook. Same body, same No Op after each
 * trigger, the order rotating every round.
 */
async function throughput(n8n, credential, simulator, github) {
	const body = JSON.stringify(buildCallEvents({ direction: 'inbound' }).pop());
	const json = { 'content-type': 'application/json' };
	const githubCredential = await n8n.createCredential(
		'GitHub (stand-in)',
		{ server: github.url, user: 'bench', accessToken: 'bench-token' },
		'githubApi',
	);
	const repo = (value) => ({ __rl: true, mode: 'name', value });
	const workflows = [
		triggerWorkflow(credential, { events: ['cdr'] }, 'Bench A: OMICall Trigger'),
		triggeredWorkflow('Bench B: Webhook node', webhookNode('bench-b', 'onReceived')),
		triggeredWorkflow(
			'Bench G: GitHub Trigger',
			node(
				'GitHub Trigger',
				'n8n-nodes-base.githubTrigger',
				{
					authentication: 'accessToken',
					owner: repo('acme'),
					repository: repo('calls'),
					events: ['push'],
					options: {},
				},
				{
					webhookId: crypto.randomUUID(),
					credentials: credentialsOf('githubApi', githubCredential),
				},
			),
		),
	];
	const ids = [];
	for (const workflow of workflows) {
		const created = await n8n.createWorkflow(workflow);
		await n8n.activate(created.id);
		ids.push(created.id);
	}
	const hook = await waitFor(() => simulator.hooks.get('call'), { what: 'the bench trigger' });
	const githubHook = await waitFor(() => github.hook, { what: 'the GitHub Trigger' });
	await n8n.webhookReady('bench-b');
	const signature = `sha256=${crypto.createHmac('sha256', githubHook.config.secret).update(body).digest('hex')}`;
	const targets = {
		A: { url: hook.url, headers: json },
		B: { url: `${n8n.url}/webhook/bench-b`, headers: json },
		G: {
			url: githubHook.config.url,
			headers: { ...json, 'x-github-event': 'push', 'x-hub-signature-256': signature },
		},
	};
	for (const [name, target] of Object.entries(targets)) {
		await waitFor(
			async () =>
				(await fetch(target.url, { method: 'POST', headers: target.headers, body })).status === 200,
			{ what: `${name} to answer 200` },
		);
	}
	log('warming up …');
	for (const target of Object.values(targets)) await load(target, body, 2);
	const rounds = [];
	for (let i = 0; i < ROUNDS; i++) {
		const names = Object.keys(targets);
		const order = [...names.slice(i % names.length), ...names.slice(0, i % names.length)];
		const result = {};
		for (const name of order) {
			log(`round ${i + 1}/${ROUNDS}: ${name} …`);
			result[name] = await load(targets[name], body);
		}
		rounds.push({
			round: i + 1,
			...result,
			rpsRatio: result.A.rps / result.B.rps,
			p99Ratio: result.A.p99 / result.B.p99,
			githubRpsRatio: result.G.rps / result.B.rps,
			githubP99Ratio: result.G.p99 / result.B.p99,
		});
	}
	for (const id of ids) await n8n.deactivate(id);
	await waitFor(() => !simulator.hooks.get('call') && !github.hook, {
		what: 'the bench triggers to stop',
	});
	const med = (key) => median(rounds.map((r) => r[key]));
	return {
		rounds,
		rpsRatio: med('rpsRatio'),
		p99Ratio: med('p99Ratio'),
		githubRpsRatio: med('githubRpsRatio'),
		githubP99Ratio: med('githubP99Ratio'),
		bodyBytes: Buffer.byteLength(body),
	};
}

/** 2. The trigger's webhook() on one event, with the smallest stand-in for n8n's context. */
async function triggerCost() {
	const { OmiCallTrigger } = require(path.join(ROOT, 'dist/nodes/OmiCall/OmiCallTrigger.node.js'));
	const trigger = new OmiCallTrigger();
	const secret = 'f'.repeat(48);
	const secretHash = crypto.createHash('sha256').update(secret).digest('hex'); // what static data keeps
	const small = buildCallEvents({ direction: 'inbound' }).pop();
	const large = buildCallEvents({
		direction: 'inbound',
		transfers: 40,
		notes: 'Ghi chú dài về cuộc gọi. '.repeat(400),
	}).pop();
	const measure = async (event) => {
		const text = JSON.stringify(event);
		const body = JSON.parse(text);
		const res = { status: () => res, json: () => res };
		const context = {
			getWorkflowStaticData: () => ({ secretHash }),
			getResponseObject: () => res,
			getQueryData: () => ({ secret }),
			getRequestObject: () => ({ headers: { 'content-type': 'application/json' }, body }),
			getNodeParameter: (name, fallback) =>
				({ triggerOn: 'call', events: ['cdr'], options: {} })[name] ?? fallback,
		};
		const time = (fn, n) => {
			for (let i = 0; i < 20_000; i++) fn();
			const start = process.hrtime.bigint();
			for (let i = 0; i < n; i++) fn();
			return Number(process.hrtime.bigint() - start) / 1000 / n;
		};
		// Measure the accepted path, not a refusal.
		if (!(await trigger.webhook.call(context)).workflowData)
			throw new Error('the trigger-cost step did not get an accepted event');
		const n = text.length > 20_000 ? 5_000 : 50_000;
		// webhook() awaits nothing, so all of its work is done by the time it returns its promise.
		const triggerUs = time(() => trigger.webhook.call(context), n);
		const parseUs = time(() => JSON.parse(text), n);
		return {
			bytes: text.length,
			triggerUs: round(triggerUs, 2),
			parseUs: round(parseUs, 2),
			ratio: round(triggerUs / parseUs, 2),
		};
	};
	return { small: await measure(small), large: await measure(large) };
}

/** 3. How many OMICall calls each lifecycle step and 1,000 action runs cost. */
async function economy(n8n, credential, simulator) {
	const count = async (step) => {
		simulator.resetLog();
		await step();
		await sleep(500);
		const calls = simulator.requests.map((r) => r.path);
		return { total: calls.length, auth: calls.filter((p) => p === '/api/auth').length, calls };
	};
	const result = {};
	let workflow = await n8n.createWorkflow(triggerWorkflow(credential, {}, 'Economy'));
	result.activation = await count(async () => {
		await n8n.activate(workflow.id);
		await waitFor(() => simulator.hooks.get('call'), { what: 'activation' });
	});
	result.restart = await count(async () => {
		await n8n.stop();
		await n8n.start();
		await n8n.login();
		await sleep(12_000);
	});
	result.testListen = await count(async () => {
		await n8n.listenForTestEvent(workflow.id, 'OMICall Trigger');
		await waitFor(() => /webhook-test/.test(simulator.hooks.get('call')?.url ?? ''), {
			what: 'test listening',
		});
		await n8n.rest('DELETE', `/test-webhook/${workflow.id}`);
		await waitFor(() => /\/webhook\//.test(simulator.hooks.get('call')?.url ?? ''), {
			what: 'production back',
		});
	});
	result.deactivation = await count(async () => {
		await n8n.deactivate(workflow.id);
		await waitFor(() => !simulator.hooks.get('call'), { what: 'deactivation' });
	});
	simulator.hooks.set('call', {
		url: 'https://crm.example.com/hook',
		type: 'call',
		status: 'actived',
		events: null,
	});
	workflow = await n8n.createWorkflow(triggerWorkflow(credential, {}, 'Economy restore'));
	await n8n.activate(workflow.id);
	await waitFor(() => /secret=/.test(simulator.hooks.get('call')?.url ?? ''), {
		what: 'activation over a foreign hook',
	});
	result.deactivationRestoring = await count(async () => {
		await n8n.deactivate(workflow.id);
		await waitFor(() => simulator.hooks.get('call')?.url === 'https://crm.example.com/hook', {
			what: 'restore',
		});
	});
	simulator.hooks.delete('call');

	// 1,000 action-node runs (List) with API Key authentication; the token expires halfway.
	const admin = await n8n.createWorkflow(listWorkflow(credential));
	await n8n.activate(admin.id);
	await n8n.webhookReady('bench-list');
	simulator.expireAllTokens(); // start from a token the credential must renew once...
	await fetch(`${n8n.url}/webhook/bench-list`, { method: 'POST' });
	simulator.resetLog();
	simulator.expireAllTokens(); // ...and expire the renewed one before the 1,000 runs
	let failures = 0;
	const runs = 1000;
	await forEachConcurrently(Array.from({ length: runs }), 10, async () => {
		const response = await fetch(`${n8n.url}/webhook/bench-list`, { method: 'POST' });
		if (!response.ok) failures++;
		await response.arrayBuffer();
	});
	const executions = await settledExecutions(n8n, admin.id);
	const authCalls = simulator.count('/api/auth');
	result.actionRuns = {
		runs,
		failures,
		succeeded: executions.filter((e) => e.status === 'success').length - 1, // less the warm-up run
		tokenExchanges: authCalls,
		listCalls: simulator.count('/api/webhooks/list'),
		refused: simulator.requests.filter((r) => r.status === 401).length,
	};
	await n8n.deactivate(admin.id);
	return result;
}

/** n8n's Webhook node → OMICall List, answered as soon as the run is recorded. */
function listWorkflow(credential) {
	return {
		name: 'Bench: list webhooks',
		nodes: [
			webhookNode('bench-list', 'onReceived'),
			node(
				'List',
				'n8n-nodes-omicall.omiCall',
				{ resource: 'webhook', operation: 'list', options: { type: 'call' } },
				{ credentials: credentialsOf('omiCallApi', credential) },
			),
		],
		connections: chain('Webhook', 'List'),
	};
}

/** The executions of a workflow once their number has not changed for 10 s (at most 10 minutes). */
async function settledExecutions(n8n, workflowId) {
	const deadline = Date.now() + 600_000;
	let last = -1;
	let stableSince = Date.now();
	for (;;) {
		const list = await n8n.executions(workflowId, { includeData: false });
		const done = list.filter(
			(e) => e.status === 'success' || e.status === 'error' || e.status === 'crashed',
		);
		if (done.length !== last) {
			last = done.length;
			stableSince = Date.now();
		} else if (done.length === list.length && Date.now() - stableSince > 10_000) {
			return list;
		}
		if (Date.now() > deadline) return list;
		await sleep(1000);
	}
}

/** 4. 2,000 mixed events at concurrency 50, with 500 bad requests interleaved. */
async function nothingLost(n8n, credential, simulator) {
	const workflow = await n8n.createWorkflow(
		triggerWorkflow(
			credential,
			{ events: ['ringing', 'answered', 'hangup', 'cdr'] },
			'Bench: nothing lost',
		),
	);
	await n8n.activate(workflow.id);
	const hook = await waitFor(() => simulator.hooks.get('call'), { what: 'the trigger' });
	const good = [];
	while (good.length < 2000)
		good.push(...buildCallEvents({ direction: ['inbound', 'outbound', 'local'][good.length % 3] }));
	good.length = 2000;
	const noSecret = hook.url.replace(/\?.*$/, '');
	const wrongSecret = hook.url.replace(/secret=\w+/, `secret=${'0'.repeat(48)}`);
	const huge = JSON.stringify({
		state: 'cdr',
		transaction_id: 'huge',
		note: 'x'.repeat(1.5 * 1024 * 1024),
	});
	const badKinds = [
		['no secret', noSecret, JSON.stringify(good[0])],
		['wrong secret', wrongSecret, JSON.stringify(good[0])],
		['malformed JSON', hook.url, '{"state": "cdr", '],
		['empty body', hook.url, ''],
		['array', hook.url, JSON.stringify([good[0]])],
		['unknown state', hook.url, JSON.stringify({ state: 'exploded', call_uuid: 'x' })],
		['huge body over the limit', hook.url, huge],
	];
	const requests = good.map((event) => ({
		kind: 'good',
		url: hook.url,
		body: JSON.stringify(event),
	}));
	for (let i = 0; i < 500; i++) {
		const [kind, url, body] = badKinds[i % badKinds.length];
		requests.splice(Math.floor((i + 1) * (requests.length / 501)), 0, { kind, url, body });
	}
	const answers = new Map();
	const started = Date.now();
	await forEachConcurrently(requests, 50, async (request) => {
		let status;
		let started = false;
		try {
			const response = await fetch(request.url, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: request.body,
			});
			status = response.status;
			const text = await response.text();
			started = status === 200 && text === ''; // ignored events answer 200 with a JSON reason
		} catch (error) {
			status = `error: ${error.cause?.code ?? error.message}`;
		}
		const entry = answers.get(request.kind) ?? { sent: 0, statuses: {}, started: 0 };
		entry.sent++;
		entry.statuses[status] = (entry.statuses[status] ?? 0) + 1;
		entry.started += started ? 1 : 0;
		answers.set(request.kind, entry);
	});
	const seconds = (Date.now() - started) / 1000;
	const accepted = [...answers.values()].reduce((n, e) => n + e.started, 0);
	const executions = await settledExecutions(n8n, workflow.id);
	const finalCount = executions.length;
	const healthy = await n8n.ready();
	await n8n.deactivate(workflow.id);
	return {
		requests: requests.length,
		seconds: round(seconds, 1),
		accepted,
		executions: finalCount,
		lost: accepted - Math.min(finalCount, accepted),
		extra: Math.max(0, finalCount - accepted),
		answers: Object.fromEntries(answers),
		healthy,
		succeeded: executions.filter((e) => e.status === 'success').length,
	};
}

/**
 * A plain Node fetch loop, the bare baseline for Get Many: the search's pages one after the other,
 * same body, same Bearer token and x-api-key, each page parsed and its items kept, stopping as
 * Get Many stops (a short page, hasNext/has_next false, or 204). It runs in a process of its own
 * on n8n's Node, as the node runs in n8n's: one untimed pass to warm up, then one timed pass.
 * Its peak memory is read the way n8n's is (VmHWM after resetting it).
 */
const BARE_LOOP = `
const fs = require('node:fs');
const { url, headers, body, pageSize } = JSON.parse(process.argv[1]);
const status = (field) => Number(new RegExp('^' + field + ':\\\\s+(\\\\d+) kB', 'm').exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
async function pass() {
	const items = [];
	let requests = 0;
	let bytes = 0;
	const started = performance.now();
	for (let page = 1; ; page++) {
		const response = await fetch(url + '?page=' + page + '&size=' + pageSize, { method: 'POST', headers, body });
		requests++;
		if (response.status === 204) { await response.arrayBuffer(); break; }
		const text = await response.text();
		bytes += Buffer.byteLength(text);
		const answer = JSON.parse(text);
		if (answer.status_code !== 9999) throw new Error('OMICall answered ' + text.slice(0, 200));
		const payload = answer.payload;
		for (const item of payload.items) items.push(item);
		if (payload.items.length < pageSize || payload.hasNext === false || payload.has_next === false) break;
	}
	return { ms: performance.now() - started, items, requests, bytes };
}
(async () => {
	await pass();
	let peakReset = true;
	try { fs.writeFileSync('/proc/self/clear_refs', '5'); } catch { peakReset = false; }
	const rssBefore = status('VmRSS');
	const result = await pass();
	const peak = status('VmHWM');
	process.stdout.write(JSON.stringify({ ms: result.ms, items: result.items.length, requests: result.requests, responseBytes: result.bytes, rssBefore, peak, peakReset }));
})().catch((error) => { console.error(error); process.exit(1); });
`;

async function bareLoop(nodeBin, options) {
	const child = spawn(nodeBin, ['-e', BARE_LOOP, JSON.stringify(options)], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	let out = '';
	child.stdout.on('data', (chunk) => (out += chunk));
	const code = await new Promise((resolve) => child.once('close', resolve));
	if (code !== 0) throw new Error(`the bare loop exited with ${code}`);
	return JSON.parse(out);
}

/** A field of /proc/<pid>/status in bytes (VmRSS: resident now; VmHWM: the peak since the last reset). */
function procStatus(pid, field) {
	const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
		fs.readFileSync(`/proc/${pid}/status`, 'utf8'),
	);
	if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
	return Number(match[1]) * 1024;
}

/** Resets the process's peak resident size (VmHWM) to its current size; false where Linux refuses. */
function resetPeak(pid) {
	try {
		fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
		return true;
	} catch {
		return false;
	}
}

/**
 * The time from a search request's arrival at the simulator to the end of a later answer, on the
 * simulator's clock: the HTTP part of a run, measured the same way for both sides.
 */
function watchSearches(simulator, searchPath) {
	/** @type {Array<{start: number, end: number}>} */
	let seen = [];
	const listener = (req, res) => {
		if (!req.url?.startsWith(searchPath)) return;
		const entry = { start: performance.now(), end: NaN };
		seen.push(entry);
		res.once('finish', () => (entry.end = performance.now()));
	};
	simulator.server.on('request', listener);
	return {
		reset: () => (seen = []),
		/** From the arrival of the `last`-th request before the end to the end of the last answer (default: all). */
		ms: (last = seen.length) => {
			const pass = seen.slice(-last);
			return pass.length ? Math.max(...pass.map((e) => e.end)) - pass[0].start : NaN;
		},
		stop: () => simulator.server.off('request', listener),
	};
}

/**
 * What the call-history step takes from the node's own code, read from the packed tarball (the
 * code n8n runs) rather than dist/, which any build in this working tree deletes and rebuilds.
 * The copy sits in a temporary folder whose node_modules links to the project's, for n8n-workflow.
 */
function callModules(tarball) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omicall-bench-package-'));
	try {
		execFileSync('tar', ['-xzf', tarball, '-C', dir]);
		fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
		const call = path.join(dir, 'package', 'dist', 'nodes', 'OmiCall', 'actions', 'call');
		const { searchWindows } = require(path.join(call, 'history.js'));
		const { MAX_PAGE_SIZE, SEARCH_PATH } = require(path.join(call, 'shared.js'));
		return { searchWindows, MAX_PAGE_SIZE, SEARCH_PATH };
	} finally {
		fs.rmSync(dir, { recursive: true, force: true }); // loaded: the compiled modules require everything up front
	}
}

/**
 * 6. Call history: Get Many with Return All over 10,000 calls in one 30-day search window (200
 * pages of 50) inside n8n, against the bare loop, rounds alternating which goes first; then the
 * same 10,000 calls spread over 90 days, where the node searches in three windows.
 */
async function callHistory(
	n8n,
	credential,
	simulator,
	nodeBin,
	{ searchWindows, MAX_PAGE_SIZE, SEARCH_PATH },
) {
	const workflow = await n8n.createWorkflow(callSearchWorkflow(credential, 'bench-history'));
	await n8n.activate(workflow.id);
	await n8n.webhookReady('bench-history');
	const pid = /** @type {number} */ (n8n.child?.pid);
	const searches = watchSearches(simulator, SEARCH_PATH);
	const endAt = Date.now() - 60_000;
	const range = (days) => ({
		from: new Date(endAt - days * DAY_MS).toISOString(),
		to: new Date(endAt).toISOString(),
	});
	const searchRequests = () => simulator.requests.filter((r) => r.path === SEARCH_PATH);
	const loadBefore = os.loadavg()[0];
	let runs = 0;

	/** One run of the workflow: the figures of its Get Many from the execution, memory from /proc. */
	const runN8n = async (days) => {
		simulator.resetLog();
		searches.reset();
		const peakReset = resetPeak(pid);
		const rssBefore = procStatus(pid, 'VmRSS');
		let sampledPeak = rssBefore; // a fallback where the peak cannot be reset
		const sampler = setInterval(
			() => (sampledPeak = Math.max(sampledPeak, procStatus(pid, 'VmRSS'))),
			20,
		);
		const started = performance.now();
		const answer = await fetch(`${n8n.url}/webhook/bench-history`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(range(days)),
		});
		await answer.arrayBuffer();
		const roundTripMs = performance.now() - started;
		runs++;
		const [summary] = await waitFor(
			async () => {
				const list = (await n8n.executions(workflow.id, { includeData: false })).filter(
					(e) => e.status === 'success' || e.status === 'error' || e.status === 'crashed',
				);
				return list.length >= runs && list.slice(-1);
			},
			{ what: 'the Get Many execution', timeoutMs: 300_000 },
		);
		clearInterval(sampler);
		const peak = peakReset ? procStatus(pid, 'VmHWM') : sampledPeak;
		const execution = await n8n.api('GET', `/executions/${summary.id}?includeData=true`);
		if (answer.status !== 200 || summary.status !== 'success') {
			const error = execution.data?.resultData?.error;
			throw new Error(
				`the Get Many run failed: HTTP ${answer.status}, execution ${summary.status}: ${error?.message} ${error?.description ?? ''}`,
			);
		}
		const task = execution.data.resultData.runData['Get Many'][0];
		const items = task.data.main[0].map((item) => item.json);
		const requests = searchRequests();
		return {
			requests: requests.length,
			windowsSearched: requests.filter((r) => r.query.page === '1').length,
			items: items.length,
			distinct: new Set(items.map((item) => item.callId)).size,
			itemsBytes: Buffer.byteLength(JSON.stringify(items)),
			nodeMs: task.executionTime,
			httpMs: searches.ms(),
			roundTripMs,
			rssBefore,
			peak,
			peakReset,
		};
	};

	const auth = await (await fetch(`${simulator.url}/api/auth?apiKey=${API_KEY}`)).json();
	const window30 = range(30);
	const bareOptions = {
		url: `${simulator.url}${SEARCH_PATH}`,
		headers: {
			authorization: `Bearer ${auth.payload.access_token}`,
			'x-api-key': API_KEY,
			'content-type': 'application/json',
		},
		body: JSON.stringify({
			filter: { fromDate: Date.parse(window30.from), toDate: Date.parse(window30.to) },
			sort: { field: 'time_start_call', isAsc: false },
		}),
		pageSize: MAX_PAGE_SIZE,
	};
	const runBare = async () => {
		simulator.resetLog();
		searches.reset();
		const result = await bareLoop(nodeBin, bareOptions);
		// The simulator saw both passes; the timed one is the second.
		return { ...result, httpMs: searches.ms(result.requests) };
	};

	simulator.clearHistory();
	const generated30 = simulator.generateHistory({
		count: HISTORY_CALLS,
		days: 30,
		seed: HISTORY_SEED,
		endAt,
	});
	log('call history: warming up …');
	await runN8n(30);
	const rounds = [];
	for (let i = 0; i < HISTORY_ROUNDS; i++) {
		log(`call history: round ${i + 1}/${HISTORY_ROUNDS} …`);
		let n8nRun;
		let bare;
		if (i % 2 === 0) {
			n8nRun = await runN8n(30);
			bare = await runBare();
		} else {
			bare = await runBare();
			n8nRun = await runN8n(30);
		}
		const n8nRate = (n8nRun.items / n8nRun.nodeMs) * 1000;
		const bareRate = (bare.items / bare.ms) * 1000;
		rounds.push({ round: i + 1, n8n: n8nRun, bare, n8nRate, bareRate, ratio: n8nRate / bareRate });
	}

	// The same number of calls over 90 days: the node searches three 30-day windows.
	simulator.clearHistory();
	const generated90 = simulator.generateHistory({
		count: HISTORY_CALLS,
		days: 90,
		seed: HISTORY_SEED,
		endAt,
	});
	const windows = searchWindows(endAt - 90 * DAY_MS, endAt).map((w) => {
		const calls = simulator.calls.filter(
			(c) => c.time_start_call * 1000 >= w.fromDate && c.time_start_call * 1000 <= w.toDate,
		).length;
		// A window without calls costs one request (204); else one per page, the last one short or flagged last.
		return { ...w, calls, pages: Math.max(1, Math.ceil(calls / MAX_PAGE_SIZE)) };
	});
	const run90 = await runN8n(90);
	const onEdges = windows.reduce((n, w) => n + w.calls, 0) - HISTORY_CALLS;

	searches.stop();
	await n8n.deactivate(workflow.id);
	simulator.clearHistory();
	const med = (pick) => median(rounds.map(pick));
	return {
		calls: HISTORY_CALLS,
		seed: HISTORY_SEED,
		generatedMs: generated30.ms,
		pageSize: MAX_PAGE_SIZE,
		rounds,
		requests: rounds.map((r) => r.n8n.requests),
		bareRequests: rounds.map((r) => r.bare.requests),
		n8nRate: med((r) => r.n8nRate),
		bareRate: med((r) => r.bareRate),
		ratio: med((r) => r.ratio),
		nodeMs: med((r) => r.n8n.nodeMs),
		bareMs: med((r) => r.bare.ms),
		n8nHttpMs: med((r) => r.n8n.httpMs),
		bareHttpMs: med((r) => r.bare.httpMs),
		roundTripMs: med((r) => r.n8n.roundTripMs),
		itemsBytes: rounds[0].n8n.itemsBytes,
		responseBytes: rounds[0].bare.responseBytes,
		n8nGrowth: Math.max(...rounds.map((r) => r.n8n.peak - r.n8n.rssBefore)),
		n8nPeak: Math.max(...rounds.map((r) => r.n8n.peak)),
		n8nRssBefore: rounds[0].n8n.rssBefore,
		bareGrowth: Math.max(...rounds.map((r) => r.bare.peak - r.bare.rssBefore)),
		peakReset: rounds.every((r) => r.n8n.peakReset && r.bare.peakReset),
		days90: { ...run90, windows, onEdges, generatedMs: generated90.ms },
		load: [loadBefore, os.loadavg()[0]],
		cpus: os.cpus().length,
	};
}

/** 5. Package size and dependencies, and how long n8n took to load it (from its debug log). */
function footprint(tarball, logText) {
	const pack = JSON.parse(
		execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: ROOT, encoding: 'utf8' }),
	)[0];
	const deps = Object.keys(
		JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).dependencies ?? {},
	);
	const lines = logText.split('\n');
	const loaded = lines.findIndex((l) =>
		/Loaded all credentials and nodes from n8n-nodes-omicall/.test(l),
	);
	const stamp = (line) => Date.parse(/^(\S+Z)/.exec(line ?? '')?.[1] ?? '');
	const loadMs = loaded > 0 ? stamp(lines[loaded]) - stamp(lines[loaded - 1]) : NaN;
	return {
		packedBytes: fs.statSync(tarball).size,
		unpackedBytes: pack.unpackedSize,
		files: pack.files.length,
		runtimeDependencies: deps.length,
		loadMs,
	};
}

/** Events per second per round, one panel per n8n configuration, one bar per side. */
function chart(panels) {
	const width = 720;
	const panelHeight = 260;
	const pad = 50;
	const colors = { A: '#0b5fff', B: '#9aa5b1', G: '#f59e0b' };
	const names = Object.keys(SIDES);
	const max =
		Math.max(...panels.flatMap((p) => p.rounds.flatMap((r) => names.map((n) => r[n].rps)))) * 1.15;
	const parts = panels.map((panel, p) => {
		const top = 40 + p * (panelHeight + 30);
		const base = top + panelHeight - pad;
		const y = (value) => base - (value / max) * (panelHeight - pad - 20);
		const groupWidth = (width - pad * 2) / panel.rounds.length;
		const bar = groupWidth / (names.length + 1);
		const bars = panel.rounds.map(
			(r, i) =>
				names
					.map((name, k) => {
						const x = pad + i * groupWidth + bar / 2 + k * bar;
						return `<rect x="${x}" y="${y(r[name].rps)}" width="${bar}" height="${base - y(r[name].rps)}" fill="${colors[name]}"/><text x="${x + bar / 2}" y="${y(r[name].rps) - 4}" text-anchor="middle" font-size="10">${Math.round(r[name].rps)}</text>`;
					})
					.join('') +
				`<text x="${pad + i * groupWidth + groupWidth / 2}" y="${base + 16}" text-anchor="middle" font-size="12">round ${r.round}</text>`,
		);
		return [
			`<text x="${pad}" y="${top + 4}" font-size="13">${panel.title}</text>`,
			`<line x1="${pad}" y1="${base}" x2="${width - pad}" y2="${base}" stroke="#333"/>`,
			...bars,
		].join('\n');
	});
	const legend = names
		.map(
			(name, k) =>
				`<rect x="${pad + k * 190}" y="14" width="12" height="12" fill="${colors[name]}"/><text x="${pad + 18 + k * 190}" y="24" font-size="12">${name}: ${SIDES[name]}</text>`,
		)
		.join('');
	return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${40 + panels.length * (panelHeight + 30)}" font-family="sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
${legend}
${parts.join('\n')}
</svg>
`;
}

const MB = (bytes) => `${round(bytes / 2 ** 20, 1)} MB`;

/**
 * The call-history section of docs/BENCHMARKS.md, with its explanation written from the figures.
 * `alone`: the machine and date, when this section was measured without the rest of the bench.
 */
function historySection(h, alone) {
	const mark = (ok) => (ok ? 'met' : '**missed**');
	const ms = (v) => `${Math.round(v)} ms`;
	const rate = (v) => Math.round(v).toLocaleString('en-US');
	const calls = h.calls.toLocaleString('en-US');
	const pages = Math.ceil(h.calls / h.pageSize);
	const lines = [];
	lines.push('## Call history: Return All over 10,000 calls', '');
	if (alone)
		lines.push(
			`Measured on its own (\`npm run bench -- --only history\`) on ${alone.date}: ${alone.machine} The other sections are from the last full run.`,
			'',
		);
	lines.push(
		`The simulator holds ${calls} calls over 30 days (\`generateHistory({count: ${h.calls}, days: 30, seed: ${h.seed}})\`, built in ${h.generatedMs} ms). A workflow started by n8n's Webhook node runs OMICall → Call → Get Many with Return All over exactly those 30 days: one search window, pages of ${h.pageSize}. Each round also runs the bare loop: a plain Node \`fetch\` loop in a process of its own, on n8n's Node, sending the same requests (same body, Bearer token and \`x-api-key\`) to the same simulator, parsing each page and keeping its items, one untimed pass to warm up and one timed. The two alternate which goes first; after one warm-up run of the workflow, ${h.rounds.length} rounds.`,
		'',
		"Both times run from the first request to the last item: for Get Many, the node's own time as n8n records it in the execution (its `startTime` and `executionTime`, simplification included); for the bare loop, `performance.now()` around its loop. The HTTP column is the same thing seen from the simulator, for both: from the first search request's arrival to the end of the last answer.",
		'',
		`The machine's load average (1 minute) was ${round(h.load[0], 1)} when this step began and ${round(h.load[1], 1)} when it ended, on ${h.cpus} CPUs: ${Math.max(...h.load) > h.cpus ? 'other processes were competing for the CPUs, so single rounds vary; the ratios compare rounds taken side by side' : 'the machine was otherwise quiet'}.`,
		'',
	);
	lines.push(
		'| round | search requests (Get Many / bare) | items | Get Many | bare loop | items/s Get Many | items/s bare | ratio | HTTP span Get Many / bare | n8n RSS before → peak |',
		'|---|---|---|---|---|---|---|---|---|---|',
	);
	for (const r of h.rounds) {
		lines.push(
			`| ${r.round} | ${r.n8n.requests} / ${r.bare.requests} | ${r.n8n.items.toLocaleString('en-US')} | ${ms(r.n8n.nodeMs)} | ${ms(r.bare.ms)} | ${rate(r.n8nRate)} | ${rate(r.bareRate)} | ${round(r.ratio)} | ${ms(r.n8n.httpMs)} / ${ms(r.bare.httpMs)} | ${MB(r.n8n.rssBefore)} → ${MB(r.n8n.peak)} |`,
		);
	}
	const exact = h.requests.every((n) => n === pages);
	const complete = h.rounds.every((r) => r.n8n.items === h.calls && r.n8n.distinct === h.calls);
	lines.push(
		'',
		`**Requests:** Get Many sent ${[...new Set(h.requests)].join(', ')} search requests per run (goal: exactly ${pages}: ${mark(exact)}) and returned ${complete ? `all ${calls} calls, each once` : '**not all the calls, or some twice**'}; the bare loop sent ${[...new Set(h.bareRequests)].join(', ')}. ${calls} calls in pages of ${h.pageSize} are ${pages} pages; the last one is full, and its \`hasNext: false\` ends the search without asking for an empty page ${pages + 1}.`,
		'',
		`**Items per second:** Get Many ${rate(h.n8nRate)}, the bare loop ${rate(h.bareRate)} (medians): **${round(h.ratio)}×** (median of the rounds' ratios; goal ≥ 0.9×: ${mark(h.ratio >= 0.9)}). Median times: Get Many ${ms(h.nodeMs)}, bare loop ${ms(h.bareMs)}; their HTTP spans on the simulator's clock ${ms(h.n8nHttpMs)} and ${ms(h.bareHttpMs)}, so each of Get Many's requests costs ${round((h.n8nHttpMs - h.bareHttpMs) / pages, 2)} ms more than \`fetch\`'s: the time n8n takes between one answer and the next request, in the node's transport and n8n's request helper (the credential read and decrypted, n8n's HTTP client). Get Many spends ${ms(Math.max(0, h.nodeMs - h.n8nHttpMs))} outside its requests (mostly turning ${calls} records into items). The whole run as the caller of the webhook sees it, from the POST to n8n's answer, took ${ms(h.roundTripMs)}.`,
		'',
	);
	const ratio = h.n8nGrowth / h.itemsBytes;
	lines.push(
		`**Memory:** the ${calls} output items are ${MB(h.itemsBytes)} of JSON (OMICall's raw pages: ${MB(h.responseBytes)}). n8n's process (RSS ${MB(h.n8nRssBefore)} before the first round) grew by at most ${MB(h.n8nGrowth)} at its peak during a run (the highest peak: ${MB(h.n8nPeak)}), **${round(ratio, 1)}× the items' own size**. The bare loop, keeping only the parsed records, grew by ${MB(h.bareGrowth)} (${round(h.bareGrowth / h.itemsBytes, 1)}× the items' size). Against OMICall's raw pages, which both keep parsed until the end: n8n ${round(h.n8nGrowth / h.responseBytes, 1)}×, the bare loop ${round(h.bareGrowth / h.responseBytes, 1)}×. ${h.peakReset ? "Peaks are the kernel's VmHWM, reset through /proc/<pid>/clear_refs before each run and read after it" : 'Peaks are RSS sampled every 20 ms (this kernel did not let VmHWM be reset)'}; the growth is the peak less the RSS before the run. A run holds the parsed pages, the items built from them, and n8n's own copies: the execution data it saves to SQLite is serialized from the same items, within the same run.`,
		'',
	);
	const d = h.days90;
	const expected = d.windows.reduce((n, w) => n + w.pages, 0);
	lines.push(
		`**90 days:** the same ${calls} calls spread over 90 days (same seed), which Get Many searches in ${d.windows.length} windows of 30 days, newest first. In one window the ${calls} calls fill ${pages} pages exactly; split into windows, each window's calls end on a partly filled page of their own: ${d.windows.map((w, i) => `${w.pages}${i ? '' : ' pages'} (${w.calls.toLocaleString('en-US')} calls)`).join(' + ')} = ${expected} requests expected from the windows' calls, and Get Many sent **${d.requests}** (${d.windowsSearched} windows, by the requests for page 1) for ${d.items.toLocaleString('en-US')} items${d.distinct === d.items ? ', each call once' : ', **some twice**'}. With no call exactly on a window edge, ${d.windows.length} windows cost at most ${d.windows.length - 1} requests more than one window would.${d.onEdges ? ` ${d.onEdges} call(s) lay exactly on a window edge, found by both windows and kept once.` : ''} That run took ${ms(d.nodeMs)} in Get Many (${rate((d.items / d.nodeMs) * 1000)} items/s, one run).`,
		'',
	);
	return lines;
}

/**
 * 7. The Call History Trigger in n8n. n8n polls at each activation of the workflow (and on its
 * cron, at least a minute apart), so each poll here is a deactivation and an activation.
 */
async function pollingTrigger(n8n, credential, simulator) {
	const SEARCH = '/api/v3/call-transaction/search';
	const HOUR = 60 * 60 * 1000;
	const load = [os.loadavg()[0]];
	simulator.clearHistory();
	const now = Date.now();
	const calls = HISTORY_CALLS;
	const days = 40;
	simulator.generateHistory({ count: calls, days, seed: POLLING_SEED, endAt: now - 60_000 });
	const searches = () => simulator.count(SEARCH);
	const workflow = await n8n.createWorkflow(
		historyTriggerWorkflow(
			credential,
			{ options: { backfillHours: (days + 1) * 24 } },
			'OMICall call history (bench)',
		),
	);
	const executions = async (count) => await n8n.waitForExecutions(workflow.id, count, 600_000);
	/** One poll: n8n deactivates and activates the workflow, which polls at activation. */
	const poll = async (first = false) => {
		if (!first) await n8n.deactivate(workflow.id);
		const before = searches();
		const startedAt = Date.now();
		await n8n.activate(workflow.id);
		return { startedAt, requests: () => searches() - before };
	};

	// Catch-up: the first activation takes in the 41 days before it, 10,000 calls. A poll reads at
	// most 2,000 of them, so it takes several polls; each one that emits starts one execution.
	const items = [];
	let requests = 0;
	let polls = 0;
	let lastExecution;
	const catchUpStart = Date.now();
	while (items.length < calls && polls < 20) {
		const p = await poll(polls === 0);
		polls++;
		const list = await executions(polls);
		lastExecution = list[list.length - 1];
		requests += p.requests();
		const full = await n8n.api('GET', `/executions/${lastExecution.id}?includeData=true`);
		items.push(...full.data.resultData.runData['Show call'][0].data.main[0].map((i) => i.json));
	}
	const times = items.map((i) => Date.parse(i.startedAt));
	const windows = Math.ceil((days + 1) / 30); // the trigger's windows are at most 30 days
	const catchUpFigures = {
		calls,
		days,
		items: items.length,
		distinct: new Set(items.map((i) => i.callId)).size,
		inOrder: times.every((t, i) => i === 0 || times[i - 1] <= t),
		requests,
		polls,
		windows,
		bound: Math.ceil(calls / 50) + windows,
		ms: Date.parse(lastExecution.stoppedAt) - catchUpStart,
	};

	// Nothing new, with a look-back full of calls: 300 new ones in the last 50 minutes first.
	const newestBefore = Math.max(...simulator.calls.map((c) => c.time_start_call)) * 1000;
	const recent = Date.now();
	for (let i = 0; i < 300; i++)
		await simulator.placeCall({
			requireHook: false,
			startedAt: recent - 50 * 60_000 + i * 10_000,
			ringSec: 2,
			talkSec: 5,
		});
	const withNew = await poll();
	await executions(polls + 1);
	const newRequests = withNew.requests();
	// The look-back of that poll: an hour before the newest call seen until then, to now.
	const lookBack = simulator.calls.filter(
		(c) => c.time_start_call * 1000 >= newestBefore - HOUR,
	).length;
	const idle = [];
	for (let i = 0; i < 3; i++) {
		const quiet = await poll();
		await sleep(1500);
		idle.push(quiet.requests());
	}
	const afterIdle = (await n8n.executions(workflow.id, { includeData: false })).length - polls;

	// Delay: a call that has just ended, then a poll; from the poll's start to the execution.
	const delays = [];
	for (let round = 0; round < POLLING_ROUNDS; round++) {
		const talkSec = 20;
		await simulator.placeCall({
			requireHook: false,
			startedAt: Date.now() - (talkSec + 3) * 1000,
			ringSec: 3,
			talkSec,
		});
		const p = await poll();
		const list = await executions(polls + 2 + round);
		const execution = list[list.length - 1];
		delays.push(Date.parse(execution.startedAt) - p.startedAt);
	}
	await n8n.deactivate(workflow.id);
	load.push(os.loadavg()[0]);
	return {
		catchUp: catchUpFigures,
		newCalls: 300,
		newRequests,
		lookBack,
		idle,
		executionsAfterIdle: afterIdle,
		delays,
		delayMs: median(delays),
		load,
		cpus: os.cpus().length,
	};
}

/** The Call History Trigger's section of docs/BENCHMARKS.md. */
function pollingSection(p, alone) {
	const mark = (ok) => (ok ? 'met' : '**missed**');
	const c = p.catchUp;
	const n = (v) => v.toLocaleString('en-US');
	const lines = ['## Call History Trigger: polling cost and delay', ''];
	if (alone)
		lines.push(
			`Measured on its own (\`npm run bench -- --only polling\`) on ${alone.date}: ${alone.machine} The other sections are from the last full run.`,
			'',
		);
	lines.push(
		"A workflow OMICall Call History Trigger → No Op in n8n. n8n polls a poll trigger whenever it activates the workflow and then on its poll times (at least a minute apart), so each poll here is a deactivation and an activation through n8n's public API; the requests are counted in the simulator's log.",
		'',
		`**Catch-up on ${n(c.calls)} calls:** the simulator holds ${n(c.calls)} calls over ${c.days} days (\`generateHistory({count: ${c.calls}, days: ${c.days}, seed: ${POLLING_SEED}})\`); the first activation takes in the ${c.days + 1} days before it (option "On First Activation, Take In the Last (Hours)"), which is ${c.windows} search windows of at most 30 days. A poll reads at most 2,000 calls, oldest first, so the catch-up took **${c.polls} polls** (one execution each). Together they sent **${c.requests}** search requests (goal: ceil(${n(c.calls)}/50) + ${c.windows} windows = ${c.bound}: ${mark(c.requests <= c.bound)}; a later poll may cost a page more, since it reads again the look-back before where the last one stopped, here a few calls that share a page with new ones) and emitted ${n(c.items)} items, ${c.distinct === c.calls && c.items === c.calls ? 'each call once' : '**not each call once**'}, ${c.inOrder ? 'oldest first across all of them' : '**not in time order**'}; ${Math.round(c.ms / 100) / 10} s from the first activation request to the end of the last execution (polls here are back to back; n8n would space them by its poll interval).`,
		'',
		`**Nothing new:** first ${p.newCalls} new calls over the last 50 minutes, which one poll took in with ${p.newRequests} requests (newest first, it reads until the new calls it found make up the difference between the page meta's total and the calls it had seen; its look-back then held ${p.lookBack} calls, ceil(${p.lookBack}/50) = ${Math.ceil(p.lookBack / 50)}). Then three polls with nothing new sent ${p.idle.join(', ')} search request(s) each (goal: exactly 1 each, with ${p.lookBack} calls in the 60-minute look-back: ${mark(p.idle.every((r) => r === 1))}) and started no execution (${p.executionsAfterIdle} execution(s) after the catch-up's: ${mark(p.executionsAfterIdle === 1)}): the total on the first page equals the calls the cursor has seen there.`,
		'',
		`**Delay from a call's end to its execution:** the next poll, then that poll's own time. From the poll's start (the activation request, activation included) to the execution's start in n8n: ${p.delays.map((d) => `${d} ms`).join(', ')} (median **${p.delayMs} ms**, ${p.delays.length} rounds). So with a poll every minute, a call starts its execution on average 30 s + ${p.delayMs} ms after it ends, at worst 60 s + ${p.delayMs} ms; every 5 minutes: 2.5 min and 5 min, plus the same. The OMICall Trigger starts it about when OMICall posts the record.`,
		'',
		`Load average (1 minute): ${round(p.load[0], 1)} at the start of this step, ${round(p.load[1], 1)} at its end, on ${p.cpus} CPUs.`,
		'',
	);
	return lines;
}

/** The "How to run" section. */
function howToRun() {
	return [
		'## How to run',
		'',
		'```sh',
		'npm ci && npm run bench   # BENCH_ROUNDS, BENCH_SECONDS, BENCH_CONNECTIONS adjust it',
		'npm run bench -- --only history   # the call-history section alone (BENCH_HISTORY_ROUNDS, default 7)',
		'npm run bench -- --only polling   # the Call History Trigger section alone (BENCH_POLLING_ROUNDS, default 5)',
		'```',
		'',
	];
}

/**
 * Replaces the sections of `text` whose headings `replacements` names (from the heading to the
 * next "## "), adding a missing one where the full report has it: before "## Footprint", else
 * before "## How to run", else at the end.
 */
function replaceSections(text, replacements) {
	let lines = text.split('\n');
	for (const [heading, section] of Object.entries(replacements)) {
		const start = lines.indexOf(heading);
		if (start >= 0) {
			let end = lines.findIndex((line, i) => i > start && line.startsWith('## '));
			if (end < 0) end = lines.length;
			lines.splice(start, end - start, ...section);
		} else {
			const at =
				['## Footprint', '## How to run'].map((h) => lines.indexOf(h)).find((i) => i >= 0) ??
				lines.length;
			lines.splice(at, 0, ...section);
		}
	}
	return lines.join('\n');
}

function report({ machine, tp, tpLazy, cost, eco, lost, foot, history, polling }) {
	const mark = (ok) => (ok ? 'met' : '**missed**');
	const ms = (v) => `${round(v, 1)} ms`;
	const lines = [];
	lines.push('# Benchmarks', '');
	lines.push(
		`Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}. Every ratio compares figures measured in the same run on the same machine; nothing here is asserted by the test suite.`,
		'',
	);
	lines.push(`Machine: ${machineText(machine)}`, '');
	lines.push("## Throughput and latency: OMICall Trigger (A) against n8n's Webhook node (B)", '');
	lines.push(
		`Each round drives A, B and G for ${ROUND_SECONDS} s each, in an order that rotates every round, with autocannon at ${CONNECTIONS} connections, POSTing the same ${tp.bodyBytes}-byte call record. G is n8n's own GitHub Trigger, activated against a stand-in for GitHub's hooks API on loopback and sent correctly signed requests: the reference for what n8n charges any trigger that registers its own hook. Every workflow ends in the same No Op node; A uses Simplified output.`,
		'',
	);
	const sideCell = (side) =>
		`${round(side.rps, 0)}${side.errors || side.non2xx ? ` (${side.non2xx} non-2xx, ${side.errors} errors)` : ''}`;
	const table = (t) => {
		lines.push(
			'| round | A events/s | B events/s | G events/s | A p50 / p99 | B p50 / p99 | G p50 / p99 | throughput A/B | p99 A/B | throughput G/B |',
			'|---|---|---|---|---|---|---|---|---|---|',
		);
		for (const r of t.rounds)
			lines.push(
				`| ${r.round} | ${sideCell(r.A)} | ${sideCell(r.B)} | ${sideCell(r.G)} | ${ms(r.A.p50)} / ${ms(r.A.p99)} | ${ms(r.B.p50)} / ${ms(r.B.p99)} | ${ms(r.G.p50)} / ${ms(r.G.p99)} | ${round(r.rpsRatio)} | ${round(r.p99Ratio)} | ${round(r.githubRpsRatio)} |`,
			);
		lines.push(
			'',
			`Median throughput ratio A/B: **${round(t.rpsRatio)}** (target ≥ 0.95: ${mark(t.rpsRatio >= 0.95)}). Median p99 ratio A/B: **${round(t.p99Ratio)}** (target ≤ 1.10: ${mark(t.p99Ratio <= 1.1)}). n8n's GitHub Trigger against the Webhook node: throughput ${round(t.githubRpsRatio)}, p99 ${round(t.githubP99Ratio)}.`,
			'',
		);
	};
	lines.push("### With n8n's default settings", '');
	table(tp);
	lines.push('### With `N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true`', '');
	lines.push(
		'The same three workflows after a restart of n8n with this setting (experimental in n8n 2.40; it defers the expression isolate until an expression is evaluated):',
		'',
	);
	table(tpLazy);
	lines.push('![Events per second per round](bench-throughput.svg)', '');
	lines.push('### What decides the ratio', '');
	lines.push(
		`n8n 2.x evaluates expressions in isolated-vm isolates and, by default, keeps one warm isolate and builds a new one whenever it hands one out. For every production webhook request it acquires an isolate before it calls the trigger (\`webhookPhaseNeedsIsolate\` in \`webhooks/live-webhooks.js\`), unless the start node is its own Webhook node (version 2 or later, static parameters). The run that follows acquires another. So with the defaults every trigger except the Webhook node builds two isolates per event where B builds one, and no node can opt out: n8n's own GitHub Trigger reaches ${round(tp.githubRpsRatio)} of B's rate where OMICall Trigger reaches ${round(tp.rpsRatio)}. The trigger's own work is ${cost.small.triggerUs} µs per event (next section) against milliseconds per event for each isolate.`,
		'',
		`With lazy acquisition n8n builds an isolate only when an expression is evaluated. Then the trigger's node version matters: for every webhook node at version 1, n8n evaluates the Webhook node v1 expression \`$parameter["options"]["binaryData"]\` on each request (\`parseRequestBody\` in \`webhooks/webhook-helpers.js\`). OMICall Trigger is at version 1.1 for that reason (it changes nothing in the node), so under this setting it evaluates no expression (A/B ${round(tpLazy.rpsRatio)}), while the GitHub Trigger, at version 1, still builds an isolate per event (G/B ${round(tpLazy.githubRpsRatio)}).`,
		'',
	);
	lines.push("## The trigger's own cost per event", '');
	lines.push(
		'webhook() (secret check, unwrapping, filtering, simplifying) on an already parsed body, next to `JSON.parse` of the same body, in one process:',
		'',
	);
	lines.push(
		'| record | size | trigger µs/event | JSON.parse µs/event | trigger / parse |',
		'|---|---|---|---|---|',
	);
	for (const [name, c] of Object.entries(cost))
		lines.push(`| ${name} | ${c.bytes} B | ${c.triggerUs} | ${c.parseUs} | ${c.ratio} |`);
	lines.push('', "## OMICall call economy (from the simulator's request log)", '');
	lines.push(
		'| step | OMICall calls | of which token exchanges | target | |',
		'|---|---|---|---|---|',
	);
	const row = (name, r, target, ok) =>
		lines.push(
			`| ${name} | ${r.total - r.auth} (${
				r.calls
					.filter((p) => p !== '/api/auth')
					.map((p) => p.replace('/api/webhooks/', ''))
					.join(', ') || 'none'
			}) | ${r.auth} | ${target} | ${mark(ok)} |`,
		);
	row('first activation', eco.activation, '≤ 2', eco.activation.total - eco.activation.auth <= 2);
	row(
		'n8n restart with the workflow active',
		eco.restart,
		'≤ 1',
		eco.restart.total - eco.restart.auth <= 1,
	);
	row('deactivation', eco.deactivation, '≤ 2', eco.deactivation.total - eco.deactivation.auth <= 2);
	row(
		'deactivation restoring a previous hook',
		eco.deactivationRestoring,
		'≤ 3',
		eco.deactivationRestoring.total - eco.deactivationRestoring.auth <= 3,
	);
	row('one test-listen cycle (listen, cancel)', eco.testListen, '—', true);
	const a = eco.actionRuns;
	lines.push(
		'',
		`1,000 action-node executions (List) with API Key authentication across one token expiry: ${a.succeeded} succeeded, ${a.failures} requests refused by n8n, ${a.listCalls} list calls, ${a.refused} refused with an expired token, **${a.tokenExchanges + 1} token exchanges** counting the one before the runs (target 2: ${mark(a.tokenExchanges + 1 === 2)}).`,
		'',
	);
	lines.push('## Nothing lost, nothing forged', '');
	lines.push(
		`${lost.requests} requests (2,000 call events of mixed states and directions, 500 bad ones interleaved) at concurrency 50 into an active trigger with every event selected, in ${lost.seconds} s:`,
		'',
	);
	lines.push('| kind | sent | answers | runs started |', '|---|---|---|---|');
	for (const [kind, e] of Object.entries(lost.answers))
		lines.push(
			`| ${kind} | ${e.sent} | ${Object.entries(e.statuses)
				.map(([s, n]) => `${n} × ${s}`)
				.join(', ')} | ${e.started} |`,
		);
	lines.push(
		'',
		"Malformed JSON (422) and bodies over `N8N_PAYLOAD_SIZE_MAX` (set to 1 MB here) are answered by n8n's own body parser before the trigger runs; n8n 2.40 answers the latter with 500, not 413.",
		'',
	);
	lines.push(
		`Accepted: ${lost.accepted}; executions in n8n: ${lost.executions} (${lost.succeeded} succeeded); **lost ${lost.lost}, extra ${lost.extra}** (target 0 and 0: ${mark(lost.lost === 0 && lost.extra === 0)}). n8n healthy afterwards: ${lost.healthy ? 'yes' : '**no**'}.`,
		'',
	);
	lines.push(...historySection(history));
	lines.push(...pollingSection(polling));
	lines.push('## Footprint', '');
	lines.push(
		`Tarball ${round(foot.packedBytes / 1024, 1)} KB (target ≤ 40 KB: ${mark(foot.packedBytes <= 40 * 1024)}), unpacked ${round(foot.unpackedBytes / 1024, 1)} KB in ${foot.files} files; runtime dependencies: ${foot.runtimeDependencies} (target 0: ${mark(foot.runtimeDependencies === 0)}); n8n loaded the package in ${foot.loadMs} ms (debug log, from the previous loader line to "Loaded all credentials and nodes from n8n-nodes-omicall").`,
		'',
	);
	lines.push(...howToRun());
	return lines.join('\n');
}

/** The machine, as the report names it. */
function machineOf(install) {
	const n8nNode = execFileSync(install.nodeBin, ['--version'], { encoding: 'utf8' }).trim();
	return {
		cpus: os.cpus().length,
		cpu: os.cpus()[0].model.trim(),
		memGb: Math.round(os.totalmem() / 2 ** 30),
		node: process.version,
		n8nNode,
		n8n: install.version,
	};
}

function machineText(machine) {
	return `${machine.cpus} × ${machine.cpu}, ${machine.memGb} GB memory, Node ${machine.node} (bench) and ${machine.n8nNode} (n8n), n8n ${machine.n8n}, SQLite.`;
}

/** `--only history` (or BENCH_ONLY=history): the one step to run; null for the whole bench. */
function onlyStep() {
	const at = process.argv.indexOf('--only');
	const only = at >= 0 ? process.argv[at + 1] : process.env.BENCH_ONLY || undefined;
	if (only !== undefined && only !== 'history' && only !== 'polling')
		throw new Error(`--only knows two steps, history and polling; not ${JSON.stringify(only)}`);
	return only ?? null;
}

async function main() {
	const only = onlyStep();
	const tarball = packPackage(); // builds dist/, which the trigger-cost and call-history steps load
	const call = callModules(tarball);
	// Before n8n runs: it keeps the event loop busy for seconds, which would leave the HTTP
	// client holding keep-alive sockets that n8n closed in the meantime.
	let cost;
	if (!only) {
		log('trigger cost …');
		cost = await triggerCost();
	}
	const install = await installN8n();
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'omicall-bench-'));
	installPackage(userFolder, tarball);
	const simulator = new OmiCallSimulator({ apiKeys: [API_KEY] });
	await simulator.start();
	const github = new GithubStandIn();
	if (!only) await github.start();
	const n8n = new N8nInstance({
		install,
		userFolder,
		env: {
			N8N_LOG_LEVEL: only ? 'warn' : 'debug',
			N8N_PAYLOAD_SIZE_MAX: '1',
			EXECUTIONS_DATA_PRUNE: 'false',
		},
	});
	const docs = path.join(ROOT, 'docs');
	fs.mkdirSync(docs, { recursive: true });
	try {
		await n8n.start();
		await n8n.setupOwner();
		const credential = await n8n.createCredential('OMICall (simulator)', {
			baseUrl: simulator.url,
			authentication: 'apiKey',
			apiKey: API_KEY,
		});
		if (only) {
			log(only === 'history' ? 'call history …' : 'call history trigger …');
			const figures =
				only === 'history'
					? await callHistory(n8n, credential, simulator, install.nodeBin, call)
					: await pollingTrigger(n8n, credential, simulator);
			// Only this section (and "How to run") is rewritten: the others stay as the last full run wrote them.
			const file = path.join(docs, 'BENCHMARKS.md');
			const previous = fs.existsSync(file)
				? fs.readFileSync(file, 'utf8')
				: '# Benchmarks\n\n## How to run\n';
			const alone = {
				date: new Date().toISOString().slice(0, 10),
				machine: machineText(machineOf(install)),
			};
			const section =
				only === 'history' ? historySection(figures, alone) : pollingSection(figures, alone);
			fs.writeFileSync(
				file,
				replaceSections(previous, { [section[0]]: section, '## How to run': howToRun() }),
			);
			console.log(section.join('\n'));
			console.log(JSON.stringify({ [only]: figures }, null, 1));
			return;
		}
		const foot = footprint(tarball, n8n.logText);
		// The load time needs n8n's debug log; the measurements must not pay for it.
		await n8n.stop();
		n8n.extraEnv.N8N_LOG_LEVEL = 'warn';
		await n8n.start();
		await n8n.login();
		log("throughput with n8n's defaults …");
		const tp = await throughput(n8n, credential, simulator, github);
		log('call economy …');
		const eco = await economy(n8n, credential, simulator);
		log('nothing lost …');
		const lost = await nothingLost(n8n, credential, simulator);
		log('call history …');
		const history = await callHistory(n8n, credential, simulator, install.nodeBin, call);
		log('call history trigger …');
		const polling = await pollingTrigger(n8n, credential, simulator);
		log('throughput with lazy expression isolates …');
		await n8n.stop();
		n8n.extraEnv.N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE = 'true';
		await n8n.start();
		await n8n.login();
		const tpLazy = await throughput(n8n, credential, simulator, github);
		const machine = machineOf(install);
		fs.writeFileSync(
			path.join(docs, 'bench-throughput.svg'),
			chart([
				{ title: 'n8n defaults', rounds: tp.rounds },
				{ title: 'N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true', rounds: tpLazy.rounds },
			]),
		);
		const text = report({ machine, tp, tpLazy, cost, eco, lost, foot, history, polling });
		fs.writeFileSync(path.join(docs, 'BENCHMARKS.md'), text);
		console.log(text);
		console.log(JSON.stringify({ tp, tpLazy, cost, eco, lost, foot, history, polling }, null, 1));
	} finally {
		await n8n.stop();
		await simulator.stop();
		if (!only) await github.stop();
		fs.rmSync(userFolder, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
