/**
 * Auto Call → Start, over real HTTP to the simulator, through n8n-core's ExecuteContext: the
 * request OMICall receives for text-to-speech, a recording and an IVR menu, {{variables}} filled
 * per item, the 300-character limit enforced before sending, the documented errors in plain
 * English, phone numbers as people paste them, one call record per number, Continue On Fail.
 */
import type { INodeParameters } from 'n8n-workflow';

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

const API_KEY = 'key-0123456789abcdef';
const AUTO_CALL = '/api/auto_call/execute_by_phone';
const nodeType = new OmiCall();
const MESSAGE = 'Đơn hàng của quý khách sẽ được giao hôm nay.';

let simulator: OmiCallSimulator;
let store: CredentialStore;

beforeEach(async () => {
	simulator = await startSimulator({ apiKeys: [API_KEY] });
	store = apiKeyStore(simulator.url, API_KEY);
});
afterEach(async () => {
	await simulator.callCenter.idle();
	await simulator.stop();
});

const rl = (value: string) => ({ __rl: true, mode: 'id', value });

const run = actionRunner(
	nodeType,
	{
		resource: 'autoCall',
		operation: 'start',
		name: 'Nhắc giao hàng',
		phoneNumbers: '0912345678',
		messageType: 'text',
		message: MESSAGE,
		hotline: rl(''),
	},
	() => store,
);

const runError = (parameters: INodeParameters) => failureOf(run(parameters));

const explained = (code: string) => `${OMICALL_ERROR_CODES[code]} (OMICall code: ${code})`;

describe('Start', () => {
	it('sends the documented body, outputs the campaign id and name, and each number becomes a call record with that autoCallId', async () => {
		const [item] = await run({
			phoneNumbers: '+84 912 345 678, 0983.456.789;\n84 903 111 222',
			hotline: rl(PUBLIC_NUMBERS[1]),
			options: {
				voice: 'lannhi',
				speed: -1,
				retries: 2,
				retrySpacing: 60,
				callsPerBatch: 5,
				batchSpacing: 10,
			},
		});
		const numbers = ['0912345678', '0983456789', '0903111222'];
		expect(simulator.callCenter.autoCalls).toEqual([
			{
				name: 'Nhắc giao hàng',
				phone_number_list: numbers,
				template_dialplans: [{ target_type: 'Text_variable' }],
				variables: [MESSAGE],
				cid: PUBLIC_NUMBERS[1],
				voice: 'lannhi',
				speed: -1,
				num_retry: 2,
				distance_retry: 60,
				num_per_call: 5,
				distance_per_call: 10,
			},
		]);
		expect(item).toEqual({
			json: {
				autoCallId: expect.stringMatching(/^[0-9a-f]{24}$/),
				name: 'Nhắc giao hàng',
				phoneNumbers: numbers,
				messageType: 'text',
			},
			pairedItem: { item: 0 },
		});
		await simulator.callCenter.idle();
		const records = simulator.calls.filter((c) => c.autocall_id === item.json.autoCallId);
		expect(records.map((c) => c.phone_number).sort()).toEqual([...numbers].sort());
		expect(records.every((c) => c.is_auto_call && c.sip_number === PUBLIC_NUMBERS[1])).toBe(true);

		// Call → Get Many shows them with autoCallId in the simplified record.
		const found = (
			await runAction(
				nodeType,
				{ resource: 'call', operation: 'getMany', returnAll: true, filters: {} },
				store,
			)
		).map((i) => i.json);
		expect(found.filter((c) => c.autoCallId === item.json.autoCallId)).toHaveLength(3);
	});

	it('fills {{variables}} per item: one campaign per item with its own text', async () => {
		const items = await run(
			{
				name: '=Nhắc {{ $json.order }}',
				phoneNumbers: '={{ $json.phone }}',
				message: '=Chào {{ $json.name }}, đơn hàng {{ $json.order }} sẽ được giao hôm nay.',
			},
			[
				{ json: { name: 'anh An', order: 'DH-1', phone: '0912345678' } },
				{ json: { name: 'chị Bình', order: 'DH-2', phone: ['0912345679', '0912345680'] } },
			],
		);
		expect(
			simulator.callCenter.autoCalls.map((c) => [c.name, c.phone_number_list, c.variables]),
		).toEqual([
			['Nhắc DH-1', ['0912345678'], ['Chào anh An, đơn hàng DH-1 sẽ được giao hôm nay.']],
			[
				'Nhắc DH-2',
				['0912345679', '0912345680'],
				['Chào chị Bình, đơn hàng DH-2 sẽ được giao hôm nay.'],
			],
		]);
		expect(items.map((i) => i.json.name)).toEqual(['Nhắc DH-1', 'Nhắc DH-2']);
		expect(new Set(items.map((i) => i.json.autoCallId)).size).toBe(2);
	});

	it('plays a recording or an IVR menu: the target, no variables, no voice', async () => {
		await run({ messageType: 'recording', recordingId: 'rec-123' });
		await run({ messageType: 'ivr', ivrMenuId: 'ivr-9' });
		expect(simulator.callCenter.autoCalls).toEqual([
			{
				name: 'Nhắc giao hàng',
				phone_number_list: ['0912345678'],
				template_dialplans: [{ target_type: 'Recording', target: 'rec-123' }],
				variables: [],
				cid: '',
			},
			{
				name: 'Nhắc giao hàng',
				phone_number_list: ['0912345678'],
				template_dialplans: [{ target_type: 'Ivr_menu', target: 'ivr-9' }],
				variables: [],
				cid: '',
			},
		]);
	});

	it('sends a caller hotline typed another way as the account lists it, asking tenant/detail once per run', async () => {
		const items = await run({ hotline: rl('028 9995 9300') }, [{ json: {} }, { json: {} }]);
		expect(PUBLIC_NUMBERS[0]).toBe('842899959300');
		expect(simulator.callCenter.autoCalls.map((c) => c.cid)).toEqual([
			PUBLIC_NUMBERS[0],
			PUBLIC_NUMBERS[0],
		]);
		expect(items).toHaveLength(2);
		expect(simulator.count('/api/tenant/detail')).toBe(1);
	});

	it("refuses a caller hotline that is not one of the account's numbers, listing them, and starts nothing", async () => {
		const error = await runError({ hotline: rl('0911 111 111') });
		expect(error.message).toBe(
			`This OMICall account may not call out on hotline 0911 111 111. It may use: ${PUBLIC_NUMBERS.join(', ')}.`,
		);
		expect(error.message).not.toMatch(/extension/i);
		expect(simulator.count(AUTO_CALL)).toBe(0);
	});

	it('number_call_out_invalid from OMICall does not speak of an extension', async () => {
		simulator.injectFault(AUTO_CALL, {
			body: { status_code: -9999, payload: null, message: 'number_call_out_invalid' },
		});
		const error = await runError({});
		expect(error.message).toBe(explained('number_call_out_invalid'));
		expect(error.message).not.toMatch(/extension/i);
	});

	it('calls a number pasted twice once', async () => {
		const [item] = await run({ phoneNumbers: '0912345678, +84 912 345 678, 0912 345 679' });
		expect(item.json.phoneNumbers).toEqual(['0912345678', '0912345679']);
	});
});

describe('Start: the limits, before anything is sent', () => {
	it('300 characters pass; 301 are refused, counted as people see them (Vietnamese marks are one character each)', async () => {
		// 'ệ' written decomposed (e + two combining marks) counts once, as it shows.
		const decomposed = 'ệ'.normalize('NFD');
		expect(decomposed.length).toBe(3);
		await run({ message: decomposed.repeat(300) });
		expect(simulator.callCenter.autoCalls).toHaveLength(1);
		const error = await runError({ message: 'a'.repeat(150) + decomposed.repeat(151) });
		expect(error.message).toBe(
			'Item 0: the message is 301 characters long; OMICall reads at most 300 per auto call.',
		);
		expect(error.description).toMatch(/^Nothing was sent to OMICall.*3,000/);
		expect(simulator.callCenter.autoCalls).toHaveLength(1);
	});

	it.each([
		[{ message: '  ' }, 'Item 0: enter the message OMICall reads aloud.'],
		[{ name: ' ' }, 'Item 0: enter a name for the auto call campaign.'],
		[{ phoneNumbers: ' , ;' }, 'Item 0: enter at least one phone number to call.'],
		[
			{ phoneNumbers: '0912345678, call me' },
			'Item 0: "call me" in the Phone Numbers is not a phone number.',
		],
		[
			{ phoneNumbers: '={{ [ "0912345678", 12 ] }}' },
			'Item 0: "12" in the Phone Numbers is not a phone number.',
		],
		[
			{ phoneNumbers: '={{ [ "0912345678", null ] }}' },
			'Item 0: the Phone Numbers has an empty entry (null) where text should be. Give text separated by commas, or a list of texts.',
		],
		[
			{ phoneNumbers: '={{ [ { "phone": "0912345678" } ] }}' },
			'Item 0: the Phone Numbers is an object ({"phone":"0912345678"}), not text. Give it text or a number, e.g. an expression that picks one value.',
		],
		[
			{ messageType: 'recording', recordingId: '' },
			'Item 0: enter the ID of the recording to play.',
		],
		[{ messageType: 'ivr', ivrMenuId: ' ' }, 'Item 0: enter the ID of the IVR menu to play.'],
	])('%j is refused unsent', async (parameters, message) => {
		const error = await runError(parameters);
		expect(error.message).toBe(message);
		expect(simulator.requests).toEqual([]);
	});

	it.each([['Chào {{ $json.name }}, đơn hàng sẽ được giao hôm nay.'], ['Xin chào }} quý khách']])(
		'a message with {{ or }} (%j, an expression typed in fixed mode) is refused unsent',
		async (message) => {
			const error = await runError({ message });
			expect(error.message).toBe(
				'Item 0: the message contains "{{" or "}}": OMICall would read it aloud as written.',
			);
			expect(error.description).toMatch(/^Nothing was sent to OMICall\..*Expression/);
			expect(simulator.requests).toEqual([]);
		},
	);

	it.each([
		[{ speed: 4 }, 'Item 0: the Speed option is "4"; it must be a number from -3 to 3.'],
		[{ speed: -3.5 }, 'Item 0: the Speed option is "-3.5"; it must be a number from -3 to 3.'],
		[{ speed: 'fast' }, 'Item 0: the Speed option is "fast"; it must be a number from -3 to 3.'],
		[{ retries: -1 }, 'Item 0: the Retries option is "-1"; it must be a whole number, 0 or more.'],
		[
			{ retries: 1.5 },
			'Item 0: the Retries option is "1.5"; it must be a whole number, 0 or more.',
		],
		[
			{ callsPerBatch: 0 },
			'Item 0: the Calls per Batch option is "0"; it must be a whole number, 1 or more.',
		],
		[
			{ batchSpacing: -30 },
			'Item 0: the Seconds Between Batches option is "-30"; it must be a whole number, 0 or more.',
		],
		[
			{ retrySpacing: null },
			'Item 0: the Seconds Between Retries option is empty; it must be a whole number, 0 or more.',
		],
	])(
		'options %j outside their range (as expressions can give) are refused at run time, before any request',
		async (options, message) => {
			const error = await runError({ options, hotline: rl(PUBLIC_NUMBERS[1]) });
			expect(error.message).toBe(message);
			expect(error.description).toMatch(/^Nothing was sent to OMICall/);
			expect(simulator.requests).toEqual([]);
		},
	);

	it('the edges pass: speed -3 and 3, 0 retries, 1 call per batch, 0 seconds, numbers as text', async () => {
		await run({
			options: { speed: -3, retries: 0, callsPerBatch: 1, batchSpacing: 0, retrySpacing: 0 },
		});
		await run({ options: { speed: '3', retries: '2', callsPerBatch: '5' } });
		expect(
			simulator.callCenter.autoCalls.map((c) => [
				c.speed,
				c.num_retry,
				c.num_per_call,
				c.distance_per_call,
			]),
		).toEqual([
			[-3, 0, 1, 0],
			[3, 2, 5, undefined],
		]);
	});

	it('the hint names both limits', () => {
		const message = nodeType.description.properties.find(
			(p) => p.name === 'message' && p.displayOptions?.show?.resource?.includes('autoCall'),
		);
		expect(message?.hint).toContain('300 characters');
		expect(message?.hint).toContain('3,000');
	});
});

describe('Start: documented errors in plain English', () => {
	it('limit_service: the package cannot auto call', async () => {
		simulator.callCenter.autoCallAllowed = false;
		expect((await runError({})).message).toBe(explained('limit_service'));
	});

	it('balance_is_not_enough', async () => {
		simulator.callCenter.tenant.balance = 0;
		expect((await runError({})).message).toBe(explained('balance_is_not_enough'));
		expect(simulator.calls).toEqual([]);
	});

	it("limit_word: today's 3,000 characters are used up", async () => {
		simulator.callCenter.charactersToday = 2990;
		expect((await runError({ message: 'x'.repeat(11) })).message).toBe(explained('limit_word'));
		await run({ message: 'x'.repeat(10) });
		expect(simulator.callCenter.charactersToday).toBe(3000);
	});

	it('limit_word_session from OMICall (should its count differ from ours)', async () => {
		simulator.injectFault(AUTO_CALL, {
			body: {
				status_code: -9999,
				instance_id: 'stg',
				payload: null,
				message: 'limit_word_session',
			},
		});
		expect((await runError({})).message).toBe(explained('limit_word_session'));
	});

	it('an answer without an autocall_id is an error that warns the calls may be going out', async () => {
		simulator.injectFault(AUTO_CALL, {
			body: { status_code: 9999, instance_id: 'stg', payload: {}, key_enabled: false },
		});
		const error = await runError({});
		expect(error.message).toBe('OMICall accepted the auto call but did not say its autocall_id.');
		expect(error.description).toMatch(/nobody is called twice/);
	});

	it.each([
		['a dropped connection', { drop: true }, /closed the connection before answering/],
		['a 504 from a proxy', { status: 504 }, /HTTP 504/],
	])(
		'%s after OMICall started it: the error warns the calls may be going out',
		async (_, fault, cause) => {
			simulator.loseAnswer(AUTO_CALL, fault);
			const error = await runError({});
			expect(simulator.callCenter.autoCalls).toHaveLength(1);
			expect(error.message).toMatch(cause);
			expect(error.message).toMatch(/OMICall may have started the auto call all the same\.$/);
			expect(error.description).toMatch(/The calls may be going out.*nobody is called twice/);
		},
	);

	it("a later item's failure names the auto calls earlier items started", async () => {
		const failed = await run({ message: '={{ $json.text }}' }, [
			{ json: { text: 'Xin chào' } },
			{ json: { text: 'x'.repeat(301) } },
		]).then(
			() => undefined,
			(e: Error) => e,
		);
		expect(simulator.callCenter.autoCalls).toHaveLength(1);
		expect(failed?.message).toMatch(
			/^Item 1: the message is 301 characters long; OMICall reads at most 300 per auto call\. Earlier items of this run started 1 auto call, which stays started \(autoCallId [0-9a-f]{24}\): do not run those items again\.$/,
		);
	});

	it('under Continue On Fail a refused item is {error} and the next item still starts', async () => {
		const items = await run(
			{ message: '={{ $json.text }}' },
			[{ json: { text: 'x'.repeat(301) } }, { json: { text: 'Xin chào' } }],
			true,
		);
		expect(items[0]).toEqual({
			json: {
				error:
					'Item 0: the message is 301 characters long; OMICall reads at most 300 per auto call.',
			},
			pairedItem: { item: 0 },
		});
		expect(items[1].json.autoCallId).toEqual(expect.any(String));
		expect(items[1].pairedItem).toEqual({ item: 1 });
		expect(simulator.callCenter.autoCalls).toHaveLength(1);
	});
});
