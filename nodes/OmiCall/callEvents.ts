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

/** Deeper bodies are refused: n8n could not save a run holding them (JSON.stringify recurses). */
export const MAX_DEPTH = 100;

export type ParsedCall =
	| { ok: true; state: CallState; event: IDataObject }
	| { ok: true; state: 'other'; name: string; event: IDataObject }
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

/** A value fit for an error message: short, and never a whole object. */
function quote(value: unknown): string {
	if (typeof value === 'object' && value !== null) return Array.isArray(value) ? '(a JSON array)' : '(a JSON object)';
	if (typeof value !== 'string') return String(value);
	if (value.length <= 60) return JSON.stringify(value);
	const cut = /[\uD800-\uDBFF]$/.test(value.slice(0, 60)) ? 59 : 60; // do not split an emoji
	return JSON.stringify(`${value.slice(0, cut)}…`);
}

/** Set to something: not missing, null or blank. */
function present(value: unknown): boolean {
	return value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '');
}

/** Text or a number as lower-case text without surrounding spaces; '' for anything else. */
function code(value: unknown): string {
	return typeof value === 'string' || typeof value === 'number' ? String(value).trim().toLowerCase() : '';
}

/** Iteratively, so that the check itself cannot overflow the stack. */
function nestedDeeperThan(value: unknown, limit: number): boolean {
	const stack: Array<[object, number]> = typeof value === 'object' && value !== null ? [[value, 1]] : [];
	while (stack.length) {
		const [node, depth] = stack.pop()!;
		if (depth > limit) return true;
		for (const child of Array.isArray(node) ? node : Object.values(node)) {
			if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
		}
	}
	return false;
}

function looksLikeCall(body: IDataObject): boolean {
	return present(body.state) || text(body.transaction_id) !== null;
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
	if (nestedDeeperThan(body, MAX_DEPTH)) return { ok: false, error: `The body is nested more than ${MAX_DEPTH} levels deep.` };
	const event = unwrapCall(body);
	const state = event.state;
	if (!present(state)) {
		if (text(event.transaction_id) !== null) return { ok: true, state: 'cdr', event };
		return { ok: false, error: 'The body has no "state" and no "transaction_id": it is not an OMICall call event.' };
	}
	if (typeof state === 'string') {
		const name = code(state);
		if ((CALL_STATES as string[]).includes(name)) return { ok: true, state: name as CallState, event };
		if (OTHER_KNOWN_STATES.has(name)) return { ok: true, state: 'other', name, event };
	}
	return { ok: false, error: `Unknown call state ${quote(state)}; expected one of ${CALL_STATES.join(', ')}.` };
}

/** Decides what a contact-hook body is: {action, data: [contact, …]}; the list may be empty. */
export function parseContactBody(body: unknown): ParsedContact {
	if (!isObject(body) || Object.keys(body).length === 0) {
		return { ok: false, error: `Expected a JSON object describing an OMICall contact change, got ${describe(body)}.` };
	}
	if (nestedDeeperThan(body, MAX_DEPTH)) return { ok: false, error: `The body is nested more than ${MAX_DEPTH} levels deep.` };
	let event = body;
	if (!present(body.action)) {
		const inner = WRAPPERS.map((key) => body[key]).find((v): v is IDataObject => isObject(v) && present(v.action));
		if (inner) event = inner;
	}
	const action = typeof event.action === 'string' ? code(event.action) : '';
	if (!action) return { ok: false, error: 'The body has no "action": it is not an OMICall contact change.' };
	const data = event.data;
	const contacts = Array.isArray(data) ? data : isObject(data) ? [data] : undefined;
	if (!contacts || !contacts.every(isObject)) {
		return { ok: false, error: 'The contact change has no "data" list of contacts.' };
	}
	return { ok: true, action, contacts: contacts as IDataObject[] };
}

/**
 * The one rule for which times are believable: OMICall's calls happen in this century. A number
 * is read as seconds, milliseconds, microseconds or nanoseconds, whichever puts it in 2000..2100
 * (the four ranges do not overlap); a time outside those years is a wrong unit or garbage: null.
 */
const EARLIEST_MS = Date.UTC(2000, 0, 1);
const LATEST_MS = Date.UTC(2101, 0, 1); // exclusive: up to the end of 2100
// Seconds, milliseconds, microseconds, nanoseconds (dividing by 1e3 is exact where multiplying by 1e-3 is not).
const TO_MS = [(n: number) => n * 1000, (n: number) => n, (n: number) => n / 1e3, (n: number) => n / 1e6];
/** OMICall's local time, Asia/Ho_Chi_Minh: UTC+7 all year (Vietnam has no daylight saving). */
const VIETNAM_OFFSET_MIN = 7 * 60;

function plausible(ms: number): boolean {
	return Number.isFinite(ms) && ms >= EARLIEST_MS && ms < LATEST_MS;
}

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
// 2026-11-28, 2026-11-28 10:15, 2026-11-28T10:15:00.250+07:00, …Z
const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

function fromDateText(value: string): number {
	const m = DATE_TEXT.exec(value);
	if (!m) return NaN;
	const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1, 7).map((part) => (part === undefined ? undefined : Number(part)));
	const ms = Number((m[7] ?? '').slice(0, 3).padEnd(3, '0'));
	const utc = Date.UTC(year!, month! - 1, day!, hour, minute, second, ms);
	// Date.UTC rolls 30 February over to March: a date that does not come back as given is refused.
	const back = new Date(utc);
	if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month! - 1 || back.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return NaN;
	const zone = m[8];
	let offsetMin = VIETNAM_OFFSET_MIN; // no zone: Vietnam time, not the n8n host's
	if (zone && zone.toUpperCase() === 'Z') offsetMin = 0;
	else if (zone) {
		const digits = zone.replace(':', '');
		offsetMin = (digits[0] === '-' ? -1 : 1) * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
	}
	return utc - offsetMin * 60_000;
}

/**
 * A time as OMICall sends it, as ISO 8601 (UTC), or null when it is missing or not believable.
 * Numbers and numeric text: epoch in any unit that gives a plausible time (see above). Other
 * text: only "YYYY-MM-DD[ HH:mm[:ss[.fff]]][zone]"; other forms (01/02/2026 …) are not guessed.
 */
export function toIsoTime(value: unknown): string | null {
	let ms = NaN;
	if (typeof value === 'number' || (typeof value === 'string' && NUMERIC.test(value.trim()))) {
		const n = Number(typeof value === 'string' ? value.trim() : value);
		const scaled = TO_MS.map((toMs) => toMs(n)).find(plausible);
		if (scaled !== undefined) ms = scaled;
	} else if (typeof value === 'string') {
		ms = fromDateText(value.trim());
	}
	return plausible(ms) ? new Date(ms).toISOString() : null;
}

function text(value: unknown): string | null {
	if (typeof value === 'string') return value === '' ? null : value;
	if (typeof value === 'number') return String(value);
	return null;
}

/** A duration or a count: a non-negative number or numeric text. Not Number(x): Number([]) is 0, and it throws on {"valueOf": 1, "toString": 1}. */
function amount(value: unknown): number | null {
	const n = typeof value === 'number' ? value : typeof value === 'string' && NUMERIC.test(value.trim()) ? Number(value.trim()) : NaN;
	return Number.isFinite(n) && n >= 0 ? n : null;
}

function firstName(people: unknown): string | null {
	const person = Array.isArray(people) ? people[0] : people;
	return isObject(person) ? firstText(person.full_name, person.name) : null;
}

/** The call's direction, whatever its case and spaces; null when missing or not one of the three. */
export function directionOf(event: IDataObject): Direction | null {
	const value = typeof event.direction === 'string' ? event.direction.trim().toLowerCase() : '';
	return (DIRECTIONS as string[]).includes(value) ? (value as Direction) : null;
}

/** The flat item of a call event (live or final record); `raw` is the body as received. */
export function simplifyCall(state: CallState, event: IDataObject, raw: IDataObject): IDataObject {
	const direction = directionOf(event);
	const from = text(event.from_number);
	const to = text(event.to_number);
	// Inbound: the customer calls the agent. Outbound and local: the agent's extension calls.
	// Without a known direction, from and to say nothing about who is who.
	const customerNumber = text(event.phone_number) ?? (direction === 'inbound' ? from : direction ? to : null);
	const agentExtension = text(event.sip_user) ?? (direction === 'inbound' ? to : direction ? from : null);
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
		durationSec: record ? amount(event.duration) : null,
		talkSec: record ? amount(event.bill_sec) : null,
		recordingUrl: text(event.recording_file_url) ?? text(event.recording_file),
		agentName: firstName(event.user),
		customerName: firstName(event.customer),
		deliveryAttempt: amount(event.send_num_retry),
		raw,
	};
}

/** OMICall's field codes (shared/omicall-api.md 3.4): only these, never a field that merely looks alike. */
const FULL_NAME = 'full_name';
const PHONE = 'phone_number';
const MAIL = 'mail';

/** The first of `candidates` that is text (or a number). */
function firstText(...candidates: unknown[]): string | null {
	for (const candidate of candidates) {
		const value = text(candidate);
		if (value !== null) return value;
	}
	return null;
}

/**
 * attribute_structure entries: {field_code, value: [{display_value}, …]} as documented; older
 * payloads put value_text or value in the entry or in each value.
 */
function attributeValues(contact: IDataObject, fieldCode: string): string[] {
	const list = Array.isArray(contact.attribute_structure) ? contact.attribute_structure : [];
	const found: string[] = [];
	for (const entry of list) {
		if (!isObject(entry) || code(entry.field_code) !== fieldCode) continue;
		const values = Array.isArray(entry.value) ? entry.value : isObject(entry.value) ? [entry.value] : [entry];
		for (const v of values) {
			const value = isObject(v) ? firstText(v.display_value, v.value_text, v.value) : text(v);
			if (value) found.push(value);
		}
	}
	return found;
}

export function simplifyContact(action: string, contact: IDataObject): IDataObject {
	const unique = (values: Array<string | null>) => [...new Set(values.filter((v): v is string => !!v))];
	return {
		action,
		contactId: text(contact.contact_id ?? contact.id),
		fullName: text(contact.full_name) ?? attributeValues(contact, FULL_NAME)[0] ?? null,
		phones: unique([text(contact.phone_number), ...attributeValues(contact, PHONE)]),
		emails: unique([text(contact.email), ...attributeValues(contact, MAIL)]),
		raw: contact,
	};
}
