/**
 * What an expression may give a parameter, through n8n-core's ExecuteContext and PollContext over
 * real HTTP to the simulator: a number is text; an object, a list, true/false or NaN fails the
 * item naming the field, before any request (never a filter silently dropped, never
 * "[object Object]" sent); an unknown option value or a Limit below 1 fails the item clearly, and
 * with Continue On Fail every input item still has its output item.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { OmiCall } from '../../nodes/OmiCall/OmiCall.node';
import { OmiCallCallHistoryTrigger } from '../../nodes/OmiCall/OmiCallCallHistoryTrigger.node';
import { MAX_TEXT_LENGTH } from '../../nodes/OmiCall/actions/input';
import {
	apiKeyStore,
	buildNode,
	CredentialStore,
	executeNode,
	pollNode,
} from '../harness/n8n-core';
import { documentedContact, type OmiCallSimulator, startSimulator } from '../harness/simulator';

const API_KEY = 'key-input-0123456789';
const nodeType = new OmiCall();

let simulator: OmiCallSimulator;
let store: CredentialStore;

beforeEach(async () => {
	simulator = await startSimulator({ apiKeys: [API_KEY], retryDelayMs: 5 });
	store = apiKeyStore(simulator.url, API_KEY);
});
afterEach(async () => {
	await simulator.callCenter.idle();
	await simulator.stop();
});

async function run(
	resource: string,
	operation: string,
	parameters: INodeParameters,
	items: INodeExecutionData[] = [{ json: {} }],
	continueOnFail = true,
): Promise<IDataObject[]> {
	const built = buildNode(nodeType, { resource, operation, ...parameters }, store);
	built.node.continueOnFail = continueOnFail;
	return (await executeNode(built, nodeType, items)).map((item) => item.json);
}

/** The error of the one input item, with Continue On Fail; nothing may have reached OMICall. */
async function itemError(
	resource: string,
	operation: string,
	parameters: INodeParameters,
): Promise<string> {
	simulator.resetLog();
	const out = await run(resource, operation, parameters);
	expect(out).toHaveLength(1);
	expect(out[0].error).toEqual(expect.any(String));
	expect(simulator.requests).toEqual([]);
	return out[0].error as string;
}

const rl = (value: unknown, mode = 'id') => ({ __rl: true as const, mode, value: value as string });

function seedContacts(count: number) {
	for (let n = 0; n < count; n++)
		simulator.contactStore.seed({
			...documentedContact(),
			contact_id: `c${String(n).padStart(23, '0')}`,
			ref_id: `R-${n}`,
			attribute_structure: [
				{
					field_code: 'full_name',
					field_type: 'single_text',
					value: [{ display_value: `Khách ${n}` }],
				},
				{
					field_code: 'phone_number',
					field_type: 'phone',
					value: [
						{ display_value: `09123456${String(n).padStart(2, '0')}`, data_type: 'personal' },
					],
				},
			],
		});
}

describe('Contact Get Many filters given by an expression', () => {
	it('a phone number given as a number (from a spreadsheet) filters: only that contact', async () => {
		seedContacts(5);
		const found = await run('contact', 'getMany', {
			returnAll: true,
			filters: { phone: '={{ 912345603 }}' },
			options: {},
		});
		expect(found.map((c) => c.fullName)).toEqual(['Khách 3']);
	});

	it.each([
		['phone', '={{ { "a": 1 } }}', 'Phone Number filter is an object'],
		['phone', '={{ ["0912345601", "0912345602"] }}', 'Phone Number filter is a list'],
		['email', '={{ true }}', 'Email filter is true/false'],
		['keyword', '={{ { "name": "An" } }}', 'Keyword filter is an object'],
	])(
		'%s = %s fails the item naming the filter, instead of returning every contact',
		async (name, value, said) => {
			seedContacts(3);
			const error = await itemError('contact', 'getMany', {
				returnAll: true,
				filters: { [name]: value },
				options: {},
			});
			expect(error).toContain(`Item 0: the ${said}`);
		},
	);
});

describe('Call Get Many filters given by an expression', () => {
	it.each([
		['phoneNumbers', '={{ { "a": 1 } }}', 'Customer Phone Numbers filter is an object'],
		['agentEmails', '={{ true }}', 'Agent Emails filter is true/false'],
		['agentExtensions', '={{ { "ext": 100 } }}', 'Agent Extensions filter is an object'],
		['transactionIds', '={{ true }}', 'Transaction IDs filter is true/false'],
		['keyword', '={{ ["An", "Bình"] }}', 'Keyword filter is a list'],
		['directions', '={{ ["sideways"] }}', 'Direction "sideways" is not known'],
	])('%s = %s fails the item naming the filter, unsent', async (name, value, said) => {
		const error = await itemError('call', 'getMany', {
			returnAll: false,
			limit: 5,
			filters: { [name]: value },
			options: {},
		});
		expect(error).toContain(`Item 0: the ${said}`);
	});

	it("extensions given as numbers are text: the filter keeps only those agents' calls", async () => {
		simulator.generateHistory({ count: 60, days: 0.9, seed: 3, endAt: Date.now() });
		const extensions = [...new Set(simulator.calls.map((c) => String(c.sip_user)))].sort();
		expect(extensions.length).toBeGreaterThan(1);
		const wanted = extensions[0];
		const out = await run(
			'call',
			'getMany',
			{ returnAll: true, filters: { agentExtensions: `={{ [${Number(wanted)}] }}` }, options: {} },
			[{ json: {} }],
			false,
		);
		expect(out.length).toBe(simulator.calls.filter((c) => String(c.sip_user) === wanted).length);
		expect(new Set(out.map((c) => c.agentExtension))).toEqual(new Set([wanted]));
	});

	it('From given an object says what it got, not "[object Object]"', async () => {
		const error = await itemError('call', 'getMany', {
			limit: 5,
			filters: { from: '={{ { "a": 1 } }}' },
			options: {},
		});
		expect(error).toBe('From is not a date and time: "{"a":1}".');
	});
});

describe('Call History Trigger: the Hotlines filter given by an expression', () => {
	it('an object fails the poll naming the filter, before any request', async () => {
		const trigger = new OmiCallCallHistoryTrigger();
		const built = buildNode(
			trigger,
			{ filters: { hotlines: '={{ { "a": 1 } }}' }, options: { backfillHours: 1 } },
			store,
		);
		simulator.resetLog();
		await expect(pollNode(built, trigger)).rejects.toThrow('The Hotlines filter is an object');
		expect(simulator.requests).toEqual([]);
	});
});

describe('Auto Call Start: the text OMICall reads or plays', () => {
	const base = {
		name: 'Nhắc giao hàng',
		phoneNumbers: '0912345678',
		messageType: 'text',
		message: 'Xin chào',
		hotline: rl(''),
		options: {},
	};

	it.each([
		[{ message: '={{ { "a": 1 } }}' }, 'the Message is an object ({"a":1}), not text'],
		[{ message: '={{ ["Xin", "chào"] }}' }, 'the Message is a list (["Xin","chào"]), not text'],
		[{ name: '={{ { "a": 1 } }}' }, 'the Name is an object'],
		[
			{ messageType: 'recording', recordingId: '={{ { "id": 7 } }}' },
			'the Recording ID is an object',
		],
		[{ messageType: 'ivr', ivrMenuId: '={{ [1, 2] }}' }, 'the IVR Menu ID is a list'],
		[{ messageType: 'video' }, 'the Message Type "video" is not known'],
		[{ options: { voice: 'robot' } }, 'the Voice "robot" is not known'],
		[{ name: `={{ "a".repeat(200000) }}` }, 'the Name is 200000 characters long'],
	])('%j fails the item naming the field; nothing is sent', async (parameters, said) => {
		const error = await itemError('autoCall', 'start', { ...base, ...parameters });
		expect(error).toContain(`Item 0: ${said}`);
		expect(error).not.toContain('[object Object]');
	});

	it('a number as the message is read as its digits', async () => {
		await run('autoCall', 'start', { ...base, message: '={{ 1042 }}' }, [{ json: {} }], false);
		expect(simulator.callCenter.autoCalls.map((c) => c.variables)).toEqual([['1042']]);
	});
});

describe('options read at run time', () => {
	it('Contact Upsert with an unknown Match On names it and the item, instead of a TypeError', async () => {
		const error = await itemError('contact', 'upsert', {
			matchOn: 'email',
			fullName: 'Lan',
			additionalFields: {},
			options: {},
		});
		expect(error).toBe('Item 0: the Match On "email" is not known. Use one of: refId, phone.');
	});

	it('Webhook Register with an unknown event, and List filtered by an unknown Type, fail the item', async () => {
		const register = await itemError('webhook', 'register', {
			webhookType: 'call',
			url: 'https://crm.example.com/h',
			events: ['ringing', 'voicemail'],
		});
		expect(register).toBe(
			'Item 0: the Event "voicemail" is not known. Use one of: ringing, answered, hangup.',
		);
		const list = await itemError('webhook', 'list', { options: { type: 'sms' } });
		expect(list).toBe('Item 0: the Type "sms" is not known. Use one of: call, contact.');
	});

	it.each([['={{ { "a": 1 } }}'], ['={{ [1, 2] }}'], ['']])(
		'Webhook Destroy with Type %j fails the item instead of outputting destroyed: false',
		async (type) => {
			const error = await itemError('webhook', 'destroy', { webhookType: type, options: {} });
			expect(error).toMatch(/^Item 0: the Type ".*" is not known\. Use one of: call, contact\.$/);
		},
	);
});

describe('single values that are not text', () => {
	it.each([
		['call', 'get', { callId: rl('={{ NaN }}'), options: {} }, 'the Call is not a number (NaN)'],
		[
			'autoCall',
			'start',
			{
				name: 'x',
				phoneNumbers: '0912345678',
				messageType: 'text',
				message: 'Xin chào',
				hotline: rl('={{ NaN }}'),
			},
			'the Caller Hotline is not a number (NaN)',
		],
		[
			'contact',
			'create',
			{ fullName: 'Lan', additionalFields: { refId: `={{ "R".repeat(${MAX_TEXT_LENGTH + 1}) }}` } },
			`the Reference ID is ${MAX_TEXT_LENGTH + 1} characters long`,
		],
	])('%s %s: %j fails the item, unsent', async (resource, operation, parameters, said) => {
		const error = await itemError(resource, operation, parameters as INodeParameters);
		expect(error).toContain(`Item 0: ${said}`);
	});
});

describe('Limit', () => {
	it.each([[0], [-1], [''], ['={{ NaN }}'], ['={{ null }}']])(
		'Contact Get Many and Call Get Many refuse Limit %j, and each input item keeps its output item',
		async (limit) => {
			seedContacts(2);
			for (const resource of ['contact', 'call']) {
				simulator.resetLog();
				const out = await run(
					resource,
					'getMany',
					{ returnAll: false, limit, filters: {}, options: {} },
					[{ json: { n: 1 } }, { json: { n: 2 } }],
				);
				expect(out).toHaveLength(2);
				for (const [k, item] of out.entries())
					expect(item.error).toMatch(
						new RegExp(`^Item ${k}: the Limit is .*; it must be a whole number, 1 or more\\.$`),
					);
				expect(simulator.requests).toEqual([]);
			}
		},
	);
});
