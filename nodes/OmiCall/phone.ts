/**
 * Phone numbers as people paste them, in the form OMICall's own data shows them.
 *
 * Inferred: OMICall's samples (omicall-api.md 3.3, 5, 8) carry Vietnamese customer numbers in the
 * domestic form, a leading 0 and no separators ("0395187319"), so that is what is sent. A number
 * with another country code keeps its "+" and digits. This is the one place to change if OMICall
 * turns out to want "84…" instead.
 */

/** Separators people type inside a number: spaces (also non-breaking), dots, dashes, brackets. */
const SEPARATORS = /[\s\u00a0.\-()/]/g;

/**
 * Vietnamese numbers: mobiles are 0 + 9 digits (03, 05, 07, 08, 09), landlines 0 + 10 digits
 * (02x, e.g. 024 3xxx xxxx). Nothing else starting with 0 is one: "00…" is Vietnam's
 * international prefix, so a number sent so would be dialled abroad.
 */
const DOMESTIC = /^0(?:[35789]\d{8}|2\d{9})$/;
/** Toll-free and premium service numbers, e.g. 1800 1234, 1900 123456. */
const SERVICE = /^1[89]00\d{4,6}$/;
/** Another country's number in international form. */
const FOREIGN = /^\+(?!84)[1-9]\d{6,14}$/;
/** Vietnam's country code as people write it: +84, 0084, or 84 before a full national number. */
const VIETNAM_PREFIX = /^(?:\+84|0084|84(?=0?(?:[35789]\d{8}|2\d{9})$))/;

/**
 * The number to send to OMICall, or null when the input is not a phone number.
 * "+84 912 345 678", "84912345678", "0084912345678", "+84 (0) 912 345 678" and "0912.345.678"
 * all give "0912345678". Another country's number needs its "+": "0044…" is refused rather
 * than guessed, as "00912…" (a Vietnamese number with a 0 too many) would be guessed wrong.
 */
export function toOmiCallPhone(input: unknown): string | null {
	if (typeof input === 'number' && Number.isSafeInteger(input) && input > 0) input = String(input);
	if (typeof input !== 'string') return null;
	let number = input.trim().replace(SEPARATORS, '');
	const national = number.replace(VIETNAM_PREFIX, '');
	// After the country code, one 0 people keep ("+84 (0) 912…", "840912…") is dropped.
	if (national !== number) number = '0' + national.replace(/^0/, '');
	// A number stored as a spreadsheet number loses its leading 0: 912345678 means 0912345678.
	else if (/^(?:[35789]\d{8}|2\d{9})$/.test(number)) number = '0' + number;
	if (DOMESTIC.test(number) || SERVICE.test(number) || FOREIGN.test(number)) return number;
	return null;
}

/**
 * How two spellings of a number compare: OMICall's form when it is a phone number, else the text
 * without separators ("1234 5" and "1234-5" are "12345"); null for no number at all. The ONE rule
 * behind Make Call's hotline check, the Hotlines filter and finding a contact's phone.
 */
export function phoneKey(value: unknown): string | null {
	const phone = toOmiCallPhone(value);
	if (phone !== null) return phone;
	const written = typeof value === 'number' ? String(value) : value;
	if (typeof written !== 'string') return null;
	return written.replace(SEPARATORS, '') || null;
}

/**
 * The contact search keyword that finds a phone number however a contact holds it (0912345678,
 * +84912345678, 84912345678): its significant digits, without the domestic leading 0 or the "+".
 * Inferred: the keyword matches part of a number; only an exact number (phoneKey) is then taken.
 */
export function phoneSearchKeyword(phone: string): string {
	return phone.replace(/^[+0]/, '');
}
