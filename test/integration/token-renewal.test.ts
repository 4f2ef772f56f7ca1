/**
 * Token renewal and the answers that count as a refused token: the OMICall action node run through
 * n8n-core's ExecuteContext over real HTTP to the simulator, with a credential store that awaits
 * like n8n's database.
 */
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { OmiCall } from '../../nodes/OmiCall/OmiCall.node';
import { buildNode, CREDENTIAL_ID, CredentialStore, executeNode } from '../harness/n8n-core';
import { type OmiCallSimulator, startSimulator } from '../harness/simulator';

const API_KEY = 'key-renewal-0123456789';
const CONCURRENT = 5;
const nodeType = new OmiCall();

let simulator: OmiCallSimulator;
let store: CredentialStore;

beforeEach(async () => {
	simulator = await startSimulator({ apiKeys: [API_KEY] });
	store = new CredentialStore();
	store.set(CREDENTIAL_ID, { baseUrl: simulator.url, authentication: 'apiKey', apiKey: API_KEY, sessionToken: '' });
});
afterEach(async () => {
	jest.restoreAllMocks();
	await simulator.stop();
});

function run(parameters: INodeParameters = { operation: 'list' }): Promise<INodeExecutionData[]> {
	return executeNode(buildNode(nodeType, { resource: 'webhook', ...parameters }, store), nodeType);
}

type Outcome = { ok: true; items: number } | { ok: false; message: string; description: string; all: string };

async function settle(promise: Promise<INodeExecutionData[]>): Promise<Outcome> {
	try {
		return { ok: true, items: (await promise).length };
	} catch (error) {
		const e = error as Error & { description?: string };
		return { ok: false, message: e.message, description: e.description ?? '', all: `${e.message} ${e.description ?? ''} ${JSON.stringify(e)}` };
	}
}

/** Signs in once, so the store holds a token, then forgets that traffic. */
async function signedIn(): Promise<string> {
	expect(await run()).toEqual([]);
	simulator.resetLog();
	return String(store.get(CREDENTIAL_ID).sessionToken);
}

describe('concurrent requests meeting one expiry', () => {
	// n8n reads the credential from its database before each request and before renewing; 20 ms
	// makes every refused request overlap with the first one's renewal, as on a busy n8n.
	beforeEach(() => {
		store.ioDelayMs = 20;
	});

	it.each(['401', 'envelope'] as const)('renew the token once (%s) and all succeed', async (style) => {
		simulator.expiredTokenStyle = style;
		const oldToken = await signedIn();
		simulator.expireAllTokens();

		const outcomes = await Promise.all(Array.from({ length: CONCURRENT }, () => settle(run())));

		expect(outcomes).toEqual(Array(CONCURRENT).fill({ ok: true, items: 0 }));
		expect(simulator.count('/api/auth')).toBe(1);
		expect(store.get(CREDENTIAL_ID).sessionToken).not.toBe(oldToken);
	});

	it("all get the sign-in error when the renewal fails, not 'rejected even after renewing'", async () => {
		await signedIn();
		simulator.expireAllTokens();
		simulator.apiKeys.splice(0, simulator.apiKeys.length); // the key was revoked in the portal

		const outcomes = await Promise.all(Array.from({ length: CONCURRENT }, () => settle(run())));

		for (const outcome of outcomes) {
			expect(outcome).toMatchObject({ ok: false, message: expect.stringMatching(/^The API key was not accepted\. .*\(OMICall code: api_key_invalid\)$/) });
			if (!outcome.ok) expect(outcome.all).not.toContain(API_KEY);
		}
		expect(simulator.count('/api/auth')).toBe(1);
	});
});
