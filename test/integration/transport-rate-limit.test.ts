/**
 * Rate limits over real HTTP to the simulator: HTTP 429, rate_limit_exceeded and limit_request_*
 * are retried a bounded number of times with exponential backoff, then fail with an error that
 * names the limit; nothing else is retried. The waits are recorded instead of slept, except once.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { omiCallRequest, rateLimitRetry } from '../../nodes/OmiCall/transport';
import { CredentialStore, runInProbeNode, apiKeyStore } from '../harness/n8n-core';
import { type OmiCallSimulator, startSimulator } from '../harness/simulator';

const API_KEY = 'key-transport-rate-limit-7';
const PATH = '/api/webhooks/list';
const realSleep = rateLimitRetry.sleep;

let simulator: OmiCallSimulator;
let store: CredentialStore;
/** The waits the transport asked for, in ms. */
let waits: number[];

beforeEach(async () => {
	simulator = await startSimulator({ apiKeys: [API_KEY] });
	store = apiKeyStore(simulator.url, API_KEY);
	waits = [];
	rateLimitRetry.sleep = async (ms: number) => {
		waits.push(ms);
	};
});
afterEach(async () => {
	rateLimitRetry.sleep = realSleep;
	await simulator.stop();
});

/** Runs `action` inside a node in n8n-core's ExecuteContext, with this file's credential store. */
const runInNode = async <T>(action: (context: IExecuteFunctions) => Promise<T>): Promise<T> =>
	await runInProbeNode(store, action);

async function failure(
	action: (context: IExecuteFunctions) => Promise<unknown>,
): Promise<{ message: string; description: string; httpCode?: string }> {
	try {
		await runInNode(action);
	} catch (error) {
		const e = error as Error & { description?: string; httpCode?: string };
		expect(`${e.message} ${e.description} ${JSON.stringify(e)}`).not.toContain(API_KEY);
		return { message: e.message, description: e.description ?? '', httpCode: e.httpCode };
	}
	throw new Error('expected the request to fail');
}

const list = (c: IExecuteFunctions) => omiCallRequest.call(c, 'GET', PATH);

async function signedIn(): Promise<void> {
	await runInNode(list);
	simulator.resetLog();
}

const traffic = () => simulator.requests.map((r) => `${r.path.replace('/api/', '')} ${r.status}`);

describe('retried with backoff, then successful', () => {
	it('HTTP 429 three times: waits 1 s, 2 s, 4 s and returns the fourth answer', async () => {
		await signedIn();
		simulator.injectFault(PATH, {
			status: 429,
			body: 'Too Many Requests',
			contentType: 'text/plain',
			times: 3,
		});
		expect(await runInNode(list)).toEqual([]);
		expect(waits).toEqual([1000, 2000, 4000]);
		expect(traffic()).toEqual([
			'webhooks/list 429',
			'webhooks/list 429',
			'webhooks/list 429',
			'webhooks/list 200',
		]);
	});

	it.each([
		[
			'rate_limit_exceeded in the message, HTTP 200',
			{ status: 200, body: { status_code: -9999, message: 'rate_limit_exceeded' } },
		],
		[
			'limit_request_30_minute in payload.error',
			{
				status: 200,
				body: { status_code: -9999, payload: { status: 'fail', error: 'limit_request_30_minute' } },
			},
		],
		[
			'an OMICall envelope with HTTP 429',
			{ status: 429, body: { status_code: -9999, message: 'rate_limit_exceeded' } },
		],
	])('%s', async (_name, fault) => {
		await signedIn();
		simulator.injectFault(PATH, { ...fault, times: 1 });
		expect(await runInNode(list)).toEqual([]);
		expect(waits).toEqual([1000]);
		expect(simulator.requests).toHaveLength(2);
	});

	it('a POST is retried with its body', async () => {
		await signedIn();
		simulator.injectFault('/api/webhooks/register', { status: 429, body: '', times: 1 });
		const webhook = { type: 'call', url: 'https://crm.example.com/calls' };
		await runInNode((c) =>
			omiCallRequest.call(c, 'POST', '/api/webhooks/register', { body: { webhook } }),
		);
		expect(simulator.hooks.get('call')?.url).toBe(webhook.url);
		expect(traffic()).toEqual(['webhooks/register 429', 'webhooks/register 200']);
	});

	it('a refused token met between two rate limits is renewed once, in the same request', async () => {
		await signedIn();
		simulator.injectFault(PATH, { status: 429, body: '' });
		simulator.injectFault(PATH, {
			status: 401,
			body: { status_code: -9999, message: 'token_expired' },
		});
		simulator.injectFault(PATH, { status: 429, body: '' });
		expect(await runInNode(list)).toEqual([]);
		expect(traffic()).toEqual([
			'webhooks/list 429',
			'webhooks/list 401',
			'auth 200',
			'webhooks/list 429',
			'webhooks/list 200',
		]);
		expect(waits).toEqual([1000, 2000]);
	});

	it('waits for real with the shipped sleep (one 1 s backoff)', async () => {
		rateLimitRetry.sleep = realSleep;
		await signedIn();
		simulator.injectFault(PATH, { status: 429, body: '' });
		const started = Date.now();
		expect(await runInNode(list)).toEqual([]);
		expect(Date.now() - started).toBeGreaterThanOrEqual(990);
		expect(simulator.requests).toHaveLength(2);
	});
});

describe('never retried forever', () => {
	it('still limited after 3 retries: an error naming the limit, after exactly 4 requests', async () => {
		await signedIn();
		simulator.injectFault(PATH, {
			status: 429,
			body: 'Too Many Requests',
			contentType: 'text/plain',
			times: 100,
		});
		const error = await failure(list);
		expect(error.message).toBe(
			'OMICall is rate-limiting requests (HTTP 429) and still refused after 3 retries over 7 s. Try again later, or make fewer requests at once (fewer items per run, or a Wait node between batches).',
		);
		expect(error.description).toBe(`OMICall answered GET ${PATH} with HTTP 429.`);
		expect(error.httpCode).toBe('429');
		expect(waits).toEqual([1000, 2000, 4000]);
		expect(simulator.requests).toHaveLength(4);
	});

	it('the limit code and its explanation are in the error', async () => {
		await signedIn();
		simulator.injectFault(PATH, {
			body: { status_code: -9999, message: 'limit_request_30_minute' },
			times: 100,
		});
		const error = await failure(list);
		expect(error.message).toMatch(
			/^OMICall is rate-limiting requests \(limit_request_30_minute\) and still refused after 3 retries over 7 s\./,
		);
		expect(error.description).toMatch(
			/^OMICall allows only a limited number of call-history requests per 30 minutes/,
		);
		expect(error.description).toContain(
			`OMICall answered GET ${PATH} with HTTP 200 and status_code -9999.`,
		);
		expect(simulator.requests).toHaveLength(4);
	});
});

describe('the sign-in (/api/auth) meets the same rules', () => {
	it('a rate-limited sign-in is retried with the same backoff', async () => {
		simulator.injectFault('/api/auth', {
			status: 429,
			body: 'Too Many Requests',
			contentType: 'text/plain',
			times: 2,
		});
		expect(await runInNode(list)).toEqual([]);
		expect(waits).toEqual([1000, 2000]);
		expect(traffic()).toEqual(['auth 429', 'auth 429', 'auth 200', 'webhooks/list 200']);
	});

	it('a sign-in still limited fails naming the limit, not blaming the base URL', async () => {
		simulator.injectFault('/api/auth', {
			body: { status_code: -9999, message: 'rate_limit_exceeded' },
			times: 100,
		});
		const error = await failure(list);
		expect(error.message).toMatch(
			/^OMICall is rate-limiting requests \(rate_limit_exceeded\) and still refused after 3 retries over 7 s\./,
		);
		expect(error.message).not.toMatch(/base URL/);
		expect(traffic()).toEqual(['auth 200', 'auth 200', 'auth 200', 'auth 200']);
	});
});

describe('other errors are not retried', () => {
	it.each([
		['HTTP 500', { status: 500, body: 'Internal Server Error', contentType: 'text/plain' }],
		['HTTP 503', { status: 503, body: '', contentType: 'text/plain' }],
		['date_invalid', { body: { status_code: -9999, message: 'date_invalid' } }],
		[
			'an auto-call quota (limit_service)',
			{ body: { status_code: -9999, message: 'limit_service' } },
		],
	])('%s: one request, no wait', async (_name, fault) => {
		await signedIn();
		simulator.injectFault(PATH, { ...fault, times: 5 });
		await failure(list);
		expect(simulator.requests).toHaveLength(1);
		expect(waits).toEqual([]);
	});
});
