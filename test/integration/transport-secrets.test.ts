/**
 * Secrets never reach an error, a Continue On Fail item or the Test button through the transport:
 * not the user:password@ or query of a base URL (refused before anything is sent), not the API
 * key, a token or a URL that OMICall's text echoes, not a URL in another library's error. And only
 * network failures are called "Could not reach OMICall": other errors keep their reason.
 * Over real HTTP to the simulator, through n8n-core's ExecuteContext and RoutingNode.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type {
	ICredentialDataDecryptedObject,
	IExecuteFunctions,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
} from 'n8n-workflow';
import { getCredentialOwnRequestAllowedDomains, UserError } from 'n8n-workflow';

import { OmiCallApi } from '../../credentials/OmiCallApi.credentials';
import { OmiCall } from '../../nodes/OmiCall/OmiCall.node';
import { downloadRecording, omiCallRequest, rateLimitRetry } from '../../nodes/OmiCall/transport';
import {
	buildNode,
	CREDENTIAL_ID,
	CredentialStore,
	executeNode,
	testCredential,
	runInProbeNode,
	apiKeyStore,
} from '../harness/n8n-core';
import { type OmiCallSimulator, startSimulator } from '../harness/simulator';

const API_KEY = 'key-transport-secrets-0123456789';
const PASSWORD = 'Pa55w0rd-base';
const QUERY_TOKEN = 'proxy-token-777';

let simulator: OmiCallSimulator;
let store: CredentialStore;

beforeEach(async () => {
	simulator = await startSimulator({ apiKeys: [API_KEY] });
	store = apiKeyStore(simulator.url, API_KEY);
});
afterEach(async () => simulator.stop());

/** Runs `action` inside a node in n8n-core's ExecuteContext, with this file's credential store. */
const runInNode = async <T>(action: (context: IExecuteFunctions) => Promise<T>): Promise<T> =>
	await runInProbeNode(store, action);

interface Failure {
	message: string;
	description: string;
	/** Message, description and the error as n8n serialises it. */
	all: string;
}

async function failure(action: (context: IExecuteFunctions) => Promise<unknown>): Promise<Failure> {
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
	omiCallRequest.call(context, 'GET', '/api/webhooks/list', {}, 0);

/** The simulator's address with user info, a query or a fragment added. */
function simulatorWith(extra: 'userInfo' | 'query' | 'fragment'): string {
	const { port } = new URL(simulator.url);
	if (extra === 'userInfo') return `http://omi-admin:${PASSWORD}@127.0.0.1:${port}`;
	return extra === 'query'
		? `http://127.0.0.1:${port}/?access=${QUERY_TOKEN}`
		: `http://127.0.0.1:${port}/#${QUERY_TOKEN}`;
}

describe('a base URL with user info, a query or a fragment is refused before anything is sent', () => {
	const cases = [
		[
			'userInfo',
			/^The base URL in the OMICall credential \(http:\/\/127\.0\.0\.1:\d+\) contains a user name or password \(user:password@\)/,
		],
		[
			'query',
			/^The base URL in the OMICall credential \(http:\/\/127\.0\.0\.1:\d+\) contains a query \(the part from "\?"\)/,
		],
		[
			'fragment',
			/^The base URL in the OMICall credential \(http:\/\/127\.0\.0\.1:\d+\) contains a fragment \(the part from "#"\)/,
		],
	] as const;

	it.each(cases)(
		'%s: a request, in either mode, names the host and port only',
		async (extra, expected) => {
			for (const authentication of ['apiKey', 'accessToken']) {
				store.set(CREDENTIAL_ID, {
					baseUrl: simulatorWith(extra),
					authentication,
					apiKey: API_KEY,
					accessToken: simulator.issueToken(),
					sessionToken: '',
				});
				const error = await failure(list);
				expect(error.message).toMatch(expected);
				expect(error.description).toMatch(/^Nothing was sent to OMICall\./);
				expect(error.all).not.toContain(PASSWORD);
				expect(error.all).not.toContain(QUERY_TOKEN);
				expect(error.all).not.toContain(API_KEY);
			}
			expect(simulator.requests).toEqual([]);
		},
	);

	it.each(cases)("%s: the credential's Test button, in either mode", async (extra, expected) => {
		for (const authentication of ['apiKey', 'accessToken']) {
			store.set(CREDENTIAL_ID, {
				baseUrl: simulatorWith(extra),
				authentication,
				apiKey: API_KEY,
				accessToken: simulator.issueToken(),
				sessionToken: '',
			});
			const result = await testCredential(store, new OmiCallApi());
			expect([authentication, result]).toEqual([
				authentication,
				{ status: 'Error', message: expect.stringMatching(expected) },
			]);
			expect(result.message).not.toContain(PASSWORD);
			expect(result.message).not.toContain(QUERY_TOKEN);
		}
		expect(simulator.requests).toEqual([]);
	});

	it('with Continue On Fail, the error item holds no password or query token', async () => {
		const nodeType = new OmiCall();
		for (const extra of ['userInfo', 'query'] as const) {
			store.set(CREDENTIAL_ID, {
				baseUrl: simulatorWith(extra),
				authentication: 'apiKey',
				apiKey: API_KEY,
				sessionToken: '',
			});
			const built = buildNode(nodeType, { resource: 'webhook', operation: 'list' }, store);
			built.node.continueOnFail = true;
			const out: INodeExecutionData[] = await executeNode(built, nodeType);
			expect(out).toEqual([
				{
					json: { error: expect.stringMatching(/^The base URL in the OMICall credential/) },
					pairedItem: { item: 0 },
				},
			]);
			expect(JSON.stringify(out)).not.toContain(PASSWORD);
			expect(JSON.stringify(out)).not.toContain(QUERY_TOKEN);
		}
		expect(simulator.requests).toEqual([]);
	});

	it('a base URL that is not a valid http(s) URL is named so, and nothing is sent', async () => {
		const { port } = new URL(simulator.url);
		for (const baseUrl of [
			`http:/127.0.0.1:${port}`,
			`ftp://127.0.0.1:${port}`,
			'https://[zz',
			'public-v1.omicall.com',
		]) {
			store.set(CREDENTIAL_ID, {
				baseUrl,
				authentication: 'apiKey',
				apiKey: API_KEY,
				sessionToken: '',
			});
			expect([baseUrl, (await failure(list)).message]).toEqual([
				baseUrl,
				expect.stringMatching(/^The base URL in the OMICall credential is not a valid URL\./),
			]);
		}
		expect(simulator.requests).toEqual([]);
	});
});

describe('the base URL is quoted by scheme, host and port only', () => {
	it('when OMICall cannot be reached: the path of a proxy is not shown', async () => {
		store.set(CREDENTIAL_ID, {
			baseUrl: 'https://omicall-secrets.invalid:8443/gateway/secret-path-4242',
			authentication: 'apiKey',
			apiKey: API_KEY,
			sessionToken: '',
		});
		const error = await failure(list);
		expect(error.message).toBe(
			'Could not reach OMICall at https://omicall-secrets.invalid:8443/…: the host name could not be resolved. Check the base URL in the credential.',
		);
		expect(error.all).not.toContain('secret-path-4242');
	});

	it('when OMICall answers something that is not JSON', async () => {
		store.set(CREDENTIAL_ID, {
			baseUrl: `${simulator.url}/gateway-secret-4242`,
			authentication: 'accessToken',
			accessToken: simulator.issueToken(),
			sessionToken: '',
		});
		simulator.injectFault('/gateway-secret-4242/api/webhooks/list', {
			status: 200,
			body: '<html>Maintenance</html>',
			contentType: 'text/html',
		});
		const error = await failure(list);
		expect(error.message).toBe(
			'OMICall answered GET /api/webhooks/list with something that is not JSON (HTTP 200).',
		);
		expect(error.description).toBe(
			`Check that the base URL in the credential (${simulator.url}/…) is OMICall's API, for example https://public-v1.omicall.com.`,
		);
		expect(error.all).not.toContain('gateway-secret-4242');
	});
});

describe('errors that are not network errors keep their reason', () => {
	/**
	 * n8n 2.40.7's CredentialsHelper runs preAuthentication through restrictToCredentialDomains:
	 * with the credential's "Allowed HTTP Request Domains" set to a list, n8n refuses the sign-in
	 * to any other host with "Domain not allowed: …". The same, over the harness store.
	 */
	class RestrictedStore extends CredentialStore {
		async preAuthentication(
			helpers: IHttpRequestHelper,
			credentials: ICredentialDataDecryptedObject,
			typeName: string,
			node: INode,
			expired: boolean,
		) {
			const restricted = {
				helpers: {
					...helpers.helpers,
					httpRequest: async (options: IHttpRequestOptions) => {
						const allowedDomains = getCredentialOwnRequestAllowedDomains(credentials);
						if (allowedDomains === undefined) return await helpers.helpers.httpRequest(options);
						return await helpers.helpers.httpRequest({ ...options, allowedDomains });
					},
				},
			} as IHttpRequestHelper;
			return await super.preAuthentication(restricted, credentials, typeName, node, expired);
		}
	}

	it("n8n's 'Domain not allowed' refusal of the sign-in is reported as such, not as 'Could not reach OMICall'", async () => {
		store = new RestrictedStore();
		store.set(CREDENTIAL_ID, {
			baseUrl: simulator.url,
			authentication: 'apiKey',
			apiKey: API_KEY,
			sessionToken: '',
			allowedHttpRequestDomains: 'domains',
			allowedDomains: 'public-v1.omicall.com',
		});
		const error = await failure(list);
		expect(error.message).toMatch(
			/^The request to OMICall at http:\/\/127\.0\.0\.1:\d+ failed: Domain not allowed: .*public-v1\.omicall\.com/,
		);
		expect(error.all).not.toContain(API_KEY);
		expect(simulator.requests).toEqual([]);
	});

	/** A store whose requests fail inside n8n with `error`, as n8n's own checks or Node's sockets do. */
	class FailingStore extends CredentialStore {
		constructor(private readonly error: Error) {
			super();
		}
		async authenticate(): Promise<IHttpRequestOptions> {
			throw this.error;
		}
	}

	function failingWith(message: string, code?: string): CredentialStore {
		const error = Object.assign(new UserError(message), code ? { code } : {});
		const failing = new FailingStore(error);
		failing.set(CREDENTIAL_ID, {
			baseUrl: simulator.url,
			authentication: 'accessToken',
			accessToken: simulator.issueToken(),
			sessionToken: '',
		});
		return failing;
	}

	it('the reason of any other error is kept, without the URLs, the key or the token in it', async () => {
		store = failingWith(
			`Blocked GET https://user:pw@proxy.example.com/out?token=${QUERY_TOKEN} for ${API_KEY}`,
		);
		store.set(CREDENTIAL_ID, {
			...store.get(CREDENTIAL_ID),
			apiKey: API_KEY,
			authentication: 'apiKey',
			sessionToken: simulator.issueToken(),
		});
		const error = await failure(list);
		expect(error.message).toMatch(
			/^The request to OMICall at http:\/\/127\.0\.0\.1:\d+ failed: Blocked GET https:\/\/proxy\.example\.com\/… for \*\*\*\.$/,
		);
		expect(error.all).not.toContain(QUERY_TOKEN);
		expect(error.all).not.toContain(API_KEY);
	});

	it.each([
		[
			'EHOSTUNREACH',
			/^Could not reach OMICall at http:\/\/127\.0\.0\.1:\d+: the network has no route to that host \(EHOSTUNREACH\)\./,
		],
		[
			'ECONNABORTED',
			/^OMICall at http:\/\/127\.0\.0\.1:\d+ closed the connection before answering\.$/,
		],
		[
			'CERT_HAS_EXPIRED',
			/^Could not reach OMICall at http:\/\/127\.0\.0\.1:\d+ securely: its TLS certificate or connection was not accepted \(CERT_HAS_EXPIRED\)\./,
		],
		['ETIMEDOUT', /^OMICall at http:\/\/127\.0\.0\.1:\d+ did not answer within 30 seconds\.$/],
		['ERR_INVALID_URL', /^The base URL in the OMICall credential is not a valid URL\./],
		[
			'ERR_SOMETHING_NEW',
			/^The request to OMICall at http:\/\/127\.0\.0\.1:\d+ failed: something new happened\.$/,
		],
	])('%s', async (code, expected) => {
		store = failingWith('something new happened', code);
		expect((await failure(list)).message).toMatch(expected);
	});
});

describe("OMICall's text is quoted without secrets, URLs or its full length", () => {
	const FOREIGN = `https://crm.example.com/omicall?token=${QUERY_TOKEN}`;

	async function signedIn(): Promise<string> {
		await runInNode(list);
		simulator.resetLog();
		return String(store.get(CREDENTIAL_ID).sessionToken);
	}

	it('the sign-in error masks the API key OMICall quoted back', async () => {
		simulator.injectFault('/api/auth', {
			body: { status_code: -9999, message: `api key ${API_KEY} is not active, see ${FOREIGN}` },
		});
		const error = await failure(list);
		expect(error.message).toBe(
			'OMICall answered with the error "api key *** is not active, see https://crm.example.com/…". (OMICall code: api key *** is not active, see https://crm.example.com/…)',
		);
		expect(error.all).not.toContain(API_KEY);
		expect(error.all).not.toContain(QUERY_TOKEN);
	});

	it("a request's error masks the key and the token, and cuts a webhook URL to its host", async () => {
		const token = await signedIn();
		simulator.injectFault('/api/webhooks/register', {
			body: {
				status_code: -9999,
				message: `webhook_url_invalid: ${FOREIGN} is not reachable (key ${API_KEY}, token ${token})`,
			},
		});
		const error = await failure((c) =>
			omiCallRequest.call(
				c,
				'POST',
				'/api/webhooks/register',
				{ body: { webhook: { type: 'call', url: FOREIGN } } },
				0,
			),
		);
		expect(error.message).toBe(
			'OMICall answered with the error "webhook_url_invalid: https://crm.example.com/… is not reachable (key ***, token ***)". (OMICall code: webhook_url_invalid: https://crm.example.com/… is not reachable (key ***, token ***))',
		);
		for (const secret of [API_KEY, token, QUERY_TOKEN]) expect(error.all).not.toContain(secret);
	});

	it.each([
		['crm.example.com/h?token=CRMTOKEN5555'],
		['//crm.example.com/h?key=CRMTOKEN5555'],
		['https:/crm.example.com/h?key=CRMTOKEN5555'],
		['https%3A%2F%2Fcrm.example.com%2Fh%3Fkey%3DCRMTOKEN5555'],
		['https://user:pa ss@crm.example.com/h?key=CRMTOKEN5555'],
		['https://crm.example.com/h\n?key=CRMTOKEN5555'],
		['https://crm.example.com/h\u00a0?key=CRMTOKEN5555'],
	])(
		'a URL echoed as %j leaves no token in the item of Webhook List with Continue On Fail',
		async (url) => {
			simulator.injectFault('/api/webhooks/list', {
				body: { status_code: -9999, message: `webhook_url_invalid ${url}` },
			});
			const built = buildNode(
				new OmiCall(),
				{ resource: 'webhook', operation: 'list', options: {} },
				store,
			);
			built.node.continueOnFail = true;
			const [item] = await executeNode(built, new OmiCall(), [{ json: {} }]);
			expect(item.json.error).toContain('webhook_url_invalid');
			expect(JSON.stringify(item)).not.toContain('CRMTOKEN5555');
			expect(JSON.stringify(item)).not.toContain('pa ss');
		},
	);

	it('a token of another session is masked by its shape', async () => {
		await signedIn();
		const other = simulator.issueToken();
		simulator.injectFault('/api/webhooks/list', {
			body: { status_code: -9999, message: `session ${other} was closed` },
		});
		const error = await failure(list);
		expect(error.message).toBe(
			'OMICall answered with the error "session *** was closed". (OMICall code: session *** was closed)',
		);
	});

	it('a long text is cut at 200 characters, control characters flattened', async () => {
		await signedIn();
		simulator.injectFault('/api/webhooks/list', {
			body: { status_code: -9999, message: `first line\r\nsecond ${'x'.repeat(500)}` },
		});
		const error = await failure(list);
		const quoted = /^OMICall answered with the error "(.*)"\. \(OMICall code: (.*)\)$/.exec(
			error.message,
		);
		expect(quoted?.[1]).toBe(
			`first line second ${'x'.repeat(200 - 'first line second '.length - 1)}…`,
		);
		expect(quoted?.[2]).toBe(quoted?.[1]);
	});

	it('a status_code that echoes the key, and a rate-limit code that does, are masked', async () => {
		await signedIn();
		simulator.injectFault('/api/webhooks/list', {
			body: { status_code: `-9999 ${API_KEY}`, message: 'tenant_invalid' },
		});
		const error = await failure(list);
		expect(error.description).toBe(
			'OMICall answered GET /api/webhooks/list with HTTP 200 and status_code -9999 ***.',
		);
		expect(error.all).not.toContain(API_KEY);

		const sleep = rateLimitRetry.sleep;
		rateLimitRetry.sleep = async () => {};
		try {
			simulator.injectFault('/api/webhooks/list', {
				body: { status_code: -9999, message: `limit_request_30_minute ${API_KEY}` },
				times: 4,
			});
			const limited = await failure(list);
			expect(limited.message).toMatch(
				/^OMICall is rate-limiting requests \(limit_request_30_minute \*\*\*\) and still refused after 3 retries/,
			);
			expect(limited.all).not.toContain(API_KEY);
		} finally {
			rateLimitRetry.sleep = sleep;
		}
	});

	it('an Access Token refused with a code that echoes the token', async () => {
		const token = simulator.issueToken();
		store.set(CREDENTIAL_ID, {
			baseUrl: simulator.url,
			authentication: 'accessToken',
			accessToken: token,
			sessionToken: '',
		});
		simulator.injectFault('/api/webhooks/list', {
			status: 401,
			body: { status_code: -9999, message: `token ${token} expired` },
		});
		const error = await failure(list);
		expect(error.message).toBe(
			'OMICall rejected the access token (OMICall code: token *** expired).',
		);
		expect(error.all).not.toContain(token);
	});

	describe('a recording URL answered with an OMICall error', () => {
		let server: Server;
		let url: string;
		beforeEach(async () => {
			server = createServer((_req, res) => {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ status_code: -9999, message: `link_expired: ${FOREIGN}` }));
			});
			await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
			url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/recording/uc?id=x&code=secret-code-99`;
		});
		afterEach(async () => {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		});

		it('quotes the code with its URL cut to the host', async () => {
			const error = await failure((c) => downloadRecording.call(c, url, 0));
			expect(error.message).toBe(
				'The recording could not be downloaded: OMICall answered with the error "link_expired: https://crm.example.com/…". (OMICall code: link_expired: https://crm.example.com/…)',
			);
			expect(error.all).not.toContain(QUERY_TOKEN);
			expect(error.all).not.toContain('secret-code-99');
		});
	});
});
