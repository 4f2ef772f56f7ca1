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

/** Vietnamese numbers: 0 + 9 digits (mobile) or 0 + 10 digits (landline, e.g. 024 3xxx xxxx). */
const DOMESTIC = /^0\d{9,10}$/;
/** Toll-free and premium service numbers, e.g. 1800 1234, 1900 123456. */
const SERVICE = /^1[89]00\d{4,6}$/;
/** Another country's number in international form. */
const FOREIGN = /^\+(?!84)[1-9]\d{6,14}$/;

/**
 * The number to send to OMICall, or null when the input is not a phone number.
 * "+84 912 345 678", "84912345678", "0084912345678" and "0912.345.678" all give "0912345678".
 */
export function toOmiCallPhone(input: unknown): string | null {
	if (typeof input === 'number' && Number.isSafeInteger(input) && input > 0) input = String(input);
	if (typeof input !== 'string') return null;
	let number = input.trim().replace(SEPARATORS, '');
	if (number.startsWith('+84')) number = '0' + number.slice(3);
	else if (number.startsWith('0084')) number = '0' + number.slice(4);
	else if (/^84\d{9,10}$/.test(number)) number = '0' + number.slice(2);
	// A number stored as a spreadsheet number loses its leading 0: 912345678 means 0912345678.
	else if (/^[1-9]\d{8}$/.test(number) && !SERVICE.test(number)) number = '0' + number;
	if (DOMESTIC.test(number) || SERVICE.test(number) || FOREIGN.test(number)) return number;
	return null;
}

/** A short, safe description of a rejected value for an error message. */
export function describePhoneInput(input: unknown): string {
	if (input === undefined || input === null || input === '') return 'nothing';
	const text = typeof input === 'string' ? input : (JSON.stringify(input) ?? String(input));
	return `"${text.length > 40 ? text.slice(0, 40) + '…' : text}"`;
}
