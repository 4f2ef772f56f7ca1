/**
 * Call → Make (click-to-call), over real HTTP to the simulator, through n8n-core's ExecuteContext:
 * the hotline check, the request OMICall receives, the call's events and record carrying the
 * returned callId, every documented error in plain English, phone numbers as people paste them,
 * and Continue On Fail.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { OmiCall } from '../../nodes/OmiCall/OmiCall.node';
import { OMICALL_ERROR_CODES } from '../../nodes/OmiCall/transport';
import { PUBLIC_NUMBERS } from '../harness/call-center';
import {
	actionRunner,
	apiKeyStore,
	CredentialStore,
	failureOf,
	runAction,
} from '../harness/n8n-core';
import { type OmiCallSimulator, startSimulator } from '../harness/simulator';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { seededRandom } = require('../simulator/history');

const API_KEY = 'key-0123456789abcdef';
const CLICK2CALL = '/api/click2call';
const HOTLINES = '/api/call_center/hotline/list';
const [HOTLINE, SECOND_HOTLINE, OTHER_HOTLINE] = PUBLIC_NUMBERS;
const nodeType = new OmiCall();

let simulator: OmiCallSimulator;
let store: CredentialStore;
/** Where the simulator delivers the call hook's events: a server that keeps every body. */
let receiver: http.Server;
let received: IDataObject[];

beforeEach(async () => {
	simulator = await startSimulator({ apiKeys: [API_KEY] });
	store = apiKeyStore(simulator.url, API_KEY);
	received = [];
	receiver = http.createServer((req, res) => {
		let body = '';
		req.on('data', (chunk) => (body += chunk));
		req.on('end', () => {
			received.push(JSON.parse(body));
			res.end('ok');
		});
	});
	await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
	const port = (receiver.address() as AddressInfo).port;
	simulator.hooks.set('call', {
		url: `http://127.0.0.1:${port}/hook`,
		type: 'call',
		status: 'actived',
		events: null,
	});
});
afterEach(async () => {
	await simulator.callCenter.idle();
	await simulator.stop();
	receiver.closeAllConnections();
	await new Promise((resolve) => receiver.close(resolve));
});

const rl = (value: string) => ({ __rl: true, mode: 'id', value });

const run = actionRunner(
	nodeType,
	{
		resource: 'call',
		operation: 'make',
		extension: rl('100'),
		hotline: rl(HOTLINE),
		phoneNumber: '0912345678',
	},
	() => store,
);

const runError = (parameters: INodeParameters) => failureOf(run(parameters));

const sent = (path: string) => simulator.requests.filter((r) => r.path === path);

describe('Make', () => {
	it("places the call, outputs its callId with what was sent, and the call's events and record carry that id", async () => {
		const items = await run({ phoneNumber: '+84 912 345 678' });
		expect(items).toHaveLength(1);
		const { callId } = items[0].json;
		expect(items[0]).toEqual({
			json: { callId, extension: '100', hotline: HOTLINE, phoneNumber: '0912345678' },
			pairedItem: { item: 0 },
		});
		expect(callId).toMatch(/^[0-9a-f-]{36}$/);
		// The hotline is checked first, then OMICall is asked once, with the documented body.
		expect(simulator.requests.filter((r) => r.path !== '/api/auth').map((r) => r.path)).toEqual([
			HOTLINES,
			CLICK2CALL,
		]);
		expect(sent(HOTLINES)[0].query).toEqual({ extension: '100' });
		expect(simulator.callCenter.clickToCalls).toEqual([
			{ extension: '100', hotline: HOTLINE, phone_number: '0912345678' },
		]);

		await simulator.callCenter.idle();
		expect(received.map((e) => e.state)).toEqual(['ringing', 'answered', 'hangup', 'cdr']);
		for (const live of received.slice(0, 3)) {
			expect(live).toMatchObject({
				call_uuid: callId,
				direction: 'outbound',
				from_number: '100',
				to_number: '0912345678',
				hotline: HOTLINE,
			});
		}
		expect(received[3]).toMatchObject({ transaction_id: callId, phone_number: '0912345678' });

		// And Call → Get finds it in the history by the same id.
		const [found] = await runAction(
			nodeType,
			{ resource: 'call', operation: 'get', callId: rl(callId as string) },
			store,
		);
		expect(found.json).toMatchObject({
			callId,
			direction: 'outbound',
			customerNumber: '0912345678',
			agentExtension: '100',
		});
	});

	it('sends every pasted form of a number as 0912345678, and a hotline typed another way as OMICall lists it', async () => {
		const forms = [
			'+84 912 345 678',
			'84912345678',
			'0912.345.678',
			'0084 912-345-678',
			'912345678',
		];
		// One agent per number: an extension is busy while its call lasts.
		const items = await run(
			{
				extension: rl('={{ $json.ext }}'),
				phoneNumber: '={{ $json.phone }}',
				hotline: rl('028 9995 9300'),
			},
			forms.map((phone, i) => ({ json: { phone, ext: String(100 + i) } })),
		);
		expect(items.map((i) => i.json.phoneNumber)).toEqual(forms.map(() => '0912345678'));
		expect(items.map((i) => i.pairedItem)).toEqual(forms.map((_, item) => ({ item })));
		expect(simulator.callCenter.clickToCalls.map((b) => b?.phone_number)).toEqual(
			forms.map(() => '0912345678'),
		);
		expect(simulator.callCenter.clickToCalls.map((b) => b?.hotline)).toEqual(
			forms.map(() => HOTLINE),
		);
	});

	it('asks for the hotlines of an extension once per execution', async () => {
		simulator.callCenter.holdCalls = true;
		const items = await run(
			{ extension: rl('={{ $json.ext }}') },
			[{ json: { ext: '100' } }, { json: { ext: '101' } }, { json: { ext: '100' } }],
			true,
		);
		expect(items.map((i) => Object.keys(i.json)[0])).toEqual(['callId', 'callId', 'error']);
		expect(sent(HOTLINES).map((r) => r.query.extension)).toEqual(['100', '101']);
	});

	it.each([['abc'], ['12345'], ['+84 12'], ['0912 345 678 9999']])(
		'refuses %j before any request, naming it',
		async (phone) => {
			const error = await runError({ phoneNumber: phone });
			expect(error.message).toBe(`Item 0: "${phone}" in the Phone Number is not a phone number.`);
			expect(error.description).toMatch(/^Nothing was sent to OMICall/);
			expect(simulator.requests).toEqual([]);
		},
	);

	it.each([[''], ['={{ null }}']])(
		'an empty phone number (%j) asks for one, unsent',
		async (phone) => {
			const error = await runError({ phoneNumber: phone });
			expect(error.message).toBe("Item 0: enter the customer's phone number.");
			expect(simulator.requests).toEqual([]);
		},
	);

	it.each([
		[
			'={{ { "ext": "100" } }}',
			'Item 0: the Extension is an object ({"ext":"100"}), not text. Give it text or a number, e.g. an expression that picks one value.',
		],
		[
			'={{ [ "100", "101" ] }}',
			'Item 0: the Extension is a list (["100","101"]), not text. Give it text or a number, e.g. an expression that picks one value.',
		],
	])('an extension expression giving %s says what it gave, unsent', async (extension, message) => {
		const error = await runError({ extension: rl(extension) });
		expect(error.message).toBe(message);
		expect(simulator.requests).toEqual([]);
	});

	it('refuses a hotline the extension may not use, listing those it may, and dials nothing', async () => {
		const error = await runError({ hotline: rl(OTHER_HOTLINE) });
		expect(error.message).toBe(
			`Extension 100 may not call out on hotline ${OTHER_HOTLINE}. It may use: ${HOTLINE}, ${SECOND_HOTLINE}.`,
		);
		expect(sent(CLICK2CALL)).toEqual([]);
		simulator.callCenter.extensions.get('101')!.hotlines = [];
		const none = await runError({ extension: rl('101'), hotline: rl(HOTLINE) });
		expect(none.message).toBe('Extension 101 may not call out on any hotline.');
		expect(sent(CLICK2CALL)).toEqual([]);
	});

	it('an empty extension or hotline is refused unsent', async () => {
		expect((await runError({ extension: rl(' ') })).message).toBe(
			"Item 0: enter the agent's extension, or pick one from the list.",
		);
		expect((await runError({ hotline: rl('') })).message).toBe(
			'Item 0: enter the hotline to call out on, or pick one from the list.',
		);
		expect(simulator.requests).toEqual([]);
	});
});

describe('Make: each documented error code in plain English', () => {
	const explained = (code: string) => `${OMICALL_ERROR_CODES[code]} (OMICall code: ${code})`;

	it.each([
		['user_not_registered', 'offline'],
		['user_busy', 'busy'],
	] as const)('%s: the extension is %s', async (code, state) => {
		simulator.callCenter.extensions.get('100')!.state = state;
		const error = await runError({});
		expect(error.message).toBe(explained(code));
		expect(simulator.callCenter.extensions.get('100')!.state).toBe(state);
		expect(simulator.calls).toEqual([]);
	});

	it("do_not_call: the customer's number is on the do-not-call list", async () => {
		simulator.callCenter.doNotCall.add('0912345678');
		const error = await runError({ phoneNumber: '+84912345678' });
		expect(error.message).toBe(explained('do_not_call'));
		expect(error.message).toContain('do-not-call list');
	});

	it('extension_invalid: OMICall does not know the extension (its hotline list says so)', async () => {
		const error = await runError({ extension: rl('999') });
		expect(error.message).toBe(explained('extension_invalid'));
		expect(sent(CLICK2CALL)).toEqual([]);
	});

	it.each(['data_is_required', 'tenant_invalid', 'number_call_out_invalid', 'extension_invalid'])(
		'%s from click-to-call itself (documented failure shape)',
		async (code) => {
			simulator.injectFault(CLICK2CALL, {
				body: {
					status_code: -9999,
					instance_id: 'stg',
					instance_version: '1.2.163',
					payload: { status: 'fail', error: code, message: 'Please check your input param' },
					key_enabled: false,
				},
			});
			const error = await runError({});
			expect(error.message).toBe(explained(code));
		},
	);

	it('every click-to-call code has its own line, none the generic one', () => {
		for (const code of [
			'user_busy',
			'do_not_call',
			'user_not_registered',
			'number_call_out_invalid',
			'extension_invalid',
			'tenant_invalid',
			'data_is_required',
		])
			expect(OMICALL_ERROR_CODES[code]).toMatch(/\.$/);
	});

	it('an answer without a call_uuid is an error that warns the call may be ringing', async () => {
		simulator.injectFault(CLICK2CALL, {
			body: { status_code: 9999, instance_id: 'stg', payload: {}, key_enabled: false },
		});
		const error = await runError({});
		expect(error.message).toBe('OMICall accepted the call but did not say its call_uuid.');
		expect(error.description).toMatch(/not called twice/);
	});
});

describe('Make: the answer is lost after OMICall placed the call', () => {
	const RINGING =
		/The call may be ringing\. Look for it in the call history \(Call → Get Many\) before trying again/;

	it.each([
		['a dropped connection', { drop: true }, /closed the connection before answering/],
		['a 504 from a proxy', { status: 504 }, /HTTP 504/],
		[
			'a 502 page',
			{ status: 502, body: '<html>Bad Gateway</html>', contentType: 'text/html' },
			/HTTP 502/,
		],
	])('%s: the error warns that the call may be ringing', async (_, fault, cause) => {
		simulator.loseAnswer(CLICK2CALL, fault);
		const error = await runError({});
		expect(simulator.callCenter.clickToCalls).toHaveLength(1);
		expect(error.message).toMatch(cause);
		expect(error.message).toMatch(/OMICall may have placed the call all the same\.$/);
		expect(error.description).toMatch(RINGING);
	});

	it('a refused connection is a plain failure: nothing reached OMICall', async () => {
		await simulator.stop();
		const error = await runError({});
		expect(error.message).toMatch(/connection was refused/);
		expect(error.message).not.toMatch(/may have placed/);
		simulator = await startSimulator({ apiKeys: [API_KEY] });
	});

	it('a documented refusal is a plain failure', async () => {
		simulator.callCenter.extensions.get('100')!.state = 'busy';
		const error = await runError({});
		expect(error.message).not.toMatch(/may have placed/);
		expect(error.description ?? '').not.toMatch(RINGING);
	});

	it('under Continue On Fail the item says it, so the workflow can tell', async () => {
		simulator.loseAnswer(CLICK2CALL, { drop: true });
		const [item] = await run({}, [{ json: {} }], true);
		expect(item.json.error).toMatch(/OMICall may have placed the call all the same\.$/);
	});

	it("a later item's failure names the calls earlier items placed, which are not undone", async () => {
		const failed = await run(
			{ extension: rl('={{ $json.ext }}'), phoneNumber: '={{ $json.phone }}' },
			[
				{ json: { ext: '100', phone: '0912345678' } },
				{ json: { ext: '101', phone: '0912345679' } },
				{ json: { ext: '102', phone: 'n/a' } },
			],
		).then(
			() => undefined,
			(e: Error) => e,
		);
		const said =
			/^Item 2: "n\/a" in the Phone Number is not a phone number\. Earlier items of this run placed 2 calls, which stay placed \(callId ([0-9a-f-]{36}), ([0-9a-f-]{36})\): do not run those items again\.$/.exec(
				failed?.message ?? '',
			);
		expect(said).not.toBeNull();
		// They are the calls OMICall placed for items 0 and 1.
		await simulator.callCenter.idle();
		expect([1, 2].map((k) => simulator.findCall(said![k])?.phone_number)).toEqual([
			'0912345678',
			'0912345679',
		]);
	});
});

describe('Make under Continue On Fail', () => {
	it('a failed item becomes {error}, paired with its input, and the others are called', async () => {
		simulator.callCenter.extensions.get('101')!.state = 'busy';
		const items = await run(
			{ extension: rl('={{ $json.ext }}'), phoneNumber: '={{ $json.phone }}' },
			[
				{ json: { ext: '100', phone: '0912345678' } },
				{ json: { ext: '101', phone: '0912345679' } },
				{ json: { ext: '102', phone: 'not a number' } },
				{ json: { ext: '103', phone: '0987654321' } },
			],
			true,
		);
		expect(items.map((i) => i.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
		expect(items[0].json.callId).toEqual(expect.any(String));
		expect(items[1].json).toEqual({ error: explained('user_busy') });
		expect(items[2].json).toEqual({
			error: 'Item 2: "not a number" in the Phone Number is not a phone number.',
		});
		expect(items[3].json).toMatchObject({ extension: '103', phoneNumber: '0987654321' });
		expect(simulator.callCenter.clickToCalls.map((b) => b?.extension)).toEqual([
			'100',
			'101',
			'103',
		]);

		function explained(code: string) {
			return `${OMICALL_ERROR_CODES[code]} (OMICall code: ${code})`;
		}
	});
});

describe('Make: seeded random sequences of agents, states and numbers', () => {
	const SEED = process.env.OMICALL_MAKE_SEED
		? Number(process.env.OMICALL_MAKE_SEED) >>> 0
		: Math.floor(Math.random() * 2 ** 32);

	/**
	 * Invariants: every item gets exactly one output, paired with it; an item gets a callId exactly
	 * when its number is a phone number, its hotline is one the extension may use and the extension
	 * is online and the number not on the do-not-call list; OMICall is asked to call exactly those,
	 * each once; every callId is new and, once played, is in the history with that customer; each
	 * extension is asked for its hotlines at most once per execution; no extension stays busy.
	 */
	it(`holds for seed ${SEED} (replay: OMICALL_MAKE_SEED=${SEED})`, async () => {
		// eslint-disable-next-line no-console
		console.log(`call-make sequence seed ${SEED}`);
		const random: () => number = seededRandom(SEED);
		const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
		for (let round = 0; round < 4; round++) {
			simulator.resetLog();
			simulator.callCenter.clickToCalls.length = 0;
			const states: Record<string, string> = {};
			for (const ext of ['100', '101', '102', '103']) {
				states[ext] = pick(['online', 'online', 'offline', 'busy']);
				simulator.callCenter.extensions.get(ext)!.state = states[ext] as 'online';
			}
			const blocked = `09${String(Math.floor(random() * 1e8)).padStart(8, '0')}`;
			simulator.callCenter.doNotCall = new Set([blocked]);
			// Each call lasts until the round ends, as a real one outlasts the workflow's next request.
			simulator.callCenter.holdCalls = true;
			const inputs = Array.from({ length: 1 + Math.floor(random() * 8) }, () => {
				const digits =
					random() < 0.2 ? blocked : `09${String(Math.floor(random() * 1e8)).padStart(8, '0')}`;
				const phone = pick([
					digits,
					`+84 ${digits.slice(1, 4)} ${digits.slice(4, 7)} ${digits.slice(7)}`,
					`84${digits.slice(1)}`,
					`${digits.slice(0, 4)}.${digits.slice(4, 7)}.${digits.slice(7)}`,
					'n/a',
					'',
				]);
				return {
					json: {
						ext: pick(['100', '101', '102', '103']),
						hotline: pick(PUBLIC_NUMBERS),
						phone,
						digits,
					},
				};
			});
			const items = await run(
				{
					extension: rl('={{ $json.ext }}'),
					hotline: rl('={{ $json.hotline }}'),
					phoneNumber: '={{ $json.phone }}',
				},
				inputs,
				true,
			);
			expect(items.map((i) => i.pairedItem)).toEqual(inputs.map((_, item) => ({ item })));
			const expectedCalls: Array<{ extension: string; hotline: string; phone_number: string }> = [];
			inputs.forEach(({ json }, i) => {
				const isPhone = json.phone !== 'n/a' && json.phone !== '';
				const hotlineOk = json.hotline !== OTHER_HOTLINE;
				const reaches = isPhone && hotlineOk;
				if (reaches)
					expectedCalls.push({
						extension: json.ext,
						hotline: json.hotline,
						phone_number: json.digits,
					});
				const succeeds = reaches && states[json.ext] === 'online' && json.digits !== blocked;
				if (succeeds) {
					expect(items[i].json).toEqual({
						callId: expect.any(String),
						extension: json.ext,
						hotline: json.hotline,
						phoneNumber: json.digits,
					});
					// The extension is busy with this call now (inferred), so later items on it meet user_busy.
					states[json.ext] = 'busy';
				} else expect(Object.keys(items[i].json)).toEqual(['error']);
			});
			expect(simulator.callCenter.clickToCalls).toEqual(expectedCalls);
			const hotlineChecks = sent(HOTLINES).map((r) => r.query.extension);
			expect(new Set(hotlineChecks).size).toBe(hotlineChecks.length);
			const ids = items
				.map((i) => i.json.callId)
				.filter((id): id is string => typeof id === 'string');
			expect(new Set(ids).size).toBe(ids.length);
			await simulator.callCenter.idle();
			for (const id of ids) expect(simulator.findCall(id)).toBeDefined();
			// Once its call has ended, an extension is free again.
			for (const item of items)
				if (typeof item.json.callId === 'string')
					expect(simulator.callCenter.extensions.get(item.json.extension as string)!.state).toBe(
						'online',
					);
		}
	});
});
