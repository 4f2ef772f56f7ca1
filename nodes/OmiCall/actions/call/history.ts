import type {
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeProperties,
	IPollFunctions,
} from 'n8n-workflow';

import { callIdOf, DIRECTIONS } from '../../callRecord';
import { omiCallRequest, pageOf } from '../../transport';
import { readChoice, readText, readTextList } from '../input';
import { DAY_MS, MAX_PAGE_SIZE, SEARCH_PATH } from './shared';

/**
 * The call history search that Call → Get Many and the Call History Trigger share: the v3 search
 * page by page, the windows a long range is cut into, and the filters both offer.
 */

/**
 * The longest time range one v3 search may cover: 30 days. Inferred (omicall-api.md 1.6 and open
 * question 3): v1 documents at most 30 days between from_date and to_date (`date_is_too_long`);
 * v2/v3 state no limit. A longer range is searched in windows of this size, newest first.
 */
export const SEARCH_WINDOW_MS = 30 * DAY_MS;

export const listHint = 'Several values: separate them with commas';

/** Filters the Call History Trigger has too: the same parameters, the same search filter. */
export const agentExtensionsFilter: INodeProperties = {
	displayName: 'Agent Extensions',
	name: 'agentExtensions',
	type: 'string',
	default: '',
	placeholder: 'e.g. 100, 101',
	description: `Only calls of these agents, by their extension (the agentExtension of a call). ${listHint}.`,
};

export const answeredOnlyFilter: INodeProperties = {
	displayName: 'Answered Only',
	name: 'answeredOnly',
	type: 'boolean',
	default: false,
	description: 'Whether to return only the calls that somebody answered',
};

export const directionsFilter: INodeProperties = {
	displayName: 'Directions',
	name: 'directions',
	type: 'multiOptions',
	options: [
		{ name: 'Inbound', value: 'inbound', description: 'The customer called in' },
		{ name: 'Local', value: 'local', description: 'Between two extensions' },
		{ name: 'Outbound', value: 'outbound', description: 'An agent called the customer' },
	],
	default: [],
	description: 'Only calls in these directions; none chosen means all',
};

type HistoryContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

/** One v3 search: a range of start times (epoch ms, both ends included), filters, an order. */
interface HistorySearch {
	fromDate: number;
	toDate: number;
	filter?: IDataObject;
	/** Oldest first; newest first otherwise (the default of the Call operations). */
	ascending?: boolean;
	size?: number;
}

/** One page of a v3 search: its call records, and how many calls the whole search holds when OMICall says. */
interface HistoryPage {
	records: IDataObject[];
	total: number | null;
}

/**
 * The pages of one v3 search, in order. It ends after a short
 * page, a page whose meta says it is the last, HTTP 204, or a full page of calls it already gave
 * (OMICall repeating itself: asking on would never end). Ties on the start time are ordered by
 * OMICall; a caller that needs each call once drops repeats by callIdOf.
 */
export async function* searchHistory(
	this: HistoryContext,
	search: HistorySearch,
	itemIndex?: number,
): AsyncGenerator<HistoryPage> {
	const size = search.size ?? MAX_PAGE_SIZE;
	const given = new Set<string>();
	for (let page = 1; ; page++) {
		const payload = await omiCallRequest.call(
			this,
			'POST',
			SEARCH_PATH,
			{
				qs: { page, size },
				body: {
					filter: { ...search.filter, fromDate: search.fromDate, toDate: search.toDate },
					sort: { field: 'time_start_call', isAsc: search.ascending === true },
				},
				needsApiKey: true,
			},
			itemIndex,
		);
		if (payload === null || payload === undefined || payload === '') return; // HTTP 204: no (more) calls
		const { items: records, listed, last, total } = pageOf(payload);
		let added = 0;
		for (const record of records) {
			const id = callIdOf(record);
			if (id === null || !given.has(id)) added++;
			if (id !== null) given.add(id);
		}
		yield { records, total };
		if (listed < size || last) return;
		if (added === 0) return;
	}
}

/**
 * [from, to] cut into windows of at most `windowMs`, newest first. Neighbouring windows share
 * their edge (OMICall's bounds are taken to be inclusive; if one end is not, no call is lost):
 * a call exactly on an edge may come back twice, and the caller drops the second by its ID.
 */
export function searchWindows(
	from: number,
	to: number,
	windowMs: number = SEARCH_WINDOW_MS,
): Array<{ fromDate: number; toDate: number }> {
	const windows: Array<{ fromDate: number; toDate: number }> = [];
	let end = to;
	do {
		const start = Math.max(from, end - windowMs);
		windows.push({ fromDate: start, toDate: end });
		end = start;
	} while (end > from);
	return windows;
}

/** The v3 filter for the user's filters, without the dates; only the filters that are set. */
export function searchFilter(
	context: IExecuteFunctions | IPollFunctions,
	filters: IDataObject,
	i: number | undefined,
): IDataObject {
	const filter: IDataObject = {};
	const lists: Array<[string, string, string]> = [
		['phoneNumbers', 'phoneNumbers', 'Customer Phone Numbers filter'],
		['agentExtensions', 'sipUsers', 'Agent Extensions filter'],
		['agentEmails', 'agentEmails', 'Agent Emails filter'],
		['transactionIds', 'transactionIds', 'Transaction IDs filter'],
	];
	for (const [parameter, key, label] of lists) {
		const values = readTextList(context, i, filters[parameter], label);
		if (values.length) filter[key] = values;
	}
	const directions = readTextList(context, i, filters.directions, 'Directions filter').map(
		(direction) => readChoice(context, i, direction, DIRECTIONS, 'Direction'),
	);
	if (directions.length) filter.directions = directions;
	if (filters.answeredOnly === true) filter.isAnswer = true;
	const keyword = readText(context, i, filters.keyword, 'Keyword filter');
	if (keyword) filter.keyword = keyword;
	return filter;
}
