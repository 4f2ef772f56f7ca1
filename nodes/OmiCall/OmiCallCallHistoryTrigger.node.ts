import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import {
	agentExtensionsFilter,
	answeredOnlyFilter,
	directionsFilter,
	listHint,
	searchFilter,
} from './actions/call/history';
import { outputOption } from './actions/call/shared';
import { readOutput } from './actions/common';
import { readNumber, readTextList } from './actions/input';
import { phoneKey } from './phone';
import {
	DEFAULT_OVERLAP_MINUTES,
	historyItem,
	type HistoryFilters,
	latestRecord,
	MAX_BACKFILL_HOURS,
	pollHistory,
	readCursor,
	startCursor,
} from './trigger/historyCursor';

export class OmiCallCallHistoryTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OMICall Call History Trigger',
		name: 'omiCallCallHistoryTrigger',
		icon: { light: 'file:omicall.svg', dark: 'file:omicall.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: 'New call records',
		description:
			"Starts the workflow for each new call in OMICall's call history, by polling: no webhook, no public URL",
		defaults: { name: 'OMICall Call History Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'omiCallApi', required: true }],
		properties: [
			{
				displayName:
					"This trigger reads OMICall's call history on a schedule and leaves OMICall's call webhook alone. It needs the credential's API Key mode (v3 call search).",
				name: 'pollingNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Filters',
				name: 'filters',
				type: 'collection',
				placeholder: 'Add Filter',
				default: {},
				options: [
					agentExtensionsFilter,
					{
						...answeredOnlyFilter,
						description: 'Whether to start the workflow only for calls that somebody answered',
					},
					directionsFilter,
					{
						displayName: 'Hotlines',
						name: 'hotlines',
						type: 'string',
						default: '',
						placeholder: 'e.g. 02873005588',
						description: `Only calls through these hotlines (the hotline of a call). ${listHint}.`,
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
						displayName: 'Look Back (Minutes)',
						name: 'overlapMinutes',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: DEFAULT_OVERLAP_MINUTES,
						description:
							'How far before the newest call already seen each poll looks again, for calls OMICall records late: a call is recorded when it ends but found by when it started, so this should exceed your longest calls. Calls found again are not repeated.',
					},
					{
						displayName: 'On First Activation, Take In the Last (Hours)',
						name: 'backfillHours',
						type: 'number',
						typeOptions: { minValue: 0, maxValue: MAX_BACKFILL_HOURS },
						default: 0,
						description: `0: start with the calls that begin after activation. More: the first poll also takes in the calls of this many hours before it, once (at most ${MAX_BACKFILL_HOURS}, 90 days).`,
					},
					outputOption,
				],
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const filters = readFilters(this, this.getNodeParameter('filters', {}) as IDataObject);
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const now = Date.now();

		if (this.getMode() === 'manual') {
			const record = await latestRecord(this, filters, now);
			if (!record)
				throw new NodeOperationError(
					this.getNode(),
					'No calls in the last 24 hours match this trigger.',
					{
						description:
							'Make or take a call on one of your OMICall hotlines (or loosen the filters), then fetch a test event again.',
					},
				);
			return [[historyItem(record, readOutput(options.output))]];
		}

		// n8n's default scheduler starts a poll on each tick without waiting for the last one: a
		// poll still running (a long catch-up, a rate-limit wait) would read the same cursor and
		// emit the same calls again. So one poll at a time per trigger, within this n8n process.
		const key = `${this.getWorkflow().id ?? ''}\u0000${this.getNode().id}`;
		if (running.has(key)) return null;
		running.add(key);
		try {
			return await watch(this, filters, options, now);
		} finally {
			running.delete(key);
		}
	}
}

/** The triggers (workflow id and node id) with a poll running in this process. */
const running = new Set<string>();

/**
 * One poll: from the saved cursor or, on first activation, from the start the back-fill gives;
 * the new calls as items, and the cursor saved after them.
 */
async function watch(
	context: IPollFunctions,
	filters: HistoryFilters,
	options: IDataObject,
	now: number,
): Promise<INodeExecutionData[][] | null> {
	const staticData = context.getWorkflowStaticData('node');
	let cursor = readCursor(staticData.cursor);
	if (!cursor) {
		const backfillHours = readBackfillHours(context, options.backfillHours);
		cursor = startCursor(now, backfillHours);
		if (backfillHours === 0) {
			// No back-fill: the watch starts now, and this poll has nothing to take in.
			staticData.cursor = cursor as unknown as IDataObject;
			return null;
		}
	}
	const overlap = readNumber(
		context,
		undefined,
		options.overlapMinutes,
		'Look Back (Minutes) option',
		{
			min: 0,
			empty: DEFAULT_OVERLAP_MINUTES,
			help: READ_NOTHING,
		},
	);
	// A failed request throws here: nothing is emitted and the cursor stays where it was.
	const polled = await pollHistory(context, cursor, filters, overlap, now);
	staticData.cursor = polled.cursor as unknown as IDataObject;
	if (!polled.records.length) return null;
	const output = readOutput(options.output);
	return [polled.records.map((record) => historyItem(record, output))];
}

const READ_NOTHING =
	'Nothing was read from OMICall. Correct the option, or the expression that gives it.';

/** The back-fill, checked: an expression bypasses the field's maxValue. */
function readBackfillHours(context: IPollFunctions, value: unknown): number {
	return readNumber(
		context,
		undefined,
		value,
		'On First Activation, Take In the Last (Hours) option',
		{
			min: 0,
			max: MAX_BACKFILL_HOURS,
			empty: 0,
			help: `${READ_NOTHING} ${MAX_BACKFILL_HOURS} hours is 90 days, the most that is taken in.`,
		},
	);
}

/** The v3 filter for the trigger's filters (Get Many's own), and the hotlines it compares itself. */
function readFilters(context: IPollFunctions, given: IDataObject): HistoryFilters {
	const hotlines = readTextList(context, undefined, given.hotlines, 'Hotlines filter')
		.map(phoneKey)
		.filter((h): h is string => h !== null);
	return { filter: searchFilter(context, given, undefined), hotlines };
}
