/**
 * The transport against the simulator's call history, as the Call operations use it: v3 search
 * (which refuses a request without x-api-key, and answers 204 when nothing matches), rate limits
 * with a Retry-After header, OMICall's call-history error codes, and a real recording.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { downloadRecording, omiCallRequest, rateLimitRetry } from '../../nodes/OmiCall/transport';
import { CREDENTIAL_ID, CredentialStore, runInProbeNode, apiKeyStore } from '../harness/n8n-core';
import { type OmiCallSimulator, startSimulator } from '../harness/simulator';

const API_KEY = 'key-transport-history-3141';
const SEARCH = '/api/v3/call-transaction/search';
const DAY_MS = 24 * 60 * 60 * 1000;
const realSleep = rateLimitRetry.sleep;

let simulator: OmiCallSimulator;
let store: CredentialStore;
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
): Promise<{ message: string; description: string }> {
	try {
		await runInNode(action);
	} catch (error) {
		const e = error as Error & { description?: string };
		expect(`${e.message} ${e.description} ${JSON.stringify(e)}`).not.toContain(API_KEY);
		return { message: e.message, description: e.description ?? '' };
	}
	throw new Error('expected the request to fail');
}

type Page = { items: Array<Record<string, unknown>> } | null;

/** v3 search over the last `days` days, as Get Many asks for it. */
const search =
	(days = 1, extra: Record<string, unknown> = {}) =>
	async (c: IExecuteFunctions): Promise<Page> =>
		(await omiCallRequest.call(
			c,
			'POST',
			SEARCH,
			{
				qs: { page: 1, size: 50 },
				body: {
					filter: { fromDate: Date.now() - days * DAY_MS, toDate: Date.now(), ...extra },
					sort: { field: 'time_start_call', isAsc: false },
				},
				needsApiKey: true,
			},
			0,
		)) as Page;

const traffic = () => simulator.requests.map((r) => `${r.path.replace('/api/', '')} ${r.status}`);

describe('v3 search', () => {
	it('no call in the range: HTTP 204 gives null, not an error', async () => {
		expect(await runInNode(search())).toBeNull();
		expect(traffic()).toEqual(['auth 200', 'v3/call-transaction/search 204']);
	});

	it('API Key mode passes the check for x-api-key and gets the calls', async () => {
		simulator.generateHistory({ count: 20, days: 1, seed: 7 });
		const page = await runInNode(search());
		expect(page?.items).toHaveLength(20);
	});

	it('without x-api-key (Access Token mode, not marked needsApiKey) OMICall refuses, and the code is explained', async () => {
		store.set(CREDENTIAL_ID, {
			baseUrl: simulator.url,
			authentication: 'accessToken',
			accessToken: simulator.issueToken(),
			sessionToken: '',
		});
		const error = await failure((c) =>
			omiCallRequest.call(c, 'POST', SEARCH, { body: { filter: { fromDate: 0, toDate: 1 } } }),
		);
		expect(error.message).toMatch(
			/^No API key was sent\. .*\(OMICall code: api_key_is_required\)$/,
		);
	});

	it("a range longer than OMICall's window: date_is_too_long, explained and not retried", async () => {
		const error = await failure(search(45));
		expect(error.message).toMatch(
			/^The time range is longer than OMICall accepts\. .*\(OMICall code: date_is_too_long\)$/,
		);
		expect(simulator.count(SEARCH)).toBe(1);
	});
});

describe('rate limits with Retry-After', () => {
	it('waits what Retry-After says instead of the backoff', async () => {
		simulator.rateLimit(SEARCH, { times: 2, retryAfterSec: 5 });
		expect(await runInNode(search())).toBeNull();
		expect(waits).toEqual([5000, 5000]);
		expect(traffic()).toEqual([
			'auth 200',
			'v3/call-transaction/search 429',
			'v3/call-transaction/search 429',
			'v3/call-transaction/search 204',
		]);
	});

	it('a Retry-After longer than 60 s is not waited for: the error says so at once', async () => {
		simulator.rateLimit(SEARCH, { times: 1, retryAfterSec: 600 });
		const error = await failure(search());
		expect(error.message).toBe(
			'OMICall is rate-limiting requests (rate_limit_exceeded) and asks to wait 10 min, longer than the 60 s this node waits. Try again later, or make fewer requests at once (fewer items per run, or a Wait node between batches).',
		);
		expect(error.description).toMatch(
			/^OMICall is limiting how often this account may call its API\..* OMICall answered POST \/api\/v3\/call-transaction\/search with HTTP 429 and status_code -9999\.$/,
		);
		expect(waits).toEqual([]);
		expect(simulator.count(SEARCH)).toBe(1);
	});

	it('limit_request_30_minute in an HTTP 200 envelope, without Retry-After: the backoff, then an error naming it', async () => {
		simulator.rateLimit(SEARCH, {
			times: 10,
			style: 'envelope',
			message: 'limit_request_30_minute',
			retryAfterSec: null,
		});
		const error = await failure(search());
		expect(error.message).toMatch(
			/^OMICall is rate-limiting requests \(limit_request_30_minute\) and still refused after 3 retries over 7 s\./,
		);
		expect(waits).toEqual([1000, 2000, 4000]);
		expect(simulator.count(SEARCH)).toBe(4);
	});

	it('a real 1 s Retry-After is waited for with the shipped sleep, not the (here 10 ms) backoff', async () => {
		const firstDelayMs = rateLimitRetry.firstDelayMs;
		rateLimitRetry.sleep = realSleep;
		rateLimitRetry.firstDelayMs = 10;
		try {
			simulator.rateLimit(SEARCH, { times: 1, retryAfterSec: 1 });
			const started = Date.now();
			expect(await runInNode(search())).toBeNull();
			expect(Date.now() - started).toBeGreaterThanOrEqual(990);
			expect(simulator.count(SEARCH)).toBe(2);
		} finally {
			rateLimitRetry.firstDelayMs = firstDelayMs;
		}
	});
});

describe('a recording from the history', () => {
	it("is downloaded from the call's recording_file_url as the simulator's MP3", async () => {
		simulator.generateHistory({ count: 30, days: 1, seed: 11 });
		const call = simulator.calls.find(
			(c) => typeof c.recording_file_url === 'string' && c.recording_file_url,
		);
		expect(call).toBeDefined();
		const recording = await runInNode((c) =>
			downloadRecording.call(c, String(call?.recording_file_url), 0),
		);
		expect(recording.mimeType).toBe('audio/mpeg');
		expect(recording.data.equals(simulator.recording)).toBe(true);
	});

	it('a link whose id is wrong is refused with HTTP 404 and shown without its id or code', async () => {
		simulator.generateHistory({ count: 30, days: 1, seed: 11 });
		const call = simulator.calls.find(
			(c) => typeof c.recording_file_url === 'string' && c.recording_file_url,
		);
		const url = new URL(String(call?.recording_file_url));
		url.searchParams.set('id', 'forged-id');
		let message = '';
		try {
			await runInNode((c) => downloadRecording.call(c, url.href, 0));
		} catch (error) {
			message = `${(error as Error).message} ${JSON.stringify(error)}`;
		}
		expect(message).toMatch(
			/^The recording could not be downloaded: http:\/\/127\.0\.0\.1:\d+\/… answered HTTP 404\./,
		);
		expect(message).not.toContain('forged-id');
		expect(message).not.toContain(String(call?.transaction_id));
	});
});
