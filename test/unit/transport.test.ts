/**
 * The transport's pure parts: the plain-HTTP rule (the credential shows its notice, through n8n's
 * own displayOptions evaluation, exactly for the base URLs the transport warns about in n8n's
 * log), the credential's headers, Retry-After, which answers are rate limits and how long to wait,
 * where an error code is read, and how a recording is recognised as audio.
 */
import {
	NodeHelpers,
	type ICredentialDataDecryptedObject,
	type INodeProperties,
} from 'n8n-workflow';

import { OmiCallApi } from '../../credentials/OmiCallApi.credentials';
import {
	BASE_URL_WITH_EXTRAS,
	OMICALL_ERROR_CODES,
	PLAIN_HTTP_REMOTE,
	baseUrlProblem,
	contentDispositionFileName,
	decideRateLimitRetry,
	explainOmiCallCode,
	omiCallMessage,
	parseRetryAfter,
	quoteSafely,
	rateLimitOf,
	rateLimitRetry,
	sniffAudioType,
} from '../../nodes/OmiCall/transport';

const notice = new OmiCallApi().properties.find(
	(p) => p.type === 'notice' && /http:\/\//.test(p.displayName),
) as INodeProperties;

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

describe('base URLs with user info, a query or a fragment', () => {
	const extrasNotice = new OmiCallApi().properties.find(
		(p) => p.name === 'baseUrlExtrasNotice',
	) as INodeProperties;
	const noticeShown = (baseUrl: string) =>
		NodeHelpers.displayParameter({ baseUrl, authentication: 'apiKey' }, extrasNotice, null, null);

	it.each([
		[
			'https://omi-admin:Pa55w0rd@public-v1.omicall.com',
			/^The base URL in the OMICall credential \(https:\/\/public-v1\.omicall\.com\) contains a user name or password/,
		],
		[
			'https://token-only@public-v1.omicall.com:8443/api',
			/^The base URL in the OMICall credential \(https:\/\/public-v1\.omicall\.com:8443\) contains a user name or password/,
		],
		['https://:@public-v1.omicall.com', /contains a user name or password/],
		[
			' HTTPS://public-v1.omicall.com/?access=proxy-token-777',
			/^The base URL in the OMICall credential \(https:\/\/public-v1\.omicall\.com\) contains a query/,
		],
		['https://public-v1.omicall.com?', /contains a query/],
		[
			'http://127.0.0.1:4010/#proxy-token-777',
			/^The base URL in the OMICall credential \(http:\/\/127\.0\.0\.1:4010\) contains a fragment/,
		],
	])(
		'%p is refused, naming scheme, host and port only, and shows the notice',
		(baseUrl, expected) => {
			const problem = baseUrlProblem(baseUrl);
			expect(problem).toMatch(expected);
			expect(problem).toMatch(
				/Remove (it|them): the base URL is the address of OMICall's API alone, for example https:\/\/public-v1\.omicall\.com\.$/,
			);
			expect(problem).not.toMatch(/Pa55w0rd|token-only|proxy-token-777/);
			expect(BASE_URL_WITH_EXTRAS.test(baseUrl)).toBe(true);
			expect(noticeShown(baseUrl)).toBe(true);
		},
	);

	it.each([
		'http:/public-v1.omicall.com',
		'public-v1.omicall.com',
		'ftp://public-v1.omicall.com',
		'https://',
		'https://[zz',
		'https:///api',
	])('%p is not a valid URL', (baseUrl) => {
		expect(baseUrlProblem(baseUrl)).toBe(
			"The base URL in the OMICall credential is not a valid URL. Enter the address of OMICall's API, with https://, for example https://public-v1.omicall.com.",
		);
	});

	it.each([
		'',
		'   ',
		undefined,
		'https://public-v1.omicall.com',
		'https://public-v1-stg.omicall.com/',
		'http://127.0.0.1:4010',
		'https://proxy.example.com/omicall/v1',
		'https://omicall.example.com/a@b',
	])('%p is accepted, without the notice', (baseUrl) => {
		expect(baseUrlProblem(baseUrl)).toBeUndefined();
		if (baseUrl) expect(noticeShown(baseUrl)).toBe(false);
	});

	it('an expression is left to the check at run time, once resolved', () => {
		// n8n's editor shows every conditional field for an expression; the pattern itself skips it.
		expect(
			BASE_URL_WITH_EXTRAS.test(
				'={{ $env.OMICALL_URL ? $env.OMICALL_URL : "https://public-v1.omicall.com" }}',
			),
		).toBe(false);
	});

	it("the credential's authenticate refuses such a base URL too (the Test button in Access Token mode signs in with nothing else)", async () => {
		const credential = new OmiCallApi();
		await expect(
			credential.authenticate(
				{
					baseUrl: 'https://u:secret-pw@public-v1.omicall.com',
					authentication: 'accessToken',
					accessToken: 'tok',
				},
				{ url: '/api/webhooks/list' },
			),
		).rejects.toThrow(
			/^The base URL in the OMICall credential \(https:\/\/public-v1\.omicall\.com\) contains a user name or password/,
		);
	});
});

describe('quoteSafely: OMICall text fit for an error', () => {
	it('masks the secrets given, also URL-encoded, and anything shaped like a JWT', () => {
		const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJhY2NvdW50IjowfQ.c2lnbmF0dXJl';
		expect(
			quoteSafely(`key k3y/with+chars, ${encodeURIComponent('k3y/with+chars')}, ${jwt}`, [
				'k3y/with+chars',
			]),
		).toBe('key ***, ***, ***');
	});

	it('cuts URLs to scheme and host, and leaves short or empty secrets alone', () => {
		expect(
			quoteSafely('see https://u:p@crm.example.com/hook?token=abc.', ['', 'abc', undefined, 42]),
		).toBe('see https://crm.example.com/….');
	});

	it.each([
		['url_invalid crm.example.com/h?token=CRMTOKEN5555', 'url_invalid crm.example.com/…'],
		['url_invalid //crm.example.com/h?key=CRMTOKEN5555', 'url_invalid //crm.example.com/…'],
		[
			'url_invalid HTTPS://crm.example.com/h?key=CRMTOKEN5555',
			'url_invalid https://crm.example.com/…',
		],
		[
			'url_invalid https:/crm.example.com/h?key=CRMTOKEN5555',
			'url_invalid https://crm.example.com/…',
		],
		[
			'url_invalid https:\\\\crm.example.com\\h?key=CRMTOKEN5555',
			'url_invalid https://crm.example.com/…',
		],
		[
			'url_invalid https%3A%2F%2Fcrm.example.com%2Fh%3Fkey%3DCRMTOKEN5555',
			'url_invalid https://crm.example.com/…',
		],
		[
			'url_invalid "https://user:pa ss@crm.example.com/h?key=CRMTOKEN5555"',
			'url_invalid "https://crm.example.com/…"',
		],
		['url_invalid wss://crm.example.com/h?key=CRMTOKEN5555', 'url_invalid wss://crm.example.com/…'],
		[
			'url_invalid https://crm.example.com/h\n?key=CRMTOKEN5555',
			'url_invalid https://crm.example.com/… ?…',
		],
		[
			'url_invalid https://crm.example.com/h?key=CRMTOKEN5555 ok',
			'url_invalid https://crm.example.com/… ok',
		],
		[
			'url_invalid https://crm.example.com/h\u00a0?key=CRMTOKEN5555',
			'url_invalid https://crm.example.com/…\u00a0?…',
		],
		[
			'url_invalid h\u200bttps://crm.example.com/h?key=CRMTOKEN5555',
			'url_invalid https://crm.example.com/…',
		],
		['refused user:CRMTOKEN5555@crm.example.com', 'refused crm.example.com'],
		['bad ?key=CRMTOKEN5555&x=1', 'bad ?…'],
		['http://10.0.0.5:8080/h?key=CRMTOKEN5555', 'http://10.0.0.5:8080/…'],
		// What stays readable: emails, bare hosts, API paths, version numbers.
		[
			'agent lan@example.vn not found on crm.example.com.',
			'agent lan@example.vn not found on crm.example.com.',
		],
		['GET /api/webhooks/list failed (v1.2.3)', 'GET /api/webhooks/list failed (v1.2.3)'],
	])('drops a URL however it is written: %j → %j', (text, shown) => {
		const safe = quoteSafely(text);
		expect(safe).toBe(shown);
		expect(safe).not.toContain('CRMTOKEN5555');
	});

	it('masks a secret in any case and base64-encoded', () => {
		const secret = 'key-SECRETAPIKEY';
		expect(
			quoteSafely(`a KEY-SECRETAPIKEY b ${Buffer.from(secret).toString('base64')} c`, [secret]),
		).toBe('a *** b *** c');
	});

	it('flattens control characters and caps the length at 200 characters', () => {
		expect(quoteSafely('a\r\n\tb\u0000c')).toBe('a b c');
		const long = quoteSafely('x'.repeat(500));
		expect(long).toHaveLength(200);
		expect(long.endsWith('…')).toBe(true);
		expect(quoteSafely('y'.repeat(200))).toBe('y'.repeat(200));
	});
});

describe('the credential adds the headers OMICall wants', () => {
	const credential = new OmiCallApi();
	const headersFor = async (data: Record<string, unknown>) =>
		(
			await credential.authenticate(data as ICredentialDataDecryptedObject, {
				url: 'https://x.example/api',
				headers: { Accept: 'application/json' },
			})
		).headers;

	it('API Key mode: the Bearer token and the raw key as x-api-key, on top of the request headers', async () => {
		expect(
			await headersFor({ authentication: 'apiKey', apiKey: ' key-1 ', sessionToken: 'tok-1' }),
		).toEqual({
			Accept: 'application/json',
			Authorization: 'Bearer tok-1',
			'x-api-key': 'key-1',
		});
	});

	it('Access Token mode: the token only, even when an API key is left over from API Key mode', async () => {
		expect(
			await headersFor({
				authentication: 'accessToken',
				accessToken: 'tok-2',
				apiKey: 'left-over',
				sessionToken: '',
			}),
		).toEqual({
			Accept: 'application/json',
			Authorization: 'Bearer tok-2',
		});
	});

	it('no x-api-key header when the key is empty', async () => {
		expect(
			await headersFor({ authentication: 'apiKey', apiKey: '  ', sessionToken: 'tok-3' }),
		).toEqual({ Accept: 'application/json', Authorization: 'Bearer tok-3' });
	});
});

describe('Retry-After', () => {
	const now = Date.parse('2026-11-20T10:00:00Z');

	it.each([
		['0', 0],
		['1', 1000],
		[' 7 ', 7000],
		['1.5', 1500],
		[['3'], 3000],
		['Fri, 20 Nov 2026 10:00:30 GMT', 30_000],
		['Fri, 20 Nov 2026 09:59:00 GMT', 0],
	])('%p waits %p ms', (header, ms) => {
		expect(parseRetryAfter(header, now)).toBe(ms);
	});

	it.each([undefined, '', 'soon', '-5', 'NaN', {}, 'Infinity'])(
		'%p is not read, so the backoff applies',
		(header) => {
			expect(parseRetryAfter(header, now)).toBeUndefined();
		},
	);
});

describe('which answers are rate limits', () => {
	const fail = (extra: Record<string, unknown>) => ({ status_code: -9999, ...extra });

	it.each([
		[429, 'Too Many Requests', 'HTTP 429'],
		[429, '', 'HTTP 429'],
		[429, fail({ message: 'rate_limit_exceeded' }), 'rate_limit_exceeded'],
		[200, fail({ message: 'rate_limit_exceeded' }), 'rate_limit_exceeded'],
		[200, fail({ message: 'limit_request_30_minute' }), 'limit_request_30_minute'],
		[
			200,
			fail({ payload: { status: 'fail', error: 'limit_request_30_minute' } }),
			'limit_request_30_minute',
		],
		[
			200,
			fail({ payload: { status: 'fail', message: 'limit_request_per_day' } }),
			'limit_request_per_day',
		],
		[
			400,
			fail({ message: 'Too many', payload: { status: 'fail', error: 'rate_limit_exceeded' } }),
			'rate_limit_exceeded',
		],
		[200, 'rate_limit_exceeded', 'rate_limit_exceeded'],
		[503, { message: 'rate_limit_exceeded' }, 'rate_limit_exceeded'],
	])('HTTP %p with %j: %p', (statusCode, body, name) => {
		expect(rateLimitOf({ statusCode, body })).toBe(name);
	});

	it.each([
		[200, { status_code: 9999, payload: [] }],
		[200, { status_code: 9999, message: 'rate_limit_exceeded', payload: [] }],
		[200, fail({ message: 'date_invalid' })],
		[200, fail({ message: 'limit_service' })],
		[200, fail({ message: 'limit_word_session' })],
		[200, fail({ message: 'limit_agent' })],
		[500, 'Internal Server Error'],
		[503, ''],
		[401, fail({ message: 'token_expired' })],
	])('HTTP %p with %j: not a rate limit', (statusCode, body) => {
		expect(rateLimitOf({ statusCode, body })).toBeUndefined();
	});
});

describe('how long to wait before retrying a rate-limited request', () => {
	const policy = { retries: 3, firstDelayMs: 1000, maxDelayMs: 60_000 };

	it('backs off 1 s, 2 s, 4 s, then gives up', () => {
		expect([0, 1, 2, 3].map((done) => decideRateLimitRetry(done, undefined, policy))).toEqual([
			{ retry: true, waitMs: 1000 },
			{ retry: true, waitMs: 2000 },
			{ retry: true, waitMs: 4000 },
			{ retry: false, reason: 'retries-exhausted' },
		]);
	});

	it('the backoff never exceeds the cap', () => {
		expect(
			decideRateLimitRetry(9, undefined, { retries: 20, firstDelayMs: 1000, maxDelayMs: 60_000 }),
		).toEqual({ retry: true, waitMs: 60_000 });
	});

	it('honours Retry-After, shorter or longer than the backoff, up to the cap', () => {
		expect(decideRateLimitRetry(0, 5000, policy)).toEqual({ retry: true, waitMs: 5000 });
		expect(decideRateLimitRetry(2, 0, policy)).toEqual({ retry: true, waitMs: 0 });
		expect(decideRateLimitRetry(1, 60_000, policy)).toEqual({ retry: true, waitMs: 60_000 });
	});

	it('a Retry-After beyond the cap is not waited for', () => {
		expect(decideRateLimitRetry(0, 60_001, policy)).toEqual({
			retry: false,
			reason: 'wait-too-long',
			waitMs: 60_001,
		});
	});

	it('no retries at all when the policy allows none', () => {
		expect(decideRateLimitRetry(0, undefined, { ...policy, retries: 0 })).toEqual({
			retry: false,
			reason: 'retries-exhausted',
		});
	});

	it('the shipped policy: 3 retries from 1 s, waits capped at 60 s', () => {
		expect(rateLimitRetry).toMatchObject({ retries: 3, firstDelayMs: 1000, maxDelayMs: 60_000 });
	});
});

describe("where OMICall's error code is read", () => {
	it.each([
		[{ status_code: -9999, message: 'date_invalid' }, 'date_invalid'],
		[
			{ status_code: -9999, payload: { status: 'fail', error: 'date_is_too_long' } },
			'date_is_too_long',
		],
		[
			{ status_code: -9999, payload: { status: 'fail', message: 'to_date_is_required' } },
			'to_date_is_required',
		],
		// The code wins over human text, wherever each sits.
		[
			{
				status_code: -9999,
				message: 'Bad request',
				payload: {
					status: 'fail',
					error: 'date_is_too_long',
					message: 'Please check your input param',
				},
			},
			'date_is_too_long',
		],
		[
			{
				status_code: -9999,
				payload: { status: 'fail', error: 'Please check your input', message: 'data_is_required' },
			},
			'data_is_required',
		],
		[
			{
				status_code: -9999,
				message: 'Something went wrong',
				payload: { status: 'fail', error: 'new_code_2027' },
			},
			'new_code_2027',
		],
		[{ status_code: -9999, message: 'Something went wrong' }, 'Something went wrong'],
		[{ status_code: -9999 }, undefined],
	])('%j: %p', (envelope, code) => {
		expect(omiCallMessage(envelope)).toBe(code);
	});

	it.each([
		'limit_request_30_minute',
		'from_date_is_required',
		'to_date_is_required',
		'date_invalid',
		'date_is_too_long',
		'resource_not_found',
		'size_invalid',
	])('%s has its own plain-English line', (code) => {
		expect(OMICALL_ERROR_CODES[code]).toMatch(/^[A-Z].*\.$/);
		expect(explainOmiCallCode(code)).not.toContain('answered with the error');
	});
});

describe('recognising audio by its first bytes', () => {
	it.each([
		['ID3\x04\x00\x00', 'audio/mpeg'],
		['\xff\xfb\x90\x64', 'audio/mpeg'],
		['RIFF\x24\x00\x00\x00WAVEfmt ', 'audio/wav'],
		['OggS\x00\x02', 'audio/ogg'],
		['fLaC\x00\x00', 'audio/flac'],
		['\x00\x00\x00\x20ftypM4A ', 'audio/mp4'],
		['\x1a\x45\xdf\xa3', 'audio/webm'],
	])('%j: %p', (bytes, mimeType) => {
		expect(sniffAudioType(Buffer.from(bytes, 'latin1'))).toBe(mimeType);
	});

	it.each([
		'<!DOCTYPE html><html>',
		'{"status_code":-9999}',
		'RIFF\x24\x00\x00\x00AVI LIST',
		'',
		'ID',
	])('%j: not audio', (bytes) => {
		expect(sniffAudioType(Buffer.from(bytes, 'latin1'))).toBeUndefined();
	});
});

describe('the file name a recording server gives', () => {
	it.each([
		['attachment; filename="call-0042.mp3"', 'call-0042.mp3'],
		['attachment; filename=call.wav', 'call.wav'],
		["attachment; filename*=UTF-8''cu%E1%BB%99c%20g%E1%BB%8Di.mp3", 'cuộc gọi.mp3'],
		['attachment; filename="../../etc/passwd"', 'passwd'],
		['attachment; filename="C:\\temp\\rec.mp3"', 'rec.mp3'],
	])('%p: %p', (header, name) => {
		expect(contentDispositionFileName(header)).toBe(name);
	});

	it.each([undefined, '', 'inline', 'attachment; filename=""', 'attachment; filename=".."', ['x']])(
		'%p: none',
		(header) => {
			expect(contentDispositionFileName(header)).toBeUndefined();
		},
	);
});
