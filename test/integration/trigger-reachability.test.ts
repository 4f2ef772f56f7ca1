/**
 * The activation guard, through n8n's activation (checkExists, create, delete, retries) as the
 * lifecycle harness runs it: a credential pointing at OMICall on the internet with n8n's URL on
 * this machine fails before any request, while the simulator (loopback on both sides) activates
 * as always. The real OMICall cannot be reached from the tests, so "no request" is checked at the
 * socket: no connection is opened to anything during the refused activation.
 */
import dns from 'node:dns';
import net from 'node:net';

import { apiKeyStore, buildNode, hook, type CredentialStore } from '../harness/n8n-core';
import { type OmiCallSimulator, startSimulator } from '../harness/simulator';
import { pathOf, productionPath, trigger, TriggerFleet } from '../harness/triggers';
import { startWebhookServer, type WebhookServer } from '../harness/webhook-server';

const API_KEY = 'key-trigger-reachability';
const REAL_OMICALL = 'https://public-v1.omicall.com';

let simulator: OmiCallSimulator;
let server: WebhookServer;

beforeEach(async () => {
	simulator = await startSimulator({ apiKeys: [API_KEY] });
	server = await startWebhookServer();
});
afterEach(async () => {
	jest.restoreAllMocks();
	await simulator.stop();
	await server.stop();
});

/** Every outgoing connection and name look-up made while `action` runs. */
async function networkUse(
	action: () => Promise<unknown>,
): Promise<{ error: Error; used: string[] }> {
	const used: string[] = [];
	jest.spyOn(net.Socket.prototype, 'connect').mockImplementation(function (
		this: net.Socket,
		...args: unknown[]
	) {
		used.push(`connect ${JSON.stringify(args[0])}`);
		this.destroy(new Error('no connection expected'));
		return this;
	});
	jest.spyOn(dns, 'lookup').mockImplementation(((host: string) => {
		used.push(`lookup ${host}`);
		throw new Error('no look-up expected');
	}) as unknown as typeof dns.lookup);
	const error = await action().then(
		() => {
			throw new Error('activation was expected to fail');
		},
		(e: Error) => e,
	);
	jest.restoreAllMocks();
	return { error, used };
}

function expectRefusal(error: Error, shownUrl: string): void {
	expect(error.message).toBe(
		`OMICall cannot reach this n8n: the webhook URL it would call, ${shownUrl}, is a loopback address (this machine only). Set WEBHOOK_URL to n8n's public address (for example WEBHOOK_URL=https://n8n.example.com/), restart n8n and activate the workflow again. See https://github.com/TODO-owner/n8n-nodes-omicall#making-n8n-reachable-for-omicall`,
	);
	expect((error as { description?: string }).description).toBe(
		'The credential points at OMICall on the internet (https://public-v1.omicall.com), which cannot call an address on this machine or a private network. Nothing was registered with OMICall.',
	);
}

describe('OMICall on the internet, n8n at a loopback address (WEBHOOK_URL not set)', () => {
	let store: CredentialStore;
	beforeEach(() => {
		store = apiKeyStore(REAL_OMICALL, API_KEY);
	});

	it("fails n8n's activation, all five attempts, without a connection or a look-up, and keeps nothing", async () => {
		const fleet = new TriggerFleet(server, store, { retryDelayMs: 1 });
		const run = fleet.trigger('b1b2c3d4-0000-4000-8000-00000000beef');
		const { error, used } = await networkUse(() => fleet.activate(run));
		expectRefusal(error, `${server.url}/…`);
		expect(used).toEqual([]);
		expect(server.requestTargets).toEqual([]);
		// No token was fetched into the credential, no secret kept in the workflow's static data.
		expect(store.get('cred-1').sessionToken).toBe('');
		expect(run.workflow.staticData['node:OMICall Trigger'] ?? {}).toEqual({});
	});

	it.each([
		['localhost', 'http://localhost:5678'],
		['[::1]', 'http://[::1]:5678'],
	])(
		'refuses n8n at %s, for a test listen too, and the secret and path stay out of the message',
		async (_host, base) => {
			const run = buildNode(trigger, { triggerOn: 'call', events: ['cdr'] }, store, {
				webhookBaseUrl: base,
				webhookId: 'c1c2c3d4-0000-4000-8000-00000000f00d',
			});
			for (const isTest of [false, true]) {
				for (const method of ['checkExists', 'create'] as const) {
					const { error, used } = await networkUse(() => hook(run, trigger, method, { isTest }));
					expectRefusal(error, `${base}/…`);
					expect(error.message).not.toContain('c1c2c3d4');
					expect(used).toEqual([]);
				}
			}
		},
	);

	it('refuses an empty base URL (production) just the same', async () => {
		store.set('cred-1', { ...store.get('cred-1'), baseUrl: '' });
		const fleet = new TriggerFleet(server, store, { retryDelayMs: 1 });
		const { error, used } = await networkUse(() =>
			fleet.activate(fleet.trigger('d1d2c3d4-0000-4000-8000-00000000d00d')),
		);
		expectRefusal(error, `${server.url}/…`);
		expect(used).toEqual([]);
	});
});

describe('a base URL without https:// (not a URL the transport takes), n8n at a loopback address', () => {
	it.each(['localhost:4010', '127.0.0.1:4010', 'public-v1.omicall.com'])(
		'%s: activation fails with what is wrong with the base URL, without a connection',
		async (baseUrl) => {
			const fleet = new TriggerFleet(server, apiKeyStore(baseUrl, API_KEY), { retryDelayMs: 1 });
			const { error, used } = await networkUse(() =>
				fleet.activate(fleet.trigger('f1f2c3d4-0000-4000-8000-00000000f00d')),
			);
			expect(error.message).toBe(
				`The base URL in the OMICall credential is not a valid URL. Enter the address of OMICall's API, with https://, for example ${REAL_OMICALL}.`,
			);
			expect(used).toEqual([]);
		},
	);
});

describe('the simulator: OMICall and n8n both on loopback', () => {
	it('activates as always and registers the loopback URL', async () => {
		const fleet = new TriggerFleet(server, apiKeyStore(simulator.url, API_KEY));
		const run = fleet.trigger('e1e2c3d4-0000-4000-8000-00000000e00d');
		await fleet.activate(run);
		const registered = simulator.hooks.get('call')?.url;
		expect(pathOf(registered)).toBe(productionPath(run));
		expect(new URL(registered!).origin).toBe(server.url);
	});
});
