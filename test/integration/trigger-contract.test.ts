/**
 * The trigger's contract under random orders of events: seeded sequences of activations,
 * deactivations, re-publishes, n8n 1.x restarts and test listens over three workflows (one of
 * them with two OMICall Triggers), some with OMICall losing its answer after applying a
 * register, in n8n 2.x's order of deactivation or, for a quarter of them, n8n 1.x's. After every step, for the call hook of the one OMICall account:
 * 1. while any trigger is served (active, or listening), the hook is the URL of one of them,
 *    with that trigger's current secret;
 * 2. when none is, the hook is the URL that was there before the first trigger, or none;
 * 3. that URL is never destroyed (it is back at the end of every sequence).
 * A failure names the seed and the steps; OMICALL_CONTRACT_SEED=<seed> replays one sequence.
 */
import { createHash } from 'node:crypto';

import { type NodeRun, apiKeyStore } from '../harness/n8n-core';
import { type OmiCallSimulator, startSimulator } from '../harness/simulator';
import { pathOf, productionPath, secretOf, testPath, TriggerFleet } from '../harness/triggers';
import { startWebhookServer, type WebhookServer } from '../harness/webhook-server';

const API_KEY = 'key-trigger-contract';
const FOREIGN = 'https://crm.example.com/omicall?token=crm-private-value';
const SEQUENCES = 300;
const STEPS = 14;

let simulator: OmiCallSimulator;
let server: WebhookServer;
let fleet: TriggerFleet;

beforeAll(async () => {
	simulator = await startSimulator({ apiKeys: [API_KEY] });
	server = await startWebhookServer();
	const store = apiKeyStore(simulator.url, API_KEY);
	fleet = new TriggerFleet(server, store);
});
afterAll(async () => {
	await simulator.stop();
	await server.stop();
});

/** mulberry32: small, seedable, good enough to pick steps. */
function random(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const hashOf = (run: NodeRun) =>
	(run.workflow.staticData[`node:${run.node.name}`] as { secretHash?: string } | undefined)
		?.secretHash;

interface Workflow {
	name: string;
	triggers: NodeRun[];
	active: boolean;
	listen?: NodeRun;
}

async function runSequence(seed: number): Promise<void> {
	const next = random(seed);
	const pick = <T>(list: T[]): T => list[Math.floor(next() * list.length)];
	const id = (name: string) => `c${seed}-${name}`;
	const workflows: Workflow[] = [
		{ name: 'W1', triggers: [fleet.trigger(id('w1'))], active: false },
		{
			name: 'W2',
			triggers: [fleet.trigger(id('w2'), { events: ['ringing', 'cdr'] })],
			active: false,
		},
		{ name: 'W3', triggers: [fleet.trigger(id('w3a')), fleet.trigger(id('w3b'))], active: false },
	];
	simulator.hooks.clear();
	simulator.faults.length = 0;
	const origin = next() < 0.8 ? FOREIGN : undefined;
	const major = next() < 0.25 ? 1 : 2;
	fleet.n8nMajor = major;
	if (origin)
		simulator.hooks.set('call', {
			url: origin,
			type: 'call',
			status: 'actived',
			events: ['hangup'],
		});

	const steps: string[] = [
		`(n8n ${major}.x's order of deactivation; the hook starts as ${origin ? 'the original URL' : 'none'})`,
	];
	const fail = (why: string): never => {
		throw new Error(
			`Contract broken (seed ${seed}; replay with OMICALL_CONTRACT_SEED=${seed}): ${why}\nSteps:\n  ${steps.join('\n  ')}\nHook: ${simulator.hooks.get('call')?.url ?? 'none'}`,
		);
	};
	const check = () => {
		const hook = simulator.hooks.get('call')?.url;
		const served: Array<{ path: string; hash?: string }> = [];
		for (const w of workflows) {
			if (w.active)
				for (const t of w.triggers) served.push({ path: productionPath(t), hash: hashOf(t) });
			if (w.listen) served.push({ path: testPath(w.listen), hash: hashOf(w.listen) });
		}
		if (served.length) {
			const holder = served.find((s) => s.path === pathOf(hook));
			if (!holder) fail('a trigger is active or listening, but the hook is not any of theirs');
			else if (holder.hash !== sha256(secretOf(hook) ?? ''))
				fail('the hook carries a secret its trigger no longer accepts');
		} else if (hook !== origin) {
			fail(
				`no trigger is active or listening, but the hook is not ${origin ? 'the original URL' : 'gone'}`,
			);
		}
	};

	for (let step = 0; step < STEPS; step++) {
		const w = pick(workflows);
		if (next() < 0.15) {
			simulator.loseAnswer(
				'/api/webhooks/register',
				next() < 0.5 ? { drop: true } : { status: 504 },
			);
			steps.push('(the next register answer is lost after OMICall applies it)');
		}
		const roll = next();
		if (roll < 0.3) {
			if (w.active) continue;
			steps.push(`activate ${w.name}`);
			w.active = true;
			await fleet.activateTogether(w.triggers);
		} else if (roll < 0.5) {
			if (!w.active) continue;
			steps.push(`deactivate ${w.name}`);
			w.active = false;
			for (const errors of await fleet.deactivateTogether(w.triggers))
				if (errors.length) fail(`deactivation failed: ${errors[0].message}`);
		} else if (roll < 0.6) {
			if (!w.active) continue;
			steps.push(`re-publish ${w.name}`);
			await fleet.deactivateTogether(w.triggers);
			await fleet.activateTogether(w.triggers);
		} else if (roll < 0.8) {
			if (w.listen || w.triggers.length > 1) continue;
			steps.push(`listen for a test event in ${w.name}`);
			w.listen = await fleet.listen(w.triggers[0].node.webhookId!, w.triggers[0].node.parameters);
		} else if (roll < 0.95) {
			if (!w.listen) continue;
			steps.push(`stop listening in ${w.name}`);
			await fleet.stopListening(w.listen);
			w.listen = undefined;
		} else {
			steps.push('n8n 1.x restart: checkExists (and create if false) for every active trigger');
			for (const v of workflows) if (v.active) await fleet.activateTogether(v.triggers);
		}
		check();
	}

	// Wind down in a random order: the original URL must come back.
	for (const w of [...workflows].sort(() => next() - 0.5)) {
		if (w.listen) {
			steps.push(`stop listening in ${w.name}`);
			await fleet.stopListening(w.listen);
			w.listen = undefined;
			check();
		}
		if (w.active) {
			steps.push(`deactivate ${w.name}`);
			w.active = false;
			await fleet.deactivateTogether(w.triggers);
			check();
		}
	}
}

it(`keeps rules 1-3 after every step of ${SEQUENCES} random sequences`, async () => {
	const replay = process.env.OMICALL_CONTRACT_SEED;
	const first = replay ? Number(replay) : Math.floor(Math.random() * 1e9);
	const count = replay ? 1 : SEQUENCES;
	process.stderr.write(`trigger contract: seeds ${first} to ${first + count - 1}\n`);
	for (let seed = first; seed < first + count; seed++) await runSequence(seed);
}, 240_000);
