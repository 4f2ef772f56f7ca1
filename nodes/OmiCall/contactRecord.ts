import type { IDataObject } from 'n8n-workflow';

import { firstText, isObject, text, toIsoTime, utcOf, VIETNAM_OFFSET_MS } from './callRecord';
import { phoneKey } from './phone';

/**
 * The one contact model: the flat item a workflow gets for an OMICall contact, whether the
 * trigger received it (a contact change) or the action node read it (Contact resource). Same
 * field names, built by the same code. Pure functions only.
 *
 * OMICall keeps a contact's fields in `attribute_structure`, a list of
 * `{field_code, field_type, value: [{display_value, data_type, …}]}` (omicall-api.md 3.4). Each
 * simplified field is read from exactly one field code, never from a field that merely looks alike.
 */

/** The kinds of a phone number or email OMICall knows (documented for phones: data_type). */
export const CONTACT_KINDS = ['personal', 'home', 'office'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];

export const GENDERS = ['male', 'female', 'other'] as const;
export type Gender = (typeof GENDERS)[number];

/** The field codes read into named fields (omicall-api.md 3.4; `more_infomation` is OMICall's spelling). */
const FIELD = {
	fullName: 'full_name',
	phones: 'phone_number',
	emails: 'mail',
	gender: 'gender',
	birthday: 'birthday',
	address: 'address',
	jobTitle: 'job_title',
	note: 'note',
	refId: 'ref_id',
} as const;
const NAMED_CODES: ReadonlySet<string> = new Set(Object.values(FIELD));

export interface ContactPhone {
	number: string;
	kind: string | null;
}
export interface ContactEmail {
	email: string;
	kind: string | null;
}

/** A field code as OMICall sends it, compared without case or surrounding spaces. */
function codeOf(value: unknown): string {
	return typeof value === 'string' ? value.trim().toLowerCase() : '';
}

interface AttributeValue {
	text: string;
	kind: string | null;
}

/**
 * The values of one attribute_structure entry: `value: [{display_value}, …]` as documented; older
 * payloads put value_text or value in the entry or in each value.
 */
function entryValues(entry: IDataObject): AttributeValue[] {
	const values = Array.isArray(entry.value)
		? entry.value
		: isObject(entry.value)
			? [entry.value]
			: [entry];
	const found: AttributeValue[] = [];
	for (const v of values) {
		const value = isObject(v) ? firstText(v.display_value, v.value_text, v.value) : text(v);
		if (!value) continue;
		const kind = isObject(v) ? firstText(v.data_type) : null;
		found.push({ text: value, kind: kind ? kind.toLowerCase() : null });
	}
	return found;
}

/** Every attribute_structure entry by field code, values in order. */
function attributes(contact: IDataObject): Map<string, AttributeValue[]> {
	const byCode = new Map<string, AttributeValue[]>();
	const list = Array.isArray(contact.attribute_structure) ? contact.attribute_structure : [];
	for (const entry of list) {
		if (!isObject(entry)) continue;
		const code = codeOf(entry.field_code);
		if (!code) continue;
		byCode.set(code, [...(byCode.get(code) ?? []), ...entryValues(entry)]);
	}
	return byCode;
}

/**
 * A birthday as an ISO date (YYYY-MM-DD), or null. OMICall's documented form is dd/MM/yyyy
 * (Contacts v1); YYYY-MM-DD and epoch numbers are read as well (inferred), a number in
 * Vietnam's time zone, where the day was entered.
 */
export function toIsoDate(value: unknown): string | null {
	if (typeof value === 'string') {
		const trimmed = value.trim();
		const dmy = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(trimmed);
		if (dmy) return calendarDate(Number(dmy[3]), Number(dmy[2]), Number(dmy[1]));
		// A date-time without a zone (n8n's date picker) is the day as written.
		const ymd = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/.exec(trimmed);
		if (ymd) return calendarDate(Number(ymd[1]), Number(ymd[2]), Number(ymd[3]));
	}
	// Epoch numbers and date-times with a time: the day it is in Vietnam (UTC+7, no daylight saving).
	const iso = toIsoTime(value);
	return iso ? new Date(Date.parse(iso) + VIETNAM_OFFSET_MS).toISOString().slice(0, 10) : null;
}

/** YYYY-MM-DD, or null for a day that does not exist (31 February) or before 1800. */
function calendarDate(year: number, month: number, day: number): string | null {
	const utc = utcOf(year, month, day);
	return year < 1800 || Number.isNaN(utc) ? null : new Date(utc).toISOString().slice(0, 10);
}

/**
 * male, female or other. OMICall's gender is a radio field: its display value may be the code
 * or, in a Vietnamese portal, Nam / Nữ / Khác (inferred); anything else is kept as it came.
 */
function toGender(value: string | null): string | null {
	if (value === null) return null;
	const folded = value.trim().toLowerCase();
	if ((GENDERS as readonly string[]).includes(folded)) return folded;
	const vietnamese: Record<string, Gender> = { nam: 'male', nữ: 'female', khác: 'other' };
	return vietnamese[folded.normalize('NFC')] ?? value;
}

function tagsOf(value: unknown): string[] {
	if (!Array.isArray(value)) return [];
	return value
		.map((tag) => (isObject(tag) ? firstText(tag.name, tag.tag_name) : text(tag)))
		.filter((tag): tag is string => !!tag);
}

/** The items without repeats, the first of each key kept. */
export function uniqueBy<T>(items: T[], key: (item: T) => string): T[] {
	const seen = new Set<string>();
	return items.filter((item) => {
		const k = key(item);
		if (seen.has(k)) return false;
		seen.add(k);
		return true;
	});
}

/** The contact's OMICall id, whichever of OMICall's spellings the answer uses. */
export function contactIdOf(contact: IDataObject): string | null {
	return firstText(
		contact.contact_id,
		contact.id,
		contact._id,
		contact.public_id,
		contact.publicId,
	);
}

/**
 * The flat contact. Fields missing in OMICall's answer are null (lists empty). Fields of other
 * codes (passport, avatar, attach_file, more_infomation and the tenant's own fields) go into
 * `customFields` under their field code: one text, or a list when the field holds several values.
 */
export function simplifyContact(contact: IDataObject): IDataObject {
	const byCode = attributes(contact);
	const first = (code: string) => byCode.get(code)?.[0]?.text ?? null;
	const phones = uniqueBy<ContactPhone>(
		[
			...(text(contact.phone_number) ? [{ number: text(contact.phone_number)!, kind: null }] : []),
			...(byCode.get(FIELD.phones) ?? []).map((v) => ({ number: v.text, kind: v.kind })),
		],
		(p) => p.number,
	);
	const emails = uniqueBy<ContactEmail>(
		[
			...(text(contact.email) ? [{ email: text(contact.email)!, kind: null }] : []),
			...(byCode.get(FIELD.emails) ?? []).map((v) => ({ email: v.text, kind: v.kind })),
		],
		(e) => e.email.toLowerCase(),
	);
	const customFields: IDataObject = {};
	for (const [code, values] of byCode) {
		if (NAMED_CODES.has(code) || !values.length) continue;
		customFields[code] = values.length === 1 ? values[0].text : values.map((v) => v.text);
	}
	return {
		contactId: contactIdOf(contact),
		refId: firstText(contact.ref_id, contact.refId) ?? first(FIELD.refId),
		fullName: text(contact.full_name) ?? first(FIELD.fullName),
		phones: phones as unknown as IDataObject[],
		emails: emails as unknown as IDataObject[],
		gender: toGender(first(FIELD.gender)),
		birthday: toIsoDate(first(FIELD.birthday)),
		address: first(FIELD.address),
		jobTitle: first(FIELD.jobTitle),
		note: first(FIELD.note),
		tags: tagsOf(contact.tags),
		ownerEmail: firstText(contact.user_owner_email, contact.userOwnerEmail),
		customFields,
		createdAt: toIsoTime(contact.created_date),
		updatedAt: toIsoTime(contact.last_updated_date),
	};
}

/** The OMICall Trigger's item for one contact of a contact change: its action, the flat contact and the contact as sent. */
export function contactChangeItem(action: string, contact: IDataObject): IDataObject {
	return { action, ...simplifyContact(contact), raw: contact };
}

/** Whether the contact has this phone number, both sides compared as phone.ts compares numbers. */
export function hasPhone(contact: IDataObject, phone: string): boolean {
	const wanted = phoneKey(phone);
	return (simplifyContact(contact).phones as unknown as ContactPhone[]).some(
		(p) => wanted !== null && phoneKey(p.number) === wanted,
	);
}

/** Whether the contact has this email, compared without case (OMICall keeps an email on one contact, any case). */
export function hasEmail(contact: IDataObject, email: string): boolean {
	const wanted = email.toLowerCase();
	return (simplifyContact(contact).emails as unknown as ContactEmail[]).some(
		(e) => e.email.toLowerCase() === wanted,
	);
}
