import type {
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodeListSearchResult,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	callIdOf,
	isObject,
	NUMERIC,
	simplifyRecord,
	text,
	VIETNAM_OFFSET_MS,
} from '../../callRecord';
import {
	asNodeError,
	downloadRecording,
	httpCodeOf,
	isAbsentError,
	isNotFoundCode,
	omiCallCodeOf,
	omiCallRequest,
	pageOf,
} from '../../transport';
import { readRequiredLocator } from '../input';
import {
	listLocator,
	outputOption as commonOutputOption,
	type Output,
	shapeOutput,
} from '../common';

/** What the Call operations share: the call picker, the output options, the requests to the call history. */

export const SEARCH_PATH = '/api/v3/call-transaction/search';
export const GET_BY_ID_PATH = '/api/v2/callTransaction/getByTransactionId';
export const DETAIL_PATH = '/api/call_transaction/detail/';
export const CHANGE_PATH = '/api/call_transaction/change/';
/** Documented (omicall-api.md 1.4): call history v2/v3 pages hold at most 50 calls. */
export const MAX_PAGE_SIZE = 50;

const DAY_MS = 24 * 60 * 60 * 1000;

// ── Parameters ──────────────────────────────────────────────────────────────

/** The call an operation works on: picked from recent calls, or given by transaction ID. */
export function callIdField(operation: string, description: string): INodeProperties {
	return listLocator(
		{
			displayName: 'Call',
			name: 'callId',
			type: 'resourceLocator',
			default: { mode: 'list', value: '' },
			description,
			displayOptions: { show: { resource: ['call'], operation: [operation] } },
			modes: [
				{
					displayName: 'By Transaction ID',
					name: 'id',
					type: 'string',
					placeholder: 'e.g. ae5f56fc-7baa-4537-b312-1105023bbb49',
					hint: "The call's transaction_id (the callId of the trigger's and Get Many's items)",
				},
			],
		},
		{
			placeholder: 'Select a call…',
			typeOptions: {
				searchListMethod: 'searchCalls',
				searchable: true,
				searchFilterRequired: false,
			},
		},
	);
}

export const outputOption = commonOutputOption(
	"One flat item per call, with the same field names as the OMICall Trigger's call record",
	'The call exactly as OMICall returns it',
);

export const recordingFieldOption: INodeProperties = {
	displayName: 'Put Recording in Field',
	name: 'recordingField',
	type: 'string',
	default: 'data',
	description: 'The name of the binary field the attached recording goes in',
};

export function toJson(record: IDataObject, output: Output): IDataObject {
	return shapeOutput(record, output, simplifyRecord);
}

/** The transaction ID the Call parameter names, trimmed; an error when there is none. */
export function readCallId(context: IExecuteFunctions, i: number): string {
	return readRequiredLocator(
		context,
		'callId',
		i,
		'Call',
		"enter the call's transaction ID, or pick a call from the list.",
	);
}

// ── Errors ──────────────────────────────────────────────────────────────────

export class CallNotFoundError extends NodeOperationError {}

export function callNotFound(context: IExecuteFunctions, id: string, i: number): CallNotFoundError {
	return new CallNotFoundError(
		context.getNode(),
		`OMICall has no call with the transaction ID "${id}".`,
		{
			itemIndex: i,
			description:
				"Check the ID: it is the call's transaction_id (callId in the trigger's and Get Many's items). Calls from other OMICall accounts are not visible with this credential.",
		},
	);
}

// ── Reading one call ────────────────────────────────────────────────────────

type Route = 'v2-get' | 'v2-post' | 'v1';
const ROUTES: Route[] = ['v2-get', 'v2-post', 'v1'];

/** Per execution: the first way of reading a call that OMICall answered, so later items start there. */
const workingRoute = new WeakMap<object, Route>();

/**
 * Errors after which another way of reading the call is worth trying: the route or method is not
 * there (the transport's isMissingRoute, or no OMICall JSON), or OMICall refused the request's
 * shape (unlike a contact write, where such a refusal is an answer about the contact). Not worth
 * it: no answer at all, the credential or the account refused, a rate limit.
 */
function worthAnotherRoute(error: unknown): boolean {
	const http = httpCodeOf(error);
	if (http === undefined || http === 401 || http === 403 || http === 429) return false;
	const code = omiCallCodeOf(error) ?? '';
	return !/^(api_key_|token_|tenant_|auth_|permission_|individual_package|service_package|rate_limit|limit_request)/i.test(
		code,
	);
}

async function readRoute(
	context: IExecuteFunctions,
	route: Route,
	id: string,
	i: number,
): Promise<unknown> {
	if (route === 'v2-get')
		return await omiCallRequest.call(
			context,
			'GET',
			GET_BY_ID_PATH,
			{ qs: { transactionId: id } },
			i,
		);
	if (route === 'v2-post')
		return await omiCallRequest.call(
			context,
			'POST',
			GET_BY_ID_PATH,
			{ body: { transactionId: id } },
			i,
		);
	return await omiCallRequest.call(
		context,
		'GET',
		`${DETAIL_PATH}${encodeURIComponent(id)}`,
		{},
		i,
	);
}

/** The record in an answer, whether it is the payload itself or wrapped in a list or `items`. */
function recordIn(payload: unknown): IDataObject | null {
	const candidate = Array.isArray(payload)
		? payload[0]
		: isObject(payload) && Array.isArray(payload.items)
			? payload.items[0]
			: payload;
	return isObject(candidate) && callIdOf(candidate) !== null ? candidate : null;
}

/**
 * One call by transaction ID: v2 getByTransactionId with GET, then with POST (clients disagree on
 * the method, omicall-api.md 4), then v1 detail/{id}. v2 is frozen since 2026-04-01, so a call v2
 * does not find is looked for in v1 as well. Null when OMICall has it nowhere.
 */
export async function getCall(
	context: IExecuteFunctions,
	id: string,
	i: number,
): Promise<IDataObject | null> {
	const known = workingRoute.get(context);
	const remember = (route: Route) => {
		if (!workingRoute.has(context)) workingRoute.set(context, route);
	};
	let v2Answered = false; // v2 looked and did not find it: POST would not either
	let absent = false; // some route said OMICall has no such call
	let lastError: unknown;
	for (const route of known ? ROUTES.slice(ROUTES.indexOf(known)) : ROUTES) {
		if (route === 'v2-post' && v2Answered) continue;
		try {
			const record = recordIn(await readRoute(context, route, id, i));
			remember(route);
			if (record) return record;
			absent = true;
			v2Answered ||= route !== 'v1';
		} catch (error) {
			if (isNotFoundCode(omiCallCodeOf(error))) {
				absent = true;
				// HTTP 404 may mean the route or the method is missing, not the call: try the next way.
				if (!isAbsentError(error)) lastError = error;
				else {
					remember(route);
					v2Answered ||= route !== 'v1';
				}
				continue;
			}
			if (!worthAnotherRoute(error)) throw asNodeError(context.getNode(), error, i);
			lastError = error;
		}
	}
	if (absent) return null;
	throw lastError;
}

// ── Recordings ──────────────────────────────────────────────────────────────

const EXTENSIONS: Record<string, string> = {
	'audio/mpeg': 'mp3',
	'audio/mp3': 'mp3',
	'audio/wav': 'wav',
	'audio/x-wav': 'wav',
	'audio/wave': 'wav',
	'audio/ogg': 'ogg',
	'audio/mp4': 'm4a',
	'audio/x-m4a': 'm4a',
	'audio/webm': 'webm',
	'audio/flac': 'flac',
};

/** `<transaction id>.mp3`, or the extension of another audio type; characters unsafe in file names become _. */
export function recordingFileName(id: string, mimeType: string): string {
	const safe = id.replace(/[^\w.-]/g, '_').replace(/^\.+/, '_') || 'recording';
	return `${safe}.${EXTENSIONS[mimeType.toLowerCase()] ?? 'mp3'}`;
}

/** The call's recording as n8n binary data, or null when the call has none. */
export async function recordingOf(
	context: IExecuteFunctions,
	record: IDataObject,
	i: number,
): Promise<IBinaryData | null> {
	const url = text(record.recording_file_url) ?? text(record.recording_file);
	if (!url) return null;
	const id = callIdOf(record) ?? 'recording';
	// A plain GET without OMICall's credentials: the URL grants access by itself (omicall-api.md 3.3).
	let recording: { data: Buffer; mimeType: string };
	try {
		recording = await downloadRecording.call(context, url, i);
	} catch (error) {
		// Say which call: Get Many may download many recordings in one item.
		const { message, description } = error as { message: string; description?: string };
		const named = message.startsWith('The recording could not')
			? message.replace('The recording', `The recording of call "${id}"`)
			: `Call "${id}": ${message}`;
		throw new NodeOperationError(context.getNode(), named, { itemIndex: i, description });
	}
	return await context.helpers.prepareBinaryData(
		recording.data,
		recordingFileName(id, recording.mimeType),
		recording.mimeType,
	);
}

/** The binary field name a user typed, or an error for an empty one. */
export function readBinaryField(context: IExecuteFunctions, value: unknown, i: number): string {
	const name = typeof value === 'string' ? value.trim() : '';
	if (!name)
		throw new NodeOperationError(
			context.getNode(),
			'Enter the name of the binary field the recording goes in (for example "data").',
			{ itemIndex: i },
		);
	return name;
}

/** An item for a call; with `recordingField`, its recording attached there when the call has one. */
export async function callItem(
	context: IExecuteFunctions,
	record: IDataObject,
	output: Output,
	i: number,
	recordingField?: string,
): Promise<INodeExecutionData> {
	const item: INodeExecutionData = { json: toJson(record, output) };
	if (recordingField) {
		const binary = await recordingOf(context, record, i);
		if (binary) item.binary = { [recordingField]: binary };
	}
	return item;
}

// ── Times given by the user ─────────────────────────────────────────────────

const ZONED = /(Z|[+-]\d{2}:?\d{2})$/i;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?$/;

/** How far `timeZone` is ahead of UTC at `utcMs`, in ms. */
function zoneOffsetMs(timeZone: string, utcMs: number): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	}).formatToParts(new Date(utcMs));
	const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
	const asUtc = Date.UTC(
		get('year'),
		get('month') - 1,
		get('day'),
		get('hour'),
		get('minute'),
		get('second'),
	);
	return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/**
 * A time the user gave, as epoch milliseconds; NaN when it is not one. Accepts ISO 8601 text
 * (without a zone: the workflow's time zone, as n8n's date pickers mean it), epoch seconds or
 * milliseconds, JavaScript dates and n8n's own ($now, DateTime) values.
 */
export function toEpochMs(value: unknown, timeZone: string): number {
	if (value instanceof Date) return value.getTime();
	if (isObject(value) && typeof (value as { toMillis?: unknown }).toMillis === 'function')
		return Number((value as { toMillis: () => number }).toMillis());
	if (typeof value === 'number' || (typeof value === 'string' && NUMERIC.test(value.trim()))) {
		const n = Number(value);
		// Seconds up to the year 5138, milliseconds beyond: the unit OMICall filters use is ms.
		return Number.isFinite(n) ? (Math.abs(n) < 1e11 ? n * 1000 : n) : NaN;
	}
	if (typeof value !== 'string') return NaN;
	const textValue = value.trim();
	if (ZONED.test(textValue)) return Date.parse(textValue);
	const m = LOCAL.exec(textValue);
	if (!m) return NaN;
	const [year, month, day, hour = 0, minute = 0, second = 0] = m
		.slice(1, 7)
		.map((part) => (part === undefined ? undefined : Number(part)));
	const ms = Number((m[7] ?? '').padEnd(3, '0'));
	const wall = Date.UTC(year!, month! - 1, day!, hour, minute, second, ms);
	const back = new Date(wall);
	if (
		back.getUTCMonth() !== month! - 1 ||
		back.getUTCDate() !== day ||
		hour > 23 ||
		minute > 59 ||
		second > 59
	)
		return NaN;
	let utc = wall;
	try {
		utc = wall - zoneOffsetMs(timeZone, wall);
		utc = wall - zoneOffsetMs(timeZone, utc); // once more, for a daylight-saving change in between
	} catch {
		utc = wall; // an unknown time zone name: UTC
	}
	return utc;
}

export { DAY_MS };

// ── The call picker ─────────────────────────────────────────────────────────

/** The calls of the last 30 days for the Call picker, newest first, 50 per page; the search box is OMICall's keyword. */
export async function searchCalls(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const page = Math.max(1, Number(paginationToken) || 1);
	const toDate = Date.now();
	const keyword = filter?.trim();
	const payload = await omiCallRequest.call(this, 'POST', SEARCH_PATH, {
		qs: { page, size: MAX_PAGE_SIZE },
		body: {
			filter: { fromDate: toDate - 30 * DAY_MS, toDate, ...(keyword ? { keyword } : {}) },
			sort: { field: 'time_start_call', isAsc: false },
		},
		needsApiKey: true,
	});
	const { items, listed, last } = pageOf(payload);
	const results = items
		.map((record) => ({ record, call: simplifyRecord(record) }))
		.filter(({ call }) => typeof call.callId === 'string')
		.map(({ call }) => ({ name: pickerName(call), value: call.callId as string }));
	const more = listed === MAX_PAGE_SIZE && !last;
	return { results, paginationToken: more ? String(page + 1) : undefined };
}

/** "2026-11-28 10:15 · Inbound · 0395187319 Nguyễn Văn An · agent 100", in Vietnam time. */
function pickerName(call: IDataObject): string {
	const started =
		typeof call.startedAt === 'string'
			? new Date(Date.parse(call.startedAt) + VIETNAM_OFFSET_MS)
					.toISOString()
					.slice(0, 16)
					.replace('T', ' ')
			: '';
	const direction =
		typeof call.direction === 'string'
			? call.direction[0].toUpperCase() + call.direction.slice(1)
			: '';
	const customer = [call.customerNumber, call.customerName].filter(Boolean).join(' ');
	const agent = call.agentExtension ? `agent ${String(call.agentExtension)}` : '';
	const missed = call.answered === false ? 'missed' : '';
	return (
		[started, direction, customer, agent, missed].filter(Boolean).join(' · ') || String(call.callId)
	);
}
