import type { IDataObject } from 'n8n-workflow';

/**
 * Reading what OMICall POSTs to a webhook: telling call events from noise, and turning a call
 * event or a contact change into the flat item a workflow wants. Pure functions: the trigger's
 * webhook() does the HTTP side.
 */

export type CallState = 'ringing' | 'answered' | 'hangup' | 'cdr';
export type Direction = 'inbound' | 'outbound' | 'local';

export const CALL_STATES: CallState[] = ['ringing', 'answered', 'hangup', 'cdr'];
export const DIRECTIONS: Direction[] = ['inbound', 'outbound', 'local'];
/** States integrators have seen OMICall send that no trigger option selects: accepted, not run. */
const OTHER_KNOWN_STATES = new Set(['create', 'early']);
const WRAPPERS = ['payload', 'data', 'body'];

export type ParsedCall =
	| { ok: true; state: CallState; event: IDataObject }
	| { ok: true; state: 'other'; event: IDataObject }
	| { ok: false; error: string };

export type ParsedContact = { ok: true; action: string; contacts: IDataObject[] } | { ok: false; error: string };

function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
	if (value === undefined || value === null || value === '') return 'an empty body';
	if (Array.isArray(value)) return 'a JSON array';
	if (typeof value === 'string') return 'text that is not a JSON object';
	if (isObject(value) && Object.keys(value).length === 0) return 'an empty body or an empty JSON object';
	return `a JSON ${typeof value}`;
}

function looksLikeCall(body: IDataObject): boolean {
	return 'state' in body || 'transaction_id' in body;
}

/** The event itself: the body, or the object one wrapper level down (payload, data or body). */
export function unwrapCall(body: IDataObject): IDataObject {
	if (looksLikeCall(body)) return body;
	for (const key of WRAPPERS) {
		const inner = body[key];
		if (isObject(inner) && looksLikeCall(inner)) return inner;
	}
	return body;
}

/** Decides what a call-hook body is, or why it is not one. */
export function parseCallBody(body: unknown): ParsedCall {
	if (!isObject(body) || Object.keys(body).length === 0) {
		return { ok: false, error: `Expected a JSON object describing an OMICall call event, got ${describe(body)}.` };
	}
	const event = unwrapCall(body);
	const state = event.state;
	if (state === undefined || state === null || state === '') {
		if ('transaction_id' in event) return { ok: true, state: 'cdr', event };
		return { ok: false, error: 'The body has no "state" and no "transaction_id": it is not an OMICall call event.' };
	}
	if (typeof state === 'string') {
		const normalized = state.toLowerCase();
		if ((CALL_STATES as string[]).includes(normalized)) return { ok: true, state: normalized as CallState, event };
		if (OTHER_KNOWN_STATES.has(normalized)) return { ok: true, state: 'other', event };
	}
	return { ok: false, error: `Unknown call state ${JSON.stringify(state)}; expected one of ${CALL_STATES.join(', ')}.` };
}

/** Decides what a contact-hook body is: {action, data: [contact, …]}. */
export function parseContactBody(body: unknown): ParsedContact {
	if (!isObject(body) || Object.keys(body).length === 0) {
		return { ok: false, error: `Expected a JSON object describing an OMICall contact change, got ${describe(body)}.` };
	}
	let event = body;
	for (const key of WRAPPERS) {
		if (!('action' in event) && isObject(body[key]) && 'action' in (body[key] as IDataObject)) event = body[key] as IDataObject;
	}
	const { action, data } = event;
	if (typeof action !== 'string' || !action) return { ok: false, error: 'The body has no "action": it is not an OMICall contact change.' };
	const contacts = Array.isArray(data) ? data : isObject(data) ? [data] : undefined;
	if (!contacts || !contacts.every(isObject)) {
		return { ok: false, error: 'The contact change has no "data" list of contacts.' };
	}
	return { ok: true, action, contacts: contacts as IDataObject[] };
}

/** OMICall sends times in seconds or milliseconds (and older records as text): ISO 8601 or null. */
export function toIsoTime(value: unknown): string | null {
	if (value === undefined || value === null || value === '' || value === 0) return null;
	let ms: number;
	if (typeof value === 'number' || (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()))) {
		const n = Number(value);
		if (!Number.isFinite(n) || n <= 0) return null;
		ms = n >= 1e11 ? n : n * 1000; // 1e11 s is the year 5138; 1e11 ms is 1973
	} else if (typeof value === 'string') {
		ms = Date.parse(value);
	} else {
		return null;
	}
	return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

function text(value: unknown): string | null {
	if (typeof value === 'string') return value === '' ? null : value;
	if (typeof value === 'number') return String(value);
	return null;
}

function seconds(value: unknown): number | null {
	if (value === undefined || value === null || value === '') return null;
	const n = Number(value);
	return Number.isFinite(n) ? n : null;
}

function firstName(people: unknown): string | null {
	const person = Array.isArray(people) ? people[0] : people;
	return isObject(person) ? text(person.full_name ?? person.name) : null;
}

/** The flat item of a call event (live or final record); `raw` is the body as received. */
export function simplifyCall(state: CallState, event: IDataObject, raw: IDataObject): IDataObject {
	const direction = text(event.direction);
	const from = text(event.from_number);
	const to = text(event.to_number);
	// Inbound: the customer calls the agent. Outbound and local: the agent's extension calls.
	const inbound = direction === 'inbound';
	const customerNumber = text(event.phone_number) ?? (inbound ? from : to);
	const agentExtension = text(event.sip_user) ?? (inbound ? to : from);
	const record = state === 'cdr';
	const at = toIsoTime(event.date_time) ?? toIsoTime(event.created_time);
	return {
		event: state,
		callId: text(event.transaction_id) ?? text(event.call_uuid),
		direction,
		customerNumber,
		agentExtension,
		hotline: text(event.hotline),
		startedAt: record ? toIsoTime(event.time_start_call) ?? toIsoTime(event.created_date) : state === 'ringing' ? at : null,
		answeredAt: record ? toIsoTime(event.time_start_to_answer) : state === 'answered' ? at : null,
		endedAt: record ? toIsoTime(event.time_end_call) : state === 'hangup' ? at : null,
		durationSec: record ? seconds(event.duration) : null,
		talkSec: record ? seconds(event.bill_sec) : null,
		recordingUrl: text(event.recording_file_url) ?? text(event.recording_file),
		agentName: firstName(event.user),
		customerName: firstName(event.customer),
		deliveryAttempt: seconds(event.send_num_retry),
		raw,
	};
}

/** Attribute entries look like {field_code, value_text}; older payloads use other names. */
function attributes(contact: IDataObject): Array<[string, string]> {
	const list = Array.isArray(contact.attribute_structure) ? contact.attribute_structure : [];
	const pairs: Array<[string, string]> = [];
	for (const entry of list) {
		if (!isObject(entry)) continue;
		const code = text(entry.field_code ?? entry.code ?? entry.name)?.toLowerCase();
		const values = Array.isArray(entry.value) ? entry.value : [entry.value_text ?? entry.value];
		for (const v of values) {
			const value = isObject(v) ? text(v.value_text ?? v.value) : text(v);
			if (code && value) pairs.push([code, value]);
		}
	}
	return pairs;
}

export function simplifyContact(action: string, contact: IDataObject): IDataObject {
	const pairs = attributes(contact);
	const pick = (test: RegExp) => pairs.filter(([code]) => test.test(code)).map(([, value]) => value);
	const unique = (values: Array<string | null>) => [...new Set(values.filter((v): v is string => !!v))];
	return {
		action,
		contactId: text(contact.contact_id ?? contact.id),
		fullName: text(contact.full_name) ?? pick(/name/)[0] ?? null,
		phones: unique([text(contact.phone_number), ...pick(/phone/)]),
		emails: unique([text(contact.email), ...pick(/mail/)]),
		raw: contact,
	};
}
