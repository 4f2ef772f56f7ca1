import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { text } from '../../callRecord';
import { allowAiCallsField, refuseAiAgentCallsUnlessAllowed } from '../aiTool';
import { accountHotlines, hotlineField, listedHotline } from '../callCenter';
import {
	inputError,
	readChoice,
	readLocator,
	readNumber,
	readPhoneList,
	readTextParameter,
} from '../input';
import { place, placing } from '../placement';

/** Documented (omicall-api.md 8): a voice message to a list of numbers. */
const AUTO_CALL_PATH = '/api/auto_call/execute_by_phone';
/** Documented (8): text-to-speech reads at most 300 characters per session (3,000 per day). */
const MAX_MESSAGE_CHARACTERS = 300;

const MESSAGE_TYPES = ['text', 'recording', 'ivr'] as const;
type MessageType = (typeof MESSAGE_TYPES)[number];
/** The voices of the Voice option (documented, 8). */
const VOICES = ['banmai', 'lannhi', 'leminh'] as const;
/** Documented target_type of each kind of message. */
const TARGET_TYPES: Record<MessageType, string> = {
	text: 'Text_variable',
	recording: 'Recording',
	ivr: 'Ivr_menu',
};

const properties: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. Delivery reminder 2026-11-29',
		description: 'The campaign name shown in OMICall',
	},
	{
		displayName: 'Phone Numbers',
		name: 'phoneNumbers',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 0912 345 678, +84 983 456 789',
		description:
			'The numbers to call, separated by commas, semicolons or new lines, or a list from an expression. Each input item starts one campaign: for a personal message per customer, send one item per customer.',
	},
	{
		displayName: 'Message Type',
		name: 'messageType',
		type: 'options',
		options: [
			{
				name: 'Text to Speech',
				value: 'text',
				description: 'OMICall reads the text aloud',
			},
			{ name: 'Recording', value: 'recording', description: 'A recording uploaded to OMICall' },
			{ name: 'IVR Menu', value: 'ivr', description: 'An IVR menu set up in OMICall' },
		],
		default: 'text',
	},
	{
		displayName: 'Message',
		name: 'message',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		displayOptions: { show: { messageType: ['text'] } },
		placeholder: 'e.g. Đơn hàng {{ $json.orderId }} của quý khách sẽ được giao hôm nay.',
		description:
			"The text OMICall reads. Expressions fill it per item, with the customer's name or order for example.",
		hint: 'At most 300 characters per message; OMICall allows 3,000 text-to-speech characters a day per account',
	},
	{
		displayName: 'Recording ID',
		name: 'recordingId',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show: { messageType: ['recording'] } },
		description: 'The ID of the recording in OMICall',
	},
	{
		displayName: 'IVR Menu ID',
		name: 'ivrMenuId',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show: { messageType: ['ivr'] } },
		description: 'The ID of the IVR menu in OMICall',
	},
	hotlineField({
		displayName: 'Caller Hotline',
		required: false,
		description:
			"The number the customers see. Empty: OMICall's own number (on-net). The list shows the account's numbers.",
	}),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Calls per Batch',
				name: 'callsPerBatch',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 15,
				description: 'How many numbers OMICall calls at once',
			},
			{
				displayName: 'Retries',
				name: 'retries',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description: 'How many more times OMICall calls a number that did not answer',
			},
			{
				displayName: 'Seconds Between Batches',
				name: 'batchSpacing',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 30,
			},
			{
				displayName: 'Seconds Between Retries',
				name: 'retrySpacing',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
			},
			{
				displayName: 'Speed',
				name: 'speed',
				type: 'number',
				typeOptions: { minValue: -3, maxValue: 3 },
				default: 0,
				description: 'How fast the text is read, from -3 (slowest) to 3 (fastest)',
				displayOptions: { show: { '/messageType': ['text'] } },
			},
			{
				displayName: 'Voice',
				name: 'voice',
				type: 'options',
				options: [
					{ name: 'Ban Mai (Female, Northern)', value: 'banmai' },
					{ name: 'Lan Nhi (Female, Southern)', value: 'lannhi' },
					{ name: 'Lê Minh (Male, Northern)', value: 'leminh' },
				],
				default: 'banmai',
				displayOptions: { show: { '/messageType': ['text'] } },
			},
		],
	},
	allowAiCallsField,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['autoCall'], operation: ['start'] } },
	properties,
);

/** The message step and its text: checked against OMICall's limit before anything is sent. */
function readMessage(
	context: IExecuteFunctions,
	type: MessageType,
	i: number,
): { step: IDataObject; variables: string[] } {
	if (type === 'text') {
		const message = readTextParameter(context, 'message', i, 'Message').normalize('NFC').trim();
		if (!message) throw inputError(context, i, 'enter the message OMICall reads aloud.');
		// n8n fills the message per item; braces left in it are an expression typed in fixed mode.
		if (/\{\{|\}\}/.test(message))
			throw inputError(
				context,
				i,
				'the message contains "{{" or "}}": OMICall would read it aloud as written.',
				'Nothing was sent to OMICall. To fill the message per item, make it an expression: switch the Message field to Expression (its value then starts with "="), so n8n replaces {{ $json.name }} with the name before sending.',
			);
		const length = [...message].length;
		if (length > MAX_MESSAGE_CHARACTERS)
			throw inputError(
				context,
				i,
				`the message is ${length} characters long; OMICall reads at most ${MAX_MESSAGE_CHARACTERS} per auto call.`,
				'Nothing was sent to OMICall. Shorten the message (OMICall also allows 3,000 text-to-speech characters a day per account).',
			);
		return { step: { target_type: TARGET_TYPES.text }, variables: [message] };
	}
	const parameter = type === 'recording' ? 'recordingId' : 'ivrMenuId';
	const target = readTextParameter(
		context,
		parameter,
		i,
		type === 'recording' ? 'Recording ID' : 'IVR Menu ID',
	);
	if (!target)
		throw inputError(
			context,
			i,
			type === 'recording'
				? 'enter the ID of the recording to play.'
				: 'enter the ID of the IVR menu to play.',
		);
	return { step: { target_type: TARGET_TYPES[type], target }, variables: [] };
}

/** The numeric options: their request field and the values OMICall takes (documented, 8). */
const NUMERIC_OPTIONS: Array<{ option: string; field: string; label: string; min: number }> = [
	{ option: 'retries', field: 'num_retry', label: 'Retries', min: 0 },
	{ option: 'callsPerBatch', field: 'num_per_call', label: 'Calls per Batch', min: 1 },
	{ option: 'batchSpacing', field: 'distance_per_call', label: 'Seconds Between Batches', min: 0 },
	{ option: 'retrySpacing', field: 'distance_retry', label: 'Seconds Between Retries', min: 0 },
];

/**
 * The options as the request fields, checked: an expression bypasses the fields' minValue and
 * maxValue, so OMICall would otherwise get -1 retries or speed 10.
 */
function readOptions(context: IExecuteFunctions, type: MessageType, i: number): IDataObject {
	const options = context.getNodeParameter('options', i, {}) as IDataObject;
	const help = 'Nothing was sent to OMICall. Correct the option, or the expression that gives it.';
	const fields: IDataObject = {};
	if (type === 'text') {
		fields.voice = readChoice(context, i, options.voice ?? 'banmai', VOICES, 'Voice');
		fields.speed = readNumber(context, i, options.speed, 'Speed option', {
			min: -3,
			max: 3,
			empty: 0,
			help,
		});
	}
	for (const { option, field, label, min } of NUMERIC_OPTIONS) {
		if (!(option in options)) continue;
		fields[field] = readNumber(context, i, options[option], `${label} option`, {
			min,
			integer: true,
			help,
		});
	}
	return fields;
}

export async function execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
	return await placing(this, 'autoCall', i, async () => await startAutoCall.call(this, i));
}

async function startAutoCall(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
	refuseAiAgentCallsUnlessAllowed(this, 'start auto calls', i);
	const name = readTextParameter(this, 'name', i, 'Name');
	if (!name) throw inputError(this, i, 'enter a name for the auto call campaign.');
	const phoneNumbers = readPhoneList(
		this,
		i,
		this.getNodeParameter('phoneNumbers', i, ''),
		'Phone Numbers',
	);
	if (!phoneNumbers.length) throw inputError(this, i, 'enter at least one phone number to call.');
	const type = readChoice(
		this,
		i,
		this.getNodeParameter('messageType', i, 'text'),
		MESSAGE_TYPES,
		'Message Type',
	);
	const { step, variables } = readMessage(this, type, i);
	const typedHotline = readLocator(this, 'hotline', i, 'Caller Hotline');
	const optionFields = readOptions(this, type, i);

	// Empty: OMICall's own number. Otherwise one of the account's, spelt as OMICall lists it.
	const hotline = typedHotline
		? listedHotline(
				this,
				typedHotline,
				await accountHotlines(this, i),
				{ name: 'This OMICall account', ask: "for the account's hotlines" },
				i,
			)
		: '';
	const body: IDataObject = {
		name,
		phone_number_list: phoneNumbers,
		template_dialplans: [step],
		variables,
		cid: hotline,
		...optionFields,
	};

	const { id: autoCallId, payload } = await place(this, 'autoCall', AUTO_CALL_PATH, body, i);
	const shownName = text(payload.name) ?? name;
	return [{ json: { autoCallId, name: shownName, phoneNumbers, messageType: type } }];
}
