import type { IDataObject } from 'n8n-workflow';

/**
 * The one call-record model: the flat item a workflow gets for a call, whether the trigger
 * received it (a live event or the final `cdr` record) or the action node read it from the call
 * history (Get Many, Get, Update, Download Recording). Same field names, built by the same code.
 * Pure functions only.
 */

export type CallState = 'ringing' | 'answered' | 'hangup' | 'cdr';
export type Direction = 'inbound' | 'outbound' | 'local';

export const DIRECTIONS: Direction[] = ['inbound', 'outbound', 'local'];

export function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The one rule for which times are believable: OMICall's calls happen in this century. A number
 * is read as seconds, milliseconds, microseconds or nanoseconds, whichever puts it in 2000..2100
 * (the four ranges do not overlap); a time outside those years is a wrong unit or garbage: null.
 */
const EARLIEST_MS = Date.UTC(2000, 0, 1);
const LATEST_MS = Date.UTC(2101, 0, 1); // exclusive: up to the end of 2100
// Seconds, milliseconds, microseconds, nanoseconds (dividing by 1e3 is exact where multiplying by 1e-3 is not).
const TO_MS = [
	(n: number) => n * 1000,
	(n: number) => n,
	(n: number) => n / 1e3,
	(n: number) => n / 1e6,
];
/** OMICall's local time, Asia/Ho_Chi_Minh: UTC+7 all year (Vietnam has no daylight saving). */
const VIETNAM_OFFSET_MIN = 7 * 60;
export const VIETNAM_OFFSET_MS = VIETNAM_OFFSET_MIN * 60_000;

function plausible(ms: number): boolean {
	return Number.isFinite(ms) && ms >= EARLIEST_MS && ms < LATEST_MS;
}

export const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
// 2026-11-28, 2026-11-28 10:15, 2026-11-28T10:15:00.250+07:00, …+0700, …+07, …Z
const DATE_TEXT =
	/^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
/** The widest zone offsets in use: UTC−12:00 to UTC+14:00; ±14:00 is taken as the limit both ways. */
const MAX_OFFSET_MIN = 14 * 60;

/**
 * A wall-clock time read as UTC, in epoch ms (month 1-12); NaN for one that does not exist:
 * Date.UTC rolls 30 February over to March, so a date that does not come back as given is refused.
 */
export function utcOf(
	year: number,
	month: number,
	day: number,
	hour = 0,
	minute = 0,
	second = 0,
	ms = 0,
): number {
	const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
	const back = new Date(utc);
	return back.getUTCFullYear() !== year ||
		back.getUTCMonth() !== month - 1 ||
		back.getUTCDate() !== day ||
		hour > 23 ||
		minute > 59 ||
		second > 59
		? NaN
		: utc;
}

function fromDateText(value: string): number {
	const m = DATE_TEXT.exec(value);
	if (!m) return NaN;
	const [year, month, day, hour = 0, minute = 0, second = 0] = m
		.slice(1, 7)
		.map((part) => (part === undefined ? undefined : Number(part)));
	const ms = Number((m[7] ?? '').slice(0, 3).padEnd(3, '0'));
	const utc = utcOf(year!, month!, day!, hour, minute, second, ms);
	if (Number.isNaN(utc)) return NaN;
	const zone = m[8];
	let offsetMin = VIETNAM_OFFSET_MIN; // no zone: Vietnam time, not the n8n host's
	if (zone && zone.toUpperCase() === 'Z') offsetMin = 0;
	else if (zone) {
		// ±HH:mm, ±HHmm or ±HH (ISO 8601 allows the hours alone).
		const digits = zone.replace(':', '');
		const hours = Number(digits.slice(1, 3));
		const minutes = Number(digits.slice(3, 5) || '0');
		// An offset no place has (+99:99, +07:60) is garbage like 30 February, not a time days off.
		if (minutes > 59 || hours * 60 + minutes > MAX_OFFSET_MIN) return NaN;
		offsetMin = (digits[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
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

/** Text, or a number as text; null for '' and anything else. */
export function text(value: unknown): string | null {
	if (typeof value === 'string') return value === '' ? null : value;
	if (typeof value === 'number') return String(value);
	return null;
}

/** The first of `candidates` that is text (or a number). */
export function firstText(...candidates: unknown[]): string | null {
	for (const candidate of candidates) {
		const value = text(candidate);
		if (value !== null) return value;
	}
	return null;
}

/** A number or numeric text, or null. Not Number(x): Number([]) is 0, and it throws on {"valueOf": 1, "toString": 1}. */
export function numberOf(value: unknown): number | null {
	const n =
		typeof value === 'number'
			? value
			: typeof value === 'string' && NUMERIC.test(value.trim())
				? Number(value.trim())
				: NaN;
	return Number.isFinite(n) ? n : null;
}

/** A duration or a count: a non-negative number or numeric text. */
function amount(value: unknown): number | null {
	const n = numberOf(value);
	return n !== null && n >= 0 ? n : null;
}

/** The hotline of a call: v2/v3 history has hotline null and keeps it in sip_number (omicall-api.md 4). */
export function hotlineOf(record: IDataObject): string | null {
	return text(record.hotline) ?? text(record.sip_number);
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

/** The call's stable key: transaction_id, else call_uuid (it can change per transferred leg). */
export function callIdOf(record: IDataObject): string | null {
	return text(record.transaction_id) ?? text(record.call_uuid);
}

/** The flat item of a call event (live or final record); `raw` is the body as received. */
export function simplifyCall(state: CallState, event: IDataObject, raw: IDataObject): IDataObject {
	const direction = directionOf(event);
	const from = text(event.from_number);
	const to = text(event.to_number);
	// Inbound: the customer calls the agent. Outbound and local: the agent's extension calls.
	// Without a known direction, from and to say nothing about who is who.
	const customerNumber =
		text(event.phone_number) ?? (direction === 'inbound' ? from : direction ? to : null);
	const agentExtension =
		text(event.sip_user) ?? (direction === 'inbound' ? to : direction ? from : null);
	const record = state === 'cdr';
	const at = toIsoTime(event.date_time) ?? toIsoTime(event.created_time);
	return {
		event: state,
		callId: callIdOf(event),
		direction,
		customerNumber,
		agentExtension,
		hotline: hotlineOf(event),
		startedAt: record
			? (toIsoTime(event.time_start_call) ?? toIsoTime(event.created_date))
			: state === 'ringing'
				? at
				: null,
		answeredAt: record ? toIsoTime(event.time_start_to_answer) : state === 'answered' ? at : null,
		endedAt: record ? toIsoTime(event.time_end_call) : state === 'hangup' ? at : null,
		durationSec: record ? amount(event.duration) : null,
		talkSec: record ? amount(event.bill_sec) : null,
		recordingUrl: text(event.recording_file_url) ?? text(event.recording_file),
		agentName: firstName(event.user),
		customerName: firstName(event.customer),
		answered: record ? answeredOf(event) : state === 'answered' ? true : null,
		note: text(event.note),
		tags: tagsOf(event),
		autoCallId: text(event.autocall_id),
		deliveryAttempt: amount(event.send_num_retry),
		raw,
	};
}

/**
 * Whether a record says the call was answered; null when it does not say. The older format's
 * `disposition` decides when present; else a positive `answer_sec` or `bill_sec`, or a time of
 * answer, mean answered (omicall-api.md 3.2), and zero seconds of both mean not answered.
 */
export function answeredOf(record: IDataObject): boolean | null {
	const disposition =
		typeof record.disposition === 'string' ? record.disposition.trim().toLowerCase() : '';
	if (disposition) return disposition === 'answered';
	const answerSec = amount(record.answer_sec);
	const billSec = amount(record.bill_sec);
	if ((answerSec ?? 0) > 0 || (billSec ?? 0) > 0 || toIsoTime(record.time_start_to_answer) !== null)
		return true;
	if (answerSec === 0 || billSec === 0) return false;
	return null;
}

/**
 * The call's tags, by name. In v2 history `tag` holds the tags' ids and each `user[]` entry their
 * names as [{name}] (omicall-api.md 4); elsewhere `tag` holds names (what Update sends). So names
 * from user[] first, else what `tag` holds: names, {name} objects, or, failing those, the ids.
 */
export function tagsOf(record: IDataObject): string[] {
	const names: string[] = [];
	const add = (list: unknown) => {
		for (const tag of Array.isArray(list) ? list : []) {
			const name = isObject(tag)
				? firstText(tag.name, tag.tag_name, tag.label, tag.id, tag._id)
				: text(tag);
			if (name !== null && !names.includes(name)) names.push(name);
		}
	};
	for (const user of Array.isArray(record.user) ? record.user : [])
		if (isObject(user)) add(user.tag);
	if (!names.length) add(Array.isArray(record.tag) ? record.tag : record.tags);
	return names;
}

/**
 * The item of a call read from the call history (a `cdr` without `state`, in any of the v1, v2
 * and v3 shapes): the trigger's `cdr` item, built by the same code, without `raw` (Raw output
 * gives the record itself).
 */
export function simplifyRecord(record: IDataObject): IDataObject {
	const { raw: _raw, ...call } = simplifyCall('cdr', record, record);
	return call;
}
