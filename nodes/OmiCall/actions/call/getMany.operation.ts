import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { callIdOf } from '../../callRecord';
import { readOutput, returnAllAndLimit } from '../common';
import { quoted, readLimit } from '../input';
import {
	agentExtensionsFilter,
	answeredOnlyFilter,
	directionsFilter,
	listHint,
	SEARCH_WINDOW_MS,
	searchFilter,
	searchHistory,
	searchWindows,
} from './history';
import {
	callItem,
	DAY_MS,
	MAX_PAGE_SIZE,
	outputOption,
	readBinaryField,
	recordingFieldOption,
	toEpochMs,
} from './shared';

/** When From is not given: this long before To. */
const DEFAULT_RANGE_MS = DAY_MS;

const properties: INodeProperties[] = [
	...returnAllAndLimit,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Agent Emails',
				name: 'agentEmails',
				type: 'string',
				default: '',
				placeholder: 'e.g. lan@example.vn, khoa@example.vn',
				description: `Only calls handled by these agents, by the email they sign in to OMICall with. ${listHint}.`,
			},
			agentExtensionsFilter,
			answeredOnlyFilter,
			{
				displayName: 'Customer Phone Numbers',
				name: 'phoneNumbers',
				type: 'string',
				default: '',
				placeholder: 'e.g. 0395187319',
				description: `Only calls with these customer numbers, written as OMICall stores them (Vietnamese numbers usually as 0395187319, not +84…). ${listHint}.`,
			},
			directionsFilter,
			{
				displayName: 'From',
				name: 'from',
				type: 'dateTime',
				default: '',
				description: `Only calls that started at or after this time. Empty: 24 hours before To. Any length works: the node searches long ranges ${SEARCH_WINDOW_MS / DAY_MS} days at a time. Without a time zone, the time is read in the workflow's time zone.`,
			},
			{
				displayName: 'Keyword',
				name: 'keyword',
				type: 'string',
				default: '',
				placeholder: 'e.g. Nguyễn Văn An',
				description:
					"Only calls whose customer phone number or name contains this text (OMICall's own keyword search)",
			},
			{
				displayName: 'To',
				name: 'to',
				type: 'dateTime',
				default: '',
				description: 'Only calls that started at or before this time. Empty: now.',
			},
			{
				displayName: 'Transaction IDs',
				name: 'transactionIds',
				type: 'string',
				default: '',
				description: `Only these calls, by transaction ID (the callId of a call). They must still lie between From and To. ${listHint}.`,
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Attach Recordings',
				name: 'attachRecordings',
				type: 'boolean',
				default: false,
				description:
					'Whether to download the recording of each call that has one and attach it as binary data (one download per call)',
			},
			outputOption,
			recordingFieldOption,
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['call'], operation: ['getMany'] } },
	properties,
);

function readRange(
	context: IExecuteFunctions,
	filters: IDataObject,
	i: number,
): { from: number; to: number } {
	const timeZone = context.getTimezone();
	const given = (name: 'from' | 'to', label: string): number | undefined => {
		const value = filters[name];
		if (value === undefined || value === null || value === '') return undefined;
		const ms = toEpochMs(value, timeZone);
		if (!Number.isFinite(ms)) {
			throw new NodeOperationError(
				context.getNode(),
				`${label} is not a date and time: ${quoted(value)}.`,
				{
					itemIndex: i,
					description:
						'Use ISO 8601 such as 2026-11-28T08:00:00+07:00, or an epoch time in milliseconds.',
				},
			);
		}
		return ms;
	};
	const to = given('to', 'To') ?? Date.now();
	const from = given('from', 'From') ?? to - DEFAULT_RANGE_MS;
	if (from > to) {
		throw new NodeOperationError(
			context.getNode(),
			`From (${new Date(from).toISOString()}) is after To (${new Date(to).toISOString()}).`,
			{
				itemIndex: i,
				description: 'Swap them, or leave From empty for the 24 hours before To.',
			},
		);
	}
	return { from, to };
}

export async function execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
	const limit = readLimit(this, i);
	const filters = this.getNodeParameter('filters', i, {}) as IDataObject;
	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	const output = readOutput(options.output);
	const recordingField =
		options.attachRecordings === true
			? readBinaryField(this, options.recordingField ?? 'data', i)
			: undefined;

	const { from, to } = readRange(this, filters, i);
	const filter = searchFilter(this, filters, i);
	const size = Math.min(MAX_PAGE_SIZE, limit);
	const seen = new Set<string>();
	const records: IDataObject[] = [];

	search: for (const window of searchWindows(from, to)) {
		for await (const page of searchHistory.call(this, { ...window, filter, size }, i)) {
			for (const record of page.records) {
				const id = callIdOf(record);
				if (id !== null) {
					if (seen.has(id)) continue;
					seen.add(id);
				}
				records.push(record);
				if (records.length >= limit) break search;
			}
		}
	}

	const out: INodeExecutionData[] = [];
	for (const record of records) out.push(await callItem(this, record, output, i, recordingField));
	return out;
}
