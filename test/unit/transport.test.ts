/**
 * The transport's pure parts: the plain-HTTP rule (the credential shows its notice, through n8n's
 * own displayOptions evaluation, exactly for the base URLs the transport warns about in n8n's
 * log), the credential's headers and where an error code is read.
 */
import { NodeHelpers, type ICredentialDataDecryptedObject, type INodeProperties } from 'n8n-workflow';

import { OmiCallApi } from '../../credentials/OmiCallApi.credentials';
import {
	OMICALL_ERROR_CODES,
	PLAIN_HTTP_REMOTE,
	explainOmiCallCode,
	omiCallMessage,
} from '../../nodes/OmiCall/transport';

const notice = new OmiCallApi().properties.find((p) => p.type === 'notice' && /http:\/\//.test(p.displayName)) as INodeProperties;

/** Whether n8n's editor shows the notice for this credential data. */
function shown(baseUrl: string): boolean {
	return NodeHelpers.displayParameter({ baseUrl, authentication: 'apiKey' }, notice, null, null);
}

const warned = [
	'http://public-v1.omicall.com',
	'HTTP://public-v1.omicall.com/',
	'  http://10.0.0.5:4010',
	'http://192.168.1.20/api',
	'http://localhost.example.com',
	'http://127.0.0.1.nip.io',
	'http://127.0.0.1@crm.example.com',
	'http://[::2]:4010',
];
const quiet = [
	'https://public-v1.omicall.com',
	'https://127.0.0.1',
	'http://127.0.0.1:4010',
	'http://127.8.9.10',
	'http://localhost',
	'http://LocalHost:4010/',
	'http://[::1]:4010',
	'http://user@localhost:4010',
	'',
	'={{ $env.OMICALL_URL }}',
];

describe('plain http:// base URLs', () => {
	it('the credential has a notice about it', () => {
		expect(notice).toMatchObject({ type: 'notice', default: '' });
	});

	it.each(warned)('%p: notice shown, transport warns', (baseUrl) => {
		expect(shown(baseUrl)).toBe(true);
		expect(PLAIN_HTTP_REMOTE.test(baseUrl)).toBe(true);
	});

	it.each(quiet)('%p: no notice, no warning', (baseUrl) => {
		expect(PLAIN_HTTP_REMOTE.test(baseUrl)).toBe(false);
		// An expression shows every conditional field in n8n's editor; only literal URLs count here.
		if (!baseUrl.startsWith('=')) expect(shown(baseUrl)).toBe(false);
	});
});

describe('the credential adds the headers OMICall wants', () => {
	const credential = new OmiCallApi();
	const headersFor = async (data: Record<string, unknown>) =>
		(await credential.authenticate(data as ICredentialDataDecryptedObject, { url: 'https://x.example/api', headers: { Accept: 'application/json' } })).headers;

	it('API Key mode: the Bearer token and the raw key as x-api-key, on top of the request headers', async () => {
		expect(await headersFor({ authentication: 'apiKey', apiKey: ' key-1 ', sessionToken: 'tok-1' })).toEqual({
			Accept: 'application/json',
			Authorization: 'Bearer tok-1',
			'x-api-key': 'key-1',
		});
	});

	it('Access Token mode: the token only, even when an API key is left over from API Key mode', async () => {
		expect(await headersFor({ authentication: 'accessToken', accessToken: 'tok-2', apiKey: 'left-over', sessionToken: '' })).toEqual({
			Accept: 'application/json',
			Authorization: 'Bearer tok-2',
		});
	});

	it('no x-api-key header when the key is empty', async () => {
		expect(await headersFor({ authentication: 'apiKey', apiKey: '  ', sessionToken: 'tok-3' })).toEqual({ Accept: 'application/json', Authorization: 'Bearer tok-3' });
	});
});

describe("where OMICall's error code is read", () => {
	it.each([
		[{ status_code: -9999, message: 'date_invalid' }, 'date_invalid'],
		[{ status_code: -9999, payload: { status: 'fail', error: 'date_is_too_long' } }, 'date_is_too_long'],
		[{ status_code: -9999, payload: { status: 'fail', message: 'to_date_is_required' } }, 'to_date_is_required'],
		// The code wins over human text, wherever each sits.
		[{ status_code: -9999, message: 'Bad request', payload: { status: 'fail', error: 'date_is_too_long', message: 'Please check your input param' } }, 'date_is_too_long'],
		[{ status_code: -9999, payload: { status: 'fail', error: 'Please check your input', message: 'data_is_required' } }, 'data_is_required'],
		[{ status_code: -9999, message: 'Something went wrong', payload: { status: 'fail', error: 'new_code_2027' } }, 'new_code_2027'],
		[{ status_code: -9999, message: 'Something went wrong' }, 'Something went wrong'],
		[{ status_code: -9999 }, undefined],
	])('%j: %p', (envelope, code) => {
		expect(omiCallMessage(envelope)).toBe(code);
	});

	it.each(['limit_request_30_minute', 'from_date_is_required', 'to_date_is_required', 'date_invalid', 'date_is_too_long', 'resource_not_found', 'size_invalid'])(
		'%s has its own plain-English line',
		(code) => {
			expect(OMICALL_ERROR_CODES[code]).toMatch(/^[A-Z].*\.$/);
			expect(explainOmiCallCode(code)).not.toContain('answered with the error');
		},
	);
});
