/**
 * The transport's authentication over real HTTP to the simulator, through n8n-core's
 * ExecuteContext and httpRequestWithAuthentication: API Key mode sends the Bearer token and the
 * raw key (x-api-key) on every request; Access Token mode has no key, so a request that needs one
 * fails before anything is sent.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IExecuteFunctions } from 'n8n-workflow';

import { OmiCallApi } from '../../credentials/OmiCallApi.credentials';
import { omiCallRequest, sessionOwner } from '../../nodes/OmiCall/transport';
import {
	CREDENTIAL_ID,
	CredentialStore,
	testCredential,
	runInProbeNode,
	apiKeyStore,
} from '../harness/n8n-core';
import { type OmiCallSimulator, startSimulator } from '../harness/simulator';

const API_KEY = 'key-transport-auth-0123456789';

let simulator: OmiCallSimulator;
let store: CredentialStore;
/** The headers of every request the simulator received, in order. */
let seen: Array<{ path: string; headers: IncomingHttpHeaders }>;

beforeEach(async () => {
	simulator = await startSimulator({ apiKeys: [API_KEY] });
	seen = [];
	(simulator as unknown as { server: Server }).server.prependListener('request', (req) => {
		seen.push({ path: new URL(req.url ?? '/', 'http://sim').pathname, headers: req.headers });
	});
	store = apiKeyStore(simulator.url, API_KEY);
});
afterEach(async () => simulator.stop());

/** Runs `action` inside a node in n8n-core's ExecuteContext, with this file's credential store. */
const runInNode = async <T>(action: (context: IExecuteFunctions) => Promise<T>): Promise<T> =>
	await runInProbeNode(store, action);

async function failure(
	action: (context: IExecuteFunctions) => Promise<unknown>,
): Promise<{ message: string; description: string; all: string }> {
	try {
		await runInNode(action);
	} catch (error) {
		const e = error as Error & { description?: string };
		return {
			message: e.message,
			description: e.description ?? '',
			all: `${e.message} ${e.description ?? ''} ${JSON.stringify(e)}`,
		};
	}
	throw new Error('expected the request to fail');
}

const list = (context: IExecuteFunctions) =>
	omiCallRequest.call(context, 'GET', '/api/webhooks/list');

describe('API Key mode', () => {
	it('sends the Bearer token and x-api-key on every request, including after a renewal', async () => {
		await runInNode(list);
		await runInNode((c) =>
			omiCallRequest.call(c, 'POST', '/api/webhooks/register', {
				body: { webhook: { type: 'call', url: 'https://crm.example.com/h' } },
			}),
		);
		simulator.expireAllTokens();
		await runInNode((c) =>
			omiCallRequest.call(c, 'POST', '/api/webhooks/destroy', { qs: { hook_type: 'call' } }),
		);

		const token = String(store.get(CREDENTIAL_ID).sessionToken);
		expect(seen.map((s) => s.path)).toEqual([
			'/api/auth',
			'/api/webhooks/list',
			'/api/webhooks/register',
			'/api/webhooks/destroy',
			'/api/auth',
			'/api/webhooks/destroy',
		]);
		const api = seen.filter((s) => s.path !== '/api/auth');
		for (const { headers } of api) {
			expect(headers['x-api-key']).toBe(API_KEY);
			expect(headers.authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
		}
		expect(api[api.length - 1].headers.authorization).toBe(`Bearer ${token}`);
		// The sign-in itself carries the key in its query, as OMICall documents, and no header.
		for (const { headers } of seen.filter((s) => s.path === '/api/auth'))
			expect(headers['x-api-key']).toBeUndefined();
	});

	it('a request that needs the API key is sent with it', async () => {
		expect(
			await runInNode((c) =>
				omiCallRequest.call(c, 'GET', '/api/webhooks/list', { needsApiKey: true }),
			),
		).toEqual([]);
		expect(seen.map((s) => [s.path, s.headers['x-api-key']])).toEqual([
			['/api/auth', undefined],
			['/api/webhooks/list', API_KEY],
		]);
	});
});

describe('Access Token mode', () => {
	beforeEach(() => {
		// n8n keeps a hidden field's value when the mode changes: the old API key is still stored.
		store.set(CREDENTIAL_ID, {
			baseUrl: simulator.url,
			authentication: 'accessToken',
			accessToken: simulator.issueToken(),
			apiKey: API_KEY,
			sessionToken: '',
		});
	});

	it('sends the token alone, never a key left over from API Key mode', async () => {
		expect(await runInNode(list)).toEqual([]);
		expect(seen).toHaveLength(1);
		expect(seen[0].headers.authorization).toBe(
			`Bearer ${String(store.get(CREDENTIAL_ID).accessToken)}`,
		);
		expect(seen[0].headers['x-api-key']).toBeUndefined();
	});

	it('a request that needs the API key fails before anything is sent, saying how to fix it', async () => {
		const error = await failure((c) =>
			omiCallRequest.call(
				c,
				'POST',
				'/api/v3/call-transaction/search',
				{ body: {}, needsApiKey: true },
				0,
			),
		);
		expect(error.message).toBe(
			'This OMICall request needs the API key: set the Authentication of the OMICall credential to "API Key".',
		);
		expect(error.description).toMatch(/access token alone is not enough/);
		expect(error.all).not.toContain(API_KEY);
		expect(error.all).not.toContain(String(store.get(CREDENTIAL_ID).accessToken));
		expect(seen).toEqual([]);
		expect(simulator.requests).toEqual([]);
	});
});

describe('redirects are not followed, so the key and the token go to no other host', () => {
	/** A server that records what reaches it, and one that redirects every request there. */
	async function redirectingTo(): Promise<{
		gateway: string;
		other: string;
		reached: IncomingHttpHeaders[];
		close: () => Promise<void>;
	}> {
		const reached: IncomingHttpHeaders[] = [];
		const other = createServer((req, res) => {
			reached.push(req.headers);
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(
				JSON.stringify({ status_code: 9999, payload: { access_token: simulator.issueToken() } }),
			);
		});
		await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
		// "localhost" and "127.0.0.1" are different origins.
		const otherUrl = `http://localhost:${(other.address() as AddressInfo).port}`;
		const gateway = createServer((req, res) => {
			res.writeHead(307, { location: `${otherUrl}${req.url ?? '/'}` });
			res.end();
		});
		await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
		return {
			gateway: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`,
			other: otherUrl,
			reached,
			close: async () => {
				for (const server of [gateway, other]) {
					server.closeAllConnections();
					await new Promise((resolve) => server.close(resolve));
				}
			},
		};
	}

	it('a request: the error names the redirect and where it led, by host only', async () => {
		const servers = await redirectingTo();
		try {
			store.set(CREDENTIAL_ID, {
				baseUrl: servers.gateway,
				authentication: 'apiKey',
				apiKey: API_KEY,
				sessionToken: simulator.issueToken(),
				sessionOwner: sessionOwner(servers.gateway, API_KEY),
			});
			const error = await failure(list);
			expect(servers.reached).toEqual([]);
			expect(error.message).toBe(
				`OMICall answered GET /api/webhooks/list with a redirect (HTTP 307) to ${servers.other}/…, which the node does not follow, so that the API key and the token go nowhere else.`,
			);
			expect(error.description).toMatch(/^Check the base URL in the credential/);
		} finally {
			await servers.close();
		}
	});

	it('the sign-in', async () => {
		const servers = await redirectingTo();
		try {
			store.set(CREDENTIAL_ID, {
				baseUrl: servers.gateway,
				authentication: 'apiKey',
				apiKey: API_KEY,
				sessionToken: '',
			});
			const error = await failure(list);
			expect(servers.reached).toEqual([]);
			expect(error.message).toBe(
				`OMICall's sign-in (/api/auth) answered with a redirect (HTTP 307) to ${servers.other}/…, which the node does not follow, so that the API key goes nowhere else. Check the base URL in the credential.`,
			);
		} finally {
			await servers.close();
		}
	});

	it("the credential's Test button", async () => {
		const servers = await redirectingTo();
		try {
			store.set(CREDENTIAL_ID, {
				baseUrl: servers.gateway,
				authentication: 'accessToken',
				accessToken: simulator.issueToken(),
				apiKey: '',
				sessionToken: '',
			});
			expect((await testCredential(store, new OmiCallApi())).status).toBe('Error');
			expect(servers.reached).toEqual([]);
		} finally {
			await servers.close();
		}
	});
});
