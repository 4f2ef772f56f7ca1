/**
 * The "OMICall API" credential: its Test button (run the way n8n's CredentialsTester runs it,
 * through n8n-core's RoutingNode) and its token exchange, over real HTTP to the simulator.
 */
import { OmiCallApi } from '../../credentials/OmiCallApi.credentials';
import { CREDENTIAL_ID, CredentialStore, testCredential } from '../harness/n8n-core';
import { type OmiCallSimulator, startSimulator } from '../harness/simulator';

const API_KEY = 'key-credential-test-42';
const credentialType = new OmiCallApi();
let simulator: OmiCallSimulator;
let store: CredentialStore;

beforeEach(async () => {
	simulator = await startSimulator({ apiKeys: [API_KEY] });
	store = new CredentialStore();
});
afterEach(async () => simulator.stop());

it('passes with a good API key, and a trailing slash on the base URL is harmless', async () => {
	store.set(CREDENTIAL_ID, {
		baseUrl: `${simulator.url}/`,
		authentication: 'apiKey',
		apiKey: API_KEY,
		sessionToken: '',
	});
	expect(await testCredential(store, credentialType)).toEqual({
		status: 'OK',
		message: 'Connection successful!',
	});
	expect(simulator.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
		'GET /api/auth 200',
		'GET /api/webhooks/list 200',
	]);
	expect(simulator.requests[0].query).toEqual({ apiKey: '[redacted]' });
});

it('fails with the explained message for a bad API key', async () => {
	store.set(CREDENTIAL_ID, {
		baseUrl: simulator.url,
		authentication: 'apiKey',
		apiKey: 'not-the-key',
		sessionToken: '',
	});
	const result = await testCredential(store, credentialType);
	expect(result.status).toBe('Error');
	expect(result.message).toMatch(
		/^The API key was not accepted\. .*\(OMICall code: api_key_invalid\)$/,
	);
	expect(result.message).not.toContain('not-the-key');
});

it('passes with a valid access token and explains a rejected one', async () => {
	store.set(CREDENTIAL_ID, {
		baseUrl: simulator.url,
		authentication: 'accessToken',
		accessToken: simulator.issueToken(),
		sessionToken: '',
	});
	expect((await testCredential(store, credentialType)).status).toBe('OK');
	simulator.expireAllTokens();
	const result = await testCredential(store, credentialType);
	expect(result).toEqual({
		status: 'Error',
		message: expect.stringContaining('expire every 24 hours'),
	});
	expect(simulator.count('/api/auth')).toBe(0);
});

it('shows the explained OMICall code when the list call itself fails with -9999', async () => {
	store.set(CREDENTIAL_ID, {
		baseUrl: simulator.url,
		authentication: 'accessToken',
		accessToken: simulator.issueToken(),
		sessionToken: '',
	});
	simulator.injectFault('/api/webhooks/list', {
		body: { status_code: -9999, message: 'api_key_invalid' },
	});
	expect(await testCredential(store, credentialType)).toEqual({
		status: 'Error',
		message: expect.stringMatching(/^The API key was not accepted\./),
	});
	simulator.injectFault('/api/webhooks/list', {
		body: { status_code: -9999, message: 'something_new' },
	});
	expect(await testCredential(store, credentialType)).toEqual({
		status: 'Error',
		message: expect.stringContaining('OMICall refused the request'),
	});
});

it('reads status_code as a number or as text', async () => {
	store.set(CREDENTIAL_ID, {
		baseUrl: simulator.url,
		authentication: 'accessToken',
		accessToken: simulator.issueToken(),
		sessionToken: '',
	});
	simulator.injectFault('/api/webhooks/list', { body: { status_code: '9999', payload: [] } });
	expect(await testCredential(store, credentialType)).toEqual({
		status: 'OK',
		message: 'Connection successful!',
	});
	simulator.injectFault('/api/webhooks/list', {
		body: { status_code: '-9999', message: 'something_new' },
	});
	expect(await testCredential(store, credentialType)).toEqual({
		status: 'Error',
		message: expect.stringContaining('OMICall refused the request'),
	});
	for (const statusCode of [401, '401']) {
		simulator.injectFault('/api/webhooks/list', { body: { status_code: statusCode } });
		expect(await testCredential(store, credentialType)).toEqual({
			status: 'Error',
			message: expect.stringContaining('expire every 24 hours'),
		});
	}
});

it('explains the vendor codes that are about the account, such as an expired package', async () => {
	store.set(CREDENTIAL_ID, {
		baseUrl: simulator.url,
		authentication: 'accessToken',
		accessToken: simulator.issueToken(),
		sessionToken: '',
	});
	simulator.injectFault('/api/webhooks/list', {
		body: { status_code: -9999, message: 'individual_package_expired' },
	});
	expect(await testCredential(store, credentialType)).toEqual({
		status: 'Error',
		message: expect.stringMatching(/^The OMICall service package of this account has expired\./),
	});
});

it('says that OMICall cannot be reached when the base URL is wrong', async () => {
	const url = simulator.url;
	await simulator.stop();
	store.set(CREDENTIAL_ID, {
		baseUrl: url,
		authentication: 'apiKey',
		apiKey: API_KEY,
		sessionToken: '',
	});
	const result = await testCredential(store, credentialType);
	expect(result).toEqual({
		status: 'Error',
		message: `Could not reach OMICall at ${url}: the connection was refused. Check the base URL in the credential.`,
	});
	simulator = await startSimulator();
});

it('a refusal with HTTP 401 is worded for both modes: an API Key credential is not told to paste a token', async () => {
	store.set(CREDENTIAL_ID, {
		baseUrl: simulator.url,
		authentication: 'apiKey',
		apiKey: API_KEY,
		sessionToken: '',
	});
	// n8n signs in again once on HTTP 401 and retries: both answers are refusals.
	simulator.injectFault('/api/webhooks/list', {
		status: 401,
		body: { status_code: -9999, message: 'unauthorized' },
		times: 2,
	});
	const result = await testCredential(store, credentialType);
	expect(result.status).toBe('Error');
	expect(result.message).toMatch(/^OMICall refused the key or token \(HTTP 401\)\./);
	expect(result.message).toContain(
		'With "API Key", check that the key is still active in the OMICall portal',
	);
	expect(result.message).toContain('With "Access Token", the token may have expired');
	expect(result.message).not.toMatch(/paste a fresh one|choose "API Key"/);
	expect(simulator.requests.map((r) => `${r.path} ${r.status}`)).toEqual([
		'/api/auth 200',
		'/api/webhooks/list 401',
		'/api/auth 200',
		'/api/webhooks/list 401',
	]);
});
