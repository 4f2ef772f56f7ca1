/**
 * The OMICall action node, run through n8n-core's ExecuteContext over real HTTP to the simulator.
 */
import type { INodeParameters } from 'n8n-workflow';

import { OmiCall } from '../../nodes/OmiCall/OmiCall.node';
import {
	apiKeyStore,
	buildNode,
	CREDENTIAL_ID,
	CredentialStore,
	executeNode,
	failureOf,
} from '../harness/n8n-core';
import { type OmiCallSimulator, startSimulator } from '../harness/simulator';

const API_KEY = 'key-0123456789abcdef';
const nodeType = new OmiCall();

let simulator: OmiCallSimulator;
let store: CredentialStore;

beforeEach(async () => {
	simulator = await startSimulator({ apiKeys: [API_KEY] });
	store = apiKeyStore(simulator.url, API_KEY);
});
afterEach(async () => simulator.stop());

function run(parameters: INodeParameters, items = [{ json: {} }], continueOnFail = false) {
	const built = buildNode(nodeType, { resource: 'webhook', ...parameters }, store);
	built.node.continueOnFail = continueOnFail;
	return executeNode(built, nodeType, items);
}

/** Every error text and output the user can see, to prove no secret is in any of them. */
function expectNoSecret(text: string) {
	expect(text).not.toContain(API_KEY);
	for (const token of [
		store.get(CREDENTIAL_ID).sessionToken,
		store.get(CREDENTIAL_ID).accessToken,
	]) {
		if (typeof token === 'string' && token) expect(text).not.toContain(token);
	}
}

async function runError(parameters: INodeParameters): Promise<Error & { description?: string }> {
	const error = await failureOf(run(parameters));
	expectNoSecret(`${error.message} ${error.description ?? ''} ${JSON.stringify(error)}`);
	return error;
}

describe('Register, List, Destroy', () => {
	it('registers a call webhook with all three events and outputs it as OMICall lists it', async () => {
		const out = await run({
			operation: 'register',
			webhookType: 'call',
			url: 'https://crm.example.com/omicall',
		});
		expect(out).toEqual([
			{
				json: { type: 'call', url: 'https://crm.example.com/omicall', status: 'actived' },
				pairedItem: { item: 0 },
			},
		]);
		expect(simulator.hooks.get('call')?.events).toEqual(['ringing', 'answered', 'hangup']);
		// One token exchange, one register: the register answer is already the list.
		expect(simulator.requests.map((r) => r.path)).toEqual(['/api/auth', '/api/webhooks/register']);
		expect(store.get(CREDENTIAL_ID).sessionToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
	});

	it('registers only the chosen events, and a contact webhook without events', async () => {
		await run({
			operation: 'register',
			webhookType: 'call',
			url: 'https://crm.example.com/calls',
			events: ['hangup'],
		});
		await run({
			operation: 'register',
			webhookType: 'contact',
			url: 'https://crm.example.com/contacts',
		});
		expect(simulator.hooks.get('call')?.events).toEqual(['hangup']);
		expect(simulator.hooks.get('contact')).toMatchObject({
			url: 'https://crm.example.com/contacts',
			events: null,
		});
	});

	it('lists one item per webhook and filters by type', async () => {
		await run({ operation: 'register', webhookType: 'call', url: 'https://crm.example.com/calls' });
		await run({
			operation: 'register',
			webhookType: 'contact',
			url: 'https://crm.example.com/contacts',
		});
		const all = await run({ operation: 'list' });
		expect(all.map((i) => i.json)).toEqual([
			{ type: 'call', url: 'https://crm.example.com/calls', status: 'actived' },
			{ type: 'contact', url: 'https://crm.example.com/contacts', status: 'actived' },
		]);
		const contacts = await run({ operation: 'list', options: { type: 'contact' } });
		expect(contacts.map((i) => i.json)).toEqual([
			{ type: 'contact', url: 'https://crm.example.com/contacts', status: 'actived' },
		]);
	});

	it('lists nothing when no webhook is registered', async () => {
		expect(await run({ operation: 'list' })).toEqual([]);
	});

	it('destroys the webhook of a type and names the URL that was registered', async () => {
		await run({ operation: 'register', webhookType: 'call', url: 'https://crm.example.com/calls' });
		const out = await run({ operation: 'destroy', webhookType: 'call' });
		expect(out.map((i) => i.json)).toEqual([
			{ type: 'call', destroyed: true, url: 'https://crm.example.com/calls' },
		]);
		expect(simulator.hooks.has('call')).toBe(false);
	});

	it('says destroyed: false when no webhook of that type was registered, and destroys nothing', async () => {
		const out = await run({ operation: 'destroy', webhookType: 'contact' });
		expect(out.map((i) => i.json)).toEqual([{ type: 'contact', destroyed: false, url: null }]);
		expect(simulator.count('/api/webhooks/destroy')).toBe(0);
	});

	it('processes every input item, each with its own parameters, and pairs the outputs', async () => {
		const items = [
			{ json: { u: 'https://a.example.com/1' } },
			{ json: { u: 'https://b.example.com/2' } },
		];
		const out = await run(
			{ operation: 'register', webhookType: 'call', url: '={{$json.u}}' },
			items,
		);
		expect(out.map((i) => [i.json.url, i.pairedItem])).toEqual([
			['https://a.example.com/1', { item: 0 }],
			['https://b.example.com/2', { item: 1 }],
		]);
		expect(simulator.hooks.get('call')?.url).toBe('https://b.example.com/2');
		expect(simulator.count('/api/auth')).toBe(1);
	});
});

describe('URLs of the systems that receive the webhooks', () => {
	const CRM = 'https://bob:hunter2@crm.example.com/omicall/calls?token=crm-secret-123&v=2#section';
	const TRIGGER =
		'http://127.0.0.1:5678/webhook/abc/webhook?secret=0123456789abcdef0123456789abcdef';

	it('List hides user info and query values unless Show Full URLs is on; Register echoes the URL as typed', async () => {
		const registered = await run({ operation: 'register', webhookType: 'call', url: CRM });
		expect(registered.map((i) => i.json)).toEqual([{ type: 'call', url: CRM, status: 'actived' }]);
		simulator.hooks.set('contact', {
			url: TRIGGER,
			type: 'contact',
			status: 'actived',
			events: null,
		});

		const listed = await run({ operation: 'list' });
		expect(listed.map((i) => i.json)).toEqual([
			{
				type: 'call',
				url: 'https://***@crm.example.com/omicall/calls?token=***&v=***',
				status: 'actived',
			},
			{
				type: 'contact',
				url: 'http://127.0.0.1:5678/webhook/abc/webhook?secret=***',
				status: 'actived',
			},
		]);
		for (const secret of ['hunter2', 'crm-secret-123', '0123456789abcdef'])
			expect(JSON.stringify(listed)).not.toContain(secret);

		const full = await run({ operation: 'list', options: { showFullUrls: true } });
		expect(full.map((i) => i.json.url)).toEqual([CRM, TRIGGER]);
		const onlyContact = await run({
			operation: 'list',
			options: { type: 'contact', showFullUrls: true },
		});
		expect(onlyContact.map((i) => i.json)).toEqual([
			{ type: 'contact', url: TRIGGER, status: 'actived' },
		]);
	});

	it('Destroy names the destroyed URL with its secrets hidden unless Show Full URLs is on', async () => {
		await run({ operation: 'register', webhookType: 'call', url: CRM });
		const hidden = await run({ operation: 'destroy', webhookType: 'call' });
		expect(hidden.map((i) => i.json)).toEqual([
			{
				type: 'call',
				destroyed: true,
				url: 'https://***@crm.example.com/omicall/calls?token=***&v=***',
			},
		]);

		simulator.hooks.set('contact', {
			url: TRIGGER,
			type: 'contact',
			status: 'actived',
			events: null,
		});
		const full = await run({
			operation: 'destroy',
			webhookType: 'contact',
			options: { showFullUrls: true },
		});
		expect(full.map((i) => i.json)).toEqual([{ type: 'contact', destroyed: true, url: TRIGGER }]);
		expect([...simulator.hooks.keys()]).toEqual([]);
	});
});

describe('errors a user can read', () => {
	it.each([
		['relative', '/omicall/calls', 'is not an absolute URL'],
		['without scheme', 'crm.example.com/calls', 'is not an absolute URL'],
		['ftp', 'ftp://crm.example.com/calls', 'must use https:// or http://'],
		['empty', '', 'The webhook URL is empty'],
	])('rejects a %s URL before any request', async (_name, url, message) => {
		const error = await runError({ operation: 'register', webhookType: 'call', url });
		expect(error.message).toContain(message);
		expect(simulator.requests).toEqual([]);
	});

	it('explains a rejected API key', async () => {
		store.set(CREDENTIAL_ID, {
			baseUrl: simulator.url,
			authentication: 'apiKey',
			apiKey: 'wrong-key-value',
			sessionToken: '',
		});
		const error = await runError({ operation: 'list' });
		expect(error.message).toMatch(
			/^The API key was not accepted\..*\(OMICall code: api_key_invalid\)$/,
		);
		expect(error.message).not.toContain('wrong-key-value');
		expect(simulator.count('/api/webhooks/list')).toBe(0);
	});

	it('says where to find the API key when it is missing', async () => {
		store.set(CREDENTIAL_ID, {
			baseUrl: simulator.url,
			authentication: 'apiKey',
			apiKey: '',
			sessionToken: '',
		});
		const error = await runError({ operation: 'list' });
		expect(error.message).toContain('Account → Settings → API management');
		expect(simulator.requests).toEqual([]);
	});

	it('reports an unknown OMICall code as it comes', async () => {
		simulator.injectFault('/api/webhooks/list', {
			body: { status_code: -9999, message: 'quota_exceeded_today' },
		});
		const error = await runError({ operation: 'list' });
		expect(error.message).toBe(
			'OMICall answered with the error "quota_exceeded_today". (OMICall code: quota_exceeded_today)',
		);
	});

	it("reports OMICall's code when it sits inside payload", async () => {
		simulator.injectFault('/api/webhooks/list', {
			body: { status_code: -9999, payload: { message: 'tenant_invalid' } },
		});
		const error = await runError({ operation: 'list' });
		expect(error.message).toContain('does not recognise the account (tenant)');
	});

	it('refuses an unknown webhook type before asking OMICall', async () => {
		const error = await runError({
			operation: 'register',
			webhookType: 'voicemail',
			url: 'https://crm.example.com/x',
		});
		expect(error.message).toBe(
			'Item 0: the Type "voicemail" is not known. Use one of: call, contact.',
		);
		expect(simulator.requests).toEqual([]);
	});

	it('explains an unknown webhook type answered by OMICall', async () => {
		simulator.injectFault('/api/webhooks/register', {
			body: { status_code: -9999, message: 'webhook_type_invalid' },
		});
		const error = await runError({
			operation: 'register',
			webhookType: 'call',
			url: 'https://crm.example.com/x',
		});
		expect(error.message).toContain('webhook_type_invalid');
	});

	it('says so when OMICall answers with something that is not JSON', async () => {
		simulator.injectFault('/api/webhooks/list', {
			status: 200,
			body: '<html>Maintenance</html>',
			contentType: 'text/html',
		});
		const error = await runError({ operation: 'list' });
		expect(error.message).toBe(
			'OMICall answered GET /api/webhooks/list with something that is not JSON (HTTP 200).',
		);
		expect(error.description).toContain('base URL');
	});

	it('says so when OMICall answers with a server error page', async () => {
		simulator.injectFault('/api/webhooks/list', {
			status: 502,
			body: 'Bad gateway',
			contentType: 'text/plain',
		});
		const error = await runError({ operation: 'list' });
		expect(error.message).toContain('(HTTP 502)');
	});

	it('says OMICall cannot be reached when nothing listens at the base URL', async () => {
		const url = simulator.url;
		await simulator.stop();
		store.set(CREDENTIAL_ID, {
			baseUrl: url,
			authentication: 'accessToken',
			accessToken: 'tok-abcdef',
			sessionToken: '',
		});
		const error = await runError({ operation: 'list' });
		expect(error.message).toBe(
			`Could not reach OMICall at ${url}: the connection was refused. Check the base URL in the credential.`,
		);
		simulator = await startSimulator();
	});

	it('says OMICall cannot be reached during the token exchange, without the key', async () => {
		const url = simulator.url;
		await simulator.stop();
		const error = await runError({ operation: 'list' });
		expect(error.message).toContain(`Could not reach OMICall at ${url}`);
		simulator = await startSimulator();
	});

	it('yields an error item per failed input with continueOnFail and goes on', async () => {
		const items = [{ json: { u: 'not a url' } }, { json: { u: 'https://ok.example.com/hook' } }];
		const out = await run(
			{ operation: 'register', webhookType: 'call', url: '={{$json.u}}' },
			items,
			true,
		);
		expect(out).toEqual([
			{
				json: {
					error:
						'The webhook URL is not an absolute URL. It must start with https:// (or http://).',
				},
				pairedItem: { item: 0 },
			},
			{
				json: { type: 'call', url: 'https://ok.example.com/hook', status: 'actived' },
				pairedItem: { item: 1 },
			},
		]);
	});
});

describe('editing the credential', () => {
	it("signs in with a new API key at once instead of sending the previous key's token", async () => {
		const OTHER_KEY = 'key-of-another-account-42';
		simulator.apiKeys.push(OTHER_KEY);
		await run({ operation: 'list' });
		expect(simulator.requests.map((r) => `${r.path} ${r.account ?? '-'}`)).toEqual([
			'/api/auth -',
			'/api/webhooks/list 0',
		]);
		// What n8n saves when the key is edited in the editor: the hidden token fields stay as they were.
		store.set(CREDENTIAL_ID, { ...store.get(CREDENTIAL_ID), apiKey: OTHER_KEY });
		simulator.resetLog();
		await run({ operation: 'list' });
		expect(simulator.requests.map((r) => `${r.path} ${r.account ?? '-'}`)).toEqual([
			'/api/auth -',
			'/api/webhooks/list 1',
		]);
		simulator.resetLog();
		await run({ operation: 'list' });
		expect(simulator.requests.map((r) => `${r.path} ${r.account ?? '-'}`)).toEqual([
			'/api/webhooks/list 1',
		]);
	});

	it('signs in again when only the base URL changes', async () => {
		await run({ operation: 'list' });
		const other = await startSimulator({ apiKeys: [API_KEY] });
		try {
			store.set(CREDENTIAL_ID, { ...store.get(CREDENTIAL_ID), baseUrl: other.url });
			await run({ operation: 'list' });
			expect(other.requests.map((r) => `${r.path} ${r.status}`)).toEqual([
				'/api/auth 200',
				'/api/webhooks/list 200',
			]);
		} finally {
			await other.stop();
		}
	});
});

describe('token expiry', () => {
	it.each(['401', 'envelope'] as const)(
		'renews an expired token exactly once when OMICall reports it as %s',
		async (style) => {
			simulator.expiredTokenStyle = style;
			await run({ operation: 'list' });
			const firstToken = store.get(CREDENTIAL_ID).sessionToken;
			simulator.expireAllTokens();
			simulator.resetLog();

			const out = await run({
				operation: 'register',
				webhookType: 'call',
				url: 'https://crm.example.com/calls',
			});
			expect(out[0].json.url).toBe('https://crm.example.com/calls');
			expect(simulator.requests.map((r) => `${r.path} ${r.status}`)).toEqual([
				`/api/webhooks/register ${style === '401' ? 401 : 200}`,
				'/api/auth 200',
				'/api/webhooks/register 200',
			]);
			// The renewed token is saved, so the next run needs no exchange.
			expect(store.get(CREDENTIAL_ID).sessionToken).not.toBe(firstToken);
			simulator.resetLog();
			await run({ operation: 'list' });
			expect(simulator.requests.map((r) => r.path)).toEqual(['/api/webhooks/list']);
		},
	);

	it('renews once when several executions meet the same expiry at the same time', async () => {
		await run({ operation: 'list' });
		simulator.expireAllTokens();
		simulator.resetLog();
		const outputs = await Promise.all(Array.from({ length: 8 }, () => run({ operation: 'list' })));
		expect(outputs.map((o) => o.length)).toEqual(Array(8).fill(0));
		expect(simulator.count('/api/auth')).toBe(1);
	});

	it.each(['401', 'envelope'] as const)(
		'reports a token refused again after renewal (%s) instead of looping',
		async (style) => {
			simulator.expiredTokenStyle = style;
			simulator.tokenLifetimeMs = -1000; // every token is born expired
			const error = await runError({ operation: 'list' });
			expect(error.message).toMatch(
				/^OMICall rejected the access token even after renewing it with the API key/,
			);
			expect(simulator.count('/api/auth')).toBe(2);
			expect(simulator.count('/api/webhooks/list')).toBe(2);
		},
	);

	it('tells an Access Token user that tokens expire every 24 hours', async () => {
		const token = simulator.issueToken();
		store.set(CREDENTIAL_ID, {
			baseUrl: `${simulator.url}/`,
			authentication: 'accessToken',
			accessToken: token,
			sessionToken: '',
		});
		expect((await run({ operation: 'list' })).length).toBe(0);
		simulator.expireAllTokens();
		const error = await runError({ operation: 'list' });
		expect(error.message).toBe('OMICall rejected the access token (OMICall code: token_expired).');
		expect(error.description).toContain('expire every 24 hours');
		expect(error.description).toContain('"API Key"');
		expect(simulator.count('/api/auth')).toBe(0);
		expect(simulator.count('/api/webhooks/list')).toBe(2);
	});
});
