/**
 * Token renewal and the answers that count as a refused token: the OMICall action node run through
 * n8n-core's ExecuteContext over real HTTP to the simulator, with a credential store that awaits
 * like n8n's database.
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import type {
	ICredentialDataDecryptedObject,
	IHttpRequestHelper,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeParameters,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { OmiCallApi } from '../../credentials/OmiCallApi.credentials';
import { OmiCall } from '../../nodes/OmiCall/OmiCall.node';
import { OMICALL_ERROR_CODES, rateLimitRetry } from '../../nodes/OmiCall/transport';
import {
	buildNode,
	CREDENTIAL_ID,
	CredentialStore,
	executeNode,
	apiKeyStore,
} from '../harness/n8n-core';
import { type OmiCallSimulator, startSimulator } from '../harness/simulator';

const API_KEY = 'key-renewal-0123456789';
const CONCURRENT = 5;
const nodeType = new OmiCall();

let simulator: OmiCallSimulator;
let store: CredentialStore;

beforeEach(async () => {
	simulator = await startSimulator({ apiKeys: [API_KEY] });
	store = apiKeyStore(simulator.url, API_KEY);
});
afterEach(async () => {
	jest.restoreAllMocks();
	await simulator.stop();
});

function run(parameters: INodeParameters = { operation: 'list' }): Promise<INodeExecutionData[]> {
	return executeNode(buildNode(nodeType, { resource: 'webhook', ...parameters }, store), nodeType);
}

type Outcome =
	{ ok: true; items: number } | { ok: false; message: string; description: string; all: string };

async function settle(promise: Promise<INodeExecutionData[]>): Promise<Outcome> {
	try {
		return { ok: true, items: (await promise).length };
	} catch (error) {
		const e = error as Error & { description?: string };
		return {
			ok: false,
			message: e.message,
			description: e.description ?? '',
			all: `${e.message} ${e.description ?? ''} ${JSON.stringify(e)}`,
		};
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

	it.each(['401', 'envelope'] as const)(
		'renew the token once (%s) and all succeed',
		async (style) => {
			simulator.expiredTokenStyle = style;
			const oldToken = await signedIn();
			simulator.expireAllTokens();

			const outcomes = await Promise.all(Array.from({ length: CONCURRENT }, () => settle(run())));

			expect(outcomes).toEqual(Array(CONCURRENT).fill({ ok: true, items: 0 }));
			expect(simulator.count('/api/auth')).toBe(1);
			expect(store.get(CREDENTIAL_ID).sessionToken).not.toBe(oldToken);
		},
	);

	it("all get the sign-in error when the renewal fails, not 'rejected even after renewing'", async () => {
		await signedIn();
		simulator.expireAllTokens();
		simulator.apiKeys.splice(0, simulator.apiKeys.length); // the key was revoked in the portal

		const outcomes = await Promise.all(Array.from({ length: CONCURRENT }, () => settle(run())));

		for (const outcome of outcomes) {
			expect(outcome).toMatchObject({
				ok: false,
				message: expect.stringMatching(
					/^The API key was not accepted\. .*\(OMICall code: api_key_invalid\)$/,
				),
			});
			if (!outcome.ok) expect(outcome.all).not.toContain(API_KEY);
		}
		expect(simulator.count('/api/auth')).toBe(1);
	});
});

describe('one credential id, different API keys', () => {
	it("the key edited while a renewal runs: a request made with the new key is never sent with the old key's token", async () => {
		const NEW_KEY = 'key-renewal-new-account';
		simulator.apiKeys.push(NEW_KEY); // account 1
		store.ioDelayMs = 15;
		await signedIn(); // a token of account 0
		simulator.expireAllTokens();
		simulator.slowDown('/api/auth', 150);
		const first = settle(run()); // refused, renews with the old key, slowly
		await new Promise((resolve) => setTimeout(resolve, 60));
		// What n8n saves when the key is edited: the hidden token fields stay as they were.
		store.set(CREDENTIAL_ID, { ...store.get(CREDENTIAL_ID), apiKey: NEW_KEY });
		const second = settle(
			run({
				operation: 'register',
				webhookType: 'contact',
				url: 'https://crm.example.com/new-account',
			}),
		);
		const outcomes = await Promise.all([first, second]);
		expect(outcomes.map((o) => o.ok)).toEqual([true, true]);
		const sent = (path: string) =>
			simulator.requests
				.filter((r) => r.path === path)
				.map((r) => `${r.status} account ${r.account}`);
		expect(sent('/api/webhooks/register')).toEqual(['200 account 1']);
		expect(sent('/api/webhooks/list')).toEqual(['401 account 0', '200 account 0']);
		expect(simulator.count('/api/auth')).toBe(2); // one per key
	});

	/**
	 * n8n 2.40's dynamic credentials resolve one credential id to each end user's own data. A model
	 * of that: one record per user (the execution's additionalData names the user), and
	 * preAuthentication saves the token into the records with that key.
	 */
	class PerUserStore extends CredentialStore {
		private readonly users = new Map<string, ICredentialDataDecryptedObject>();
		setUser(user: string, data: ICredentialDataDecryptedObject) {
			this.users.set(user, { ...data });
		}
		async getDecrypted(
			additionalData: IWorkflowExecuteAdditionalData,
			_details: INodeCredentialsDetails,
		): Promise<ICredentialDataDecryptedObject> {
			await new Promise((resolve) => setTimeout(resolve, 15));
			return { ...this.users.get((additionalData as unknown as { user: string }).user) };
		}
		async preAuthentication(
			helpers: IHttpRequestHelper,
			credentials: ICredentialDataDecryptedObject,
			_typeName: string,
			_node: INode,
			expired: boolean,
		) {
			if (credentials.sessionToken !== '' && !expired) return undefined;
			const output = await new OmiCallApi().preAuthentication.call(helpers, credentials);
			await new Promise((resolve) => setTimeout(resolve, 15));
			for (const [user, data] of this.users)
				if (data.apiKey === credentials.apiKey)
					this.users.set(user, { ...data, ...output } as ICredentialDataDecryptedObject);
			return Object.assign(credentials, output) as ICredentialDataDecryptedObject;
		}
	}

	it("two users' expired tokens at once (dynamic credentials): each is renewed with its own key, neither fails", async () => {
		const OTHER_KEY = 'key-renewal-user-two';
		simulator.apiKeys.push(OTHER_KEY);
		const perUser = new PerUserStore();
		perUser.setUser('u1', {
			baseUrl: simulator.url,
			authentication: 'apiKey',
			apiKey: API_KEY,
			sessionToken: '',
		});
		perUser.setUser('u2', {
			baseUrl: simulator.url,
			authentication: 'apiKey',
			apiKey: OTHER_KEY,
			sessionToken: '',
		});
		const runAs = (user: string) => {
			const built = buildNode(nodeType, { resource: 'webhook', operation: 'list' }, perUser);
			built.additionalData = {
				...built.additionalData,
				user,
			} as unknown as IWorkflowExecuteAdditionalData;
			return executeNode(built, nodeType);
		};
		await runAs('u1');
		await runAs('u2');
		simulator.expireAllTokens();
		simulator.resetLog();
		expect(
			await Promise.all([
				settle(runAs('u1')),
				settle(runAs('u2')),
				settle(runAs('u1')),
				settle(runAs('u2')),
			]),
		).toEqual(Array(4).fill({ ok: true, items: 0 }));
		expect(simulator.count('/api/auth')).toBe(2);
		const answered = simulator.requests
			.filter((r) => r.path === '/api/webhooks/list' && r.status === 200)
			.map((r) => r.account);
		expect(answered.sort()).toEqual([0, 0, 1, 1]);
	});
});

describe('which answers count as a refused token', () => {
	/** What the simulator saw for one injected answer to the list call, and whether the run succeeded. */
	async function trafficAfter(fault: { status?: number; body: unknown }): Promise<string> {
		await signedIn();
		simulator.injectFault('/api/webhooks/list', fault);
		const outcome = await settle(run());
		return `${outcome.ok ? 'ok' : 'failed'}: ${simulator.requests.map((r) => r.path.replace('/api/', '')).join(' ')}`;
	}

	it('HTTP 401, status_code 401 and the known token codes renew once, and the request succeeds', async () => {
		const faults: Record<string, { status?: number; body: unknown }> = {
			'HTTP 401': { status: 401, body: { status_code: -9999, message: 'anything' } },
			'status_code 401': { body: { status_code: 401, message: 'anything' } },
			'status_code "401"': { body: { status_code: '401' } },
			'payload.error token_expired': {
				body: { status_code: -9999, payload: { status: 'fail', error: 'token_expired' } },
			},
		};
		for (const code of [
			'token_expired',
			'access_token_expired',
			'token_invalid',
			'invalid_token',
			'unauthorized',
			'auth_invalid',
			'jwt_expired',
		]) {
			faults[code] = { body: { status_code: -9999, message: code } };
		}
		const seen: Record<string, string> = {};
		for (const [name, fault] of Object.entries(faults)) seen[name] = await trafficAfter(fault);
		const renewed = 'ok: webhooks/list auth webhooks/list';
		expect(seen).toEqual(Object.fromEntries(Object.keys(faults).map((name) => [name, renewed])));
	});

	it('other codes, even with "expired" or "token" in them, cost no sign-in and are shown as they came', async () => {
		const seen: Record<string, string> = {};
		const messages: Record<string, string> = {};
		for (const code of ['package_expired', 'contract_expired_soon', 'token_quota_reached']) {
			seen[code] = await trafficAfter({ body: { status_code: -9999, message: code } });
			simulator.injectFault('/api/webhooks/list', { body: { status_code: -9999, message: code } });
			const outcome = await settle(run());
			messages[code] = outcome.ok ? 'ok' : outcome.message;
		}
		expect(seen).toEqual({
			package_expired: 'failed: webhooks/list',
			contract_expired_soon: 'failed: webhooks/list',
			token_quota_reached: 'failed: webhooks/list',
		});
		expect(messages).toEqual({
			package_expired:
				'OMICall answered with the error "package_expired". (OMICall code: package_expired)',
			contract_expired_soon:
				'OMICall answered with the error "contract_expired_soon". (OMICall code: contract_expired_soon)',
			token_quota_reached:
				'OMICall answered with the error "token_quota_reached". (OMICall code: token_quota_reached)',
		});
	});

	it('HTTP 401 or status_code 401 with a documented account code costs no sign-in and is explained, not called a rejected token', async () => {
		const seen: Record<string, string> = {};
		const messages: Record<string, string> = {};
		const codes = [
			'individual_package_expired',
			'tenant_disabled',
			'permission_denied',
			'api_key_invalid',
			'service_package_customer_limit',
		];
		for (const code of codes) {
			for (const [style, fault] of [
				['HTTP 401', { status: 401, body: { status_code: -9999, message: code } }],
				['status_code 401', { body: { status_code: 401, payload: { error: code } } }],
			] as const) {
				seen[`${style} ${code}`] = await trafficAfter(fault);
				simulator.injectFault('/api/webhooks/list', fault);
				const outcome = await settle(run());
				messages[`${style} ${code}`] = outcome.ok ? 'ok' : outcome.message;
			}
		}
		for (const [name, traffic] of Object.entries(seen))
			expect([name, traffic]).toEqual([name, 'failed: webhooks/list']);
		for (const [name, message] of Object.entries(messages)) {
			const code = name.split(' ').pop()!;
			expect([name, message]).toEqual([
				name,
				`${OMICALL_ERROR_CODES[code]} (OMICall code: ${code})`,
			]);
		}
	});

	it('HTTP 401 with a token code beside an account code still renews, once', async () => {
		const traffic = await trafficAfter({
			status: 401,
			body: { status_code: -9999, message: 'tenant_disabled', payload: { error: 'token_expired' } },
		});
		expect(traffic).toBe('ok: webhooks/list auth webhooks/list');
	});

	it('HTTP 401 with rate_limit_exceeded is retried as a rate limit, with no sign-in', async () => {
		const sleep = rateLimitRetry.sleep;
		rateLimitRetry.sleep = async () => {};
		try {
			const traffic = await trafficAfter({
				status: 401,
				body: { status_code: -9999, message: 'rate_limit_exceeded' },
			});
			expect(traffic).toBe('ok: webhooks/list webhooks/list');
		} finally {
			rateLimitRetry.sleep = sleep;
		}
	});

	it('an expired service package is explained and costs no sign-in', async () => {
		await signedIn();
		simulator.injectFault('/api/webhooks/list', {
			body: { status_code: -9999, message: 'individual_package_expired' },
		});
		const outcome = await settle(run());
		expect(outcome).toMatchObject({
			ok: false,
			message: expect.stringMatching(
				/^The OMICall service package of this account has expired\. .*\(OMICall code: individual_package_expired\)$/,
			),
		});
		expect(simulator.requests.map((r) => r.path)).toEqual(['/api/webhooks/list']);
	});

	it.each([
		['tenant_disabled', /^This OMICall account \(tenant\) is disabled\./],
		['permission_denied', /^The API key of this credential is not allowed to do this in OMICall\./],
	])('%s is explained in plain English', async (code, explained) => {
		await signedIn();
		simulator.injectFault('/api/webhooks/list', { body: { status_code: -9999, message: code } });
		expect(await settle(run())).toMatchObject({
			ok: false,
			message: expect.stringMatching(explained),
		});
		expect(simulator.count('/api/auth')).toBe(0);
	});

	it('rate_limit_exceeded is retried (issue 11), then named and explained, and costs no sign-in', async () => {
		const sleep = rateLimitRetry.sleep;
		rateLimitRetry.sleep = async () => {};
		try {
			await signedIn();
			simulator.injectFault('/api/webhooks/list', {
				body: { status_code: -9999, message: 'rate_limit_exceeded' },
				times: 4,
			});
			const outcome = await settle(run());
			expect(outcome).toMatchObject({
				ok: false,
				message: expect.stringMatching(
					/^OMICall is rate-limiting requests \(rate_limit_exceeded\)/,
				),
				description: expect.stringMatching(
					/^OMICall is limiting how often this account may call its API\./,
				),
			});
			expect(simulator.count('/api/webhooks/list')).toBe(4);
			expect(simulator.count('/api/auth')).toBe(0);
		} finally {
			rateLimitRetry.sleep = sleep;
		}
	});
});

describe('status_code as text', () => {
	it('"9999" from the list call is success, "-9999" is still a failure with the explained code', async () => {
		await signedIn();
		simulator.injectFault('/api/webhooks/list', {
			body: {
				status_code: '9999',
				payload: [{ type: 'call', url: 'https://crm.example.com/calls', status: 'actived' }],
			},
		});
		const out = await settle(run());
		expect(out).toEqual({ ok: true, items: 1 });
		simulator.injectFault('/api/webhooks/list', {
			body: { status_code: '-9999', message: 'tenant_invalid' },
		});
		expect(await settle(run())).toMatchObject({
			ok: false,
			message: expect.stringMatching(/^OMICall does not recognise the account/),
		});
	});

	it('"9999" from the sign-in gives a token', async () => {
		simulator.injectFault('/api/auth', {
			body: {
				status_code: '9999',
				payload: { access_token: simulator.issueToken(), token_type: 'Bearer' },
			},
		});
		expect(await settle(run())).toEqual({ ok: true, items: 0 });
		expect(simulator.requests.map((r) => `${r.path} ${r.status}`)).toEqual([
			'/api/auth 200',
			'/api/webhooks/list 200',
		]);
	});
});

describe('plain http:// base URLs', () => {
	function warnings(spy: jest.SpyInstance): string[] {
		return spy.mock.calls.map((call) => `${String(call[0])} ${JSON.stringify(call[1] ?? {})}`);
	}

	it("warn once per base URL in n8n's log, naming only scheme and host, and never for loopback", async () => {
		const warn = jest.spyOn(Container.get(Logger), 'warn').mockImplementation(() => {});
		const port = new URL(simulator.url).port;
		for (const baseUrl of [simulator.url, `http://localhost:${port}/`]) {
			store.set(CREDENTIAL_ID, {
				baseUrl,
				authentication: 'apiKey',
				apiKey: API_KEY,
				sessionToken: '',
			});
			expect(await run()).toEqual([]);
		}
		// .invalid never resolves (RFC 6761): the request fails fast, after the warning.
		store.set(CREDENTIAL_ID, {
			baseUrl: 'http://omicall-a.invalid:8080/proxy/leaked',
			authentication: 'apiKey',
			apiKey: API_KEY,
			sessionToken: '',
		});
		expect(await settle(run())).toMatchObject({
			ok: false,
			message: expect.stringContaining('could not be resolved'),
		});
		expect(await settle(run())).toMatchObject({ ok: false });
		store.set(CREDENTIAL_ID, {
			baseUrl: 'http://omicall-b.invalid',
			authentication: 'accessToken',
			accessToken: 'token-secret-1',
			sessionToken: '',
		});
		await settle(run());

		const logged = warnings(warn).filter((w) => w.includes('OMICall'));
		expect(logged).toHaveLength(2);
		expect(logged[0]).toMatch(
			/^The OMICall credential's base URL is http:\/\/omicall-a\.invalid:8080 \(plain HTTP\)/,
		);
		expect(logged[1]).toMatch(
			/^The OMICall credential's base URL is http:\/\/omicall-b\.invalid \(plain HTTP\)/,
		);
		for (const line of logged) {
			expect(line).not.toContain(API_KEY);
			expect(line).not.toContain('leaked');
			expect(line).not.toContain('token-secret-1');
		}
	});
});
