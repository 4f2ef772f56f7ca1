/**
 * How the transport reads OMICall's answers over real HTTP to the simulator: HTTP 204 is an empty
 * result, and an error code is found wherever OMICall put it (top-level message, payload.error,
 * payload.message) and explained in plain English.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { omiCallRequest } from '../../nodes/OmiCall/transport';
import { CredentialStore, runInProbeNode, apiKeyStore } from '../harness/n8n-core';
import { type OmiCallSimulator, startSimulator } from '../harness/simulator';

const API_KEY = 'key-transport-envelope-42';
const PATH = '/api/webhooks/list';

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

/** Signs in once so that later traffic is only the request under test. */
async function signedIn(): Promise<void> {
	await runInNode((c) => omiCallRequest.call(c, 'GET', PATH));
	simulator.resetLog();
}

describe('HTTP 204', () => {
	it.each(['GET', 'POST'] as const)(
		'%s answered 204 No Content gives a null payload, not an error',
		async (method) => {
			await signedIn();
			simulator.injectFault(PATH, { status: 204, body: '', contentType: 'application/json' });
			expect(
				await runInNode((c) =>
					omiCallRequest.call(c, method, PATH, method === 'POST' ? { body: { filter: {} } } : {}),
				),
			).toBeNull();
			expect(simulator.requests.map((r) => `${r.path} ${r.status}`)).toEqual([`${PATH} 204`]);
		},
	);

	it('an empty HTTP 200 is still an error', async () => {
		await signedIn();
		simulator.injectFault(PATH, { status: 200, body: '' });
		expect((await failure((c) => omiCallRequest.call(c, 'GET', PATH))).message).toBe(
			`OMICall answered GET ${PATH} with an empty answer (HTTP 200).`,
		);
	});
});

describe('error codes in their three places', () => {
	it.each([
		['top-level message', { status_code: -9999, message: 'date_is_too_long' }],
		[
			'payload.error beside status "fail"',
			{
				status_code: -9999,
				payload: {
					status: 'fail',
					error: 'date_is_too_long',
					message: 'Please check your input param',
				},
			},
		],
		[
			'payload.message beside status "fail"',
			{ status_code: -9999, payload: { status: 'fail', message: 'date_is_too_long' } },
		],
		[
			'payload.error, with human text in the top-level message',
			{
				status_code: -9999,
				message: 'Bad request',
				payload: { status: 'fail', error: 'date_is_too_long' },
			},
		],
	])('%s', async (_where, body) => {
		await signedIn();
		simulator.injectFault(PATH, { body });
		const error = await failure((c) => omiCallRequest.call(c, 'GET', PATH));
		expect(error.message).toMatch(
			/^The time range is longer than OMICall accepts\. .*\(OMICall code: date_is_too_long\)$/,
		);
		expect(simulator.requests).toHaveLength(1);
	});

	it.each([
		['from_date_is_required', /^OMICall needs the start of the time range \(From\)/],
		['to_date_is_required', /^OMICall needs the end of the time range \(To\)/],
		['date_invalid', /^OMICall rejected a date in the request\. Check/],
		['date_is_too_long', /^The time range is longer than OMICall accepts\./],
		['resource_not_found', /^OMICall did not find what the request asked for/],
		['size_invalid', /^OMICall rejected the page size/],
	])('%s is explained in plain English, sent once', async (code, explained) => {
		await signedIn();
		simulator.injectFault(PATH, {
			body: { status_code: -9999, payload: { status: 'fail', error: code } },
		});
		const error = await failure((c) => omiCallRequest.call(c, 'GET', PATH));
		expect(error.message).toMatch(explained);
		expect(error.message).toContain(`(OMICall code: ${code})`);
		expect(simulator.requests).toHaveLength(1);
	});
});
