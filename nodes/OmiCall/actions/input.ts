import type { IExecuteFunctions, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { toOmiCallPhone } from '../phone';

/**
 * The ONE reader of parameters given as text, lists of text, a choice or a limit. An expression
 * can give any value, and n8n's minValue/maxValue/options do not check it: a number is taken as
 * its digits; a list, an object, true/false or NaN fails the item naming the field, before
 * anything is sent (read as '' it would drop a filter or clear a field; through String() OMICall
 * would get "[object Object]").
 */

/**
 * The longest text any one parameter may give. Inferred: omicall-api.md documents no maximum for
 * names, IDs, notes or filters (only the 300-character text-to-speech message); 10,000 characters
 * is far beyond any real name or ID and stops a runaway expression from sending megabytes.
 */
export const MAX_TEXT_LENGTH = 10_000;

type Context = IExecuteFunctions | IPollFunctions;

const NOTHING_SENT = 'Nothing was sent to OMICall for this item.';

/** An error for item `i` (none for a trigger's poll), saying nothing was sent. */
export function inputError(
	context: Context,
	i: number | undefined,
	message: string,
	description = NOTHING_SENT,
): NodeOperationError {
	return new NodeOperationError(
		context.getNode(),
		i === undefined ? message.charAt(0).toUpperCase() + message.slice(1) : `Item ${i}: ${message}`,
		{ itemIndex: i, description },
	);
}

/** A value shown in an error, cut short: "\"abc\"", "{\"a\":1}". */
export function quoted(value: unknown): string {
	const shown =
		typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value as never));
	return `"${shown.length > 60 ? `${shown.slice(0, 60)}…` : shown}"`;
}

/** What an expression gave instead of text or a number: "a list (["100","101"])". */
export function describeNonText(value: unknown): string {
	if (value === null || value === undefined) return `an empty entry (${String(value)})`;
	if (typeof value === 'boolean') return `true/false (${String(value)})`;
	if (typeof value === 'number') return `not a number (${String(value)})`;
	if (typeof value !== 'object') return String(value as never);
	const json = JSON.stringify(value) ?? '';
	const shown = json.length > 40 ? `${json.slice(0, 40)}…` : json;
	return `${Array.isArray(value) ? 'a list' : 'an object'} (${shown})`;
}

/** Text as given (trimmed) or a finite number's digits; undefined for anything else. */
export function textOf(value: unknown): string | undefined {
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return undefined;
}

function checkedLength(context: Context, i: number | undefined, text: string, label: string) {
	if (text.length > MAX_TEXT_LENGTH)
		throw inputError(
			context,
			i,
			`the ${label} is ${text.length} characters long; at most ${MAX_TEXT_LENGTH.toLocaleString('en-US')} are accepted.`,
		);
	return text;
}

/** A parameter's text: trimmed text, a number's digits, '' for nothing; anything else fails the item. */
export function readText(
	context: Context,
	i: number | undefined,
	value: unknown,
	label: string,
): string {
	if (value === undefined || value === null) return '';
	const text = textOf(value);
	if (text === undefined)
		throw inputError(
			context,
			i,
			`the ${label} is ${describeNonText(value)}, not text. Give it text or a number, e.g. an expression that picks one value.`,
		);
	return checkedLength(context, i, text, label);
}

/**
 * A list parameter: text separated by commas, semicolons or new lines, a number, or a list (from an
 * expression) of those; its non-empty values, each once. Anything else fails the item.
 */
export function readTextList(
	context: Context,
	i: number | undefined,
	value: unknown,
	label: string,
): string[] {
	const entries = Array.isArray(value) ? value : [value];
	const parts = entries.flatMap((entry) => {
		if (Array.isArray(value) && (entry === null || entry === undefined || Array.isArray(entry)))
			throw inputError(
				context,
				i,
				`the ${label} has ${describeNonText(entry)} where text should be. Give text separated by commas, or a list of texts.`,
			);
		return readText(context, i, entry, label).split(/[,;\n]/);
	});
	return [...new Set(parts.map((part) => part.trim()).filter(Boolean))];
}

/** What a number that is not one gets told: the forms phone.ts takes. */
export const PHONE_HELP = `${NOTHING_SENT} Enter numbers as people write them: a Vietnamese number (0912 345 678, +84 912 345 678, 84912345678, 024 3xxx xxxx, 1900 xxxx) or another country's number with its "+".`;

function phoneOf(context: Context, i: number | undefined, text: string, label: string): string {
	const phone = toOmiCallPhone(text);
	if (phone === null)
		throw inputError(
			context,
			i,
			`${quoted(text)} in the ${label} is not a phone number.`,
			PHONE_HELP,
		);
	return phone;
}

/** A phone number parameter in OMICall's form (phone.ts); '' when nothing is given. */
export function readPhone(
	context: Context,
	i: number | undefined,
	value: unknown,
	label: string,
): string {
	const text = readText(context, i, value, label);
	return text ? phoneOf(context, i, text, label) : '';
}

/** A list of phone numbers (see readTextList), each in OMICall's form and once. */
export function readPhoneList(
	context: Context,
	i: number | undefined,
	value: unknown,
	label: string,
): string[] {
	const phones = readTextList(context, i, value, label).map((text) =>
		phoneOf(context, i, text, label),
	);
	return [...new Set(phones)];
}

/** A text parameter by name. */
export function readTextParameter(
	context: IExecuteFunctions,
	name: string,
	i: number,
	label: string,
): string {
	return readText(context, i, context.getNodeParameter(name, i, ''), label);
}

/** A resource locator's value, trimmed ('' when empty); see readText for what else fails the item. */
export function readLocator(
	context: IExecuteFunctions,
	name: string,
	i: number,
	label = name,
): string {
	return readText(context, i, context.getNodeParameter(name, i, '', { extractValue: true }), label);
}

/** A resource locator's value, trimmed; `missing` (what to do) fails the item when it is empty. */
export function readRequiredLocator(
	context: IExecuteFunctions,
	name: string,
	i: number,
	label: string,
	missing: string,
): string {
	const value = readLocator(context, name, i, label);
	if (!value) throw inputError(context, i, missing);
	return value;
}

/** One of `choices` (an options parameter's values); any other value, from an expression or an old workflow, fails the item. */
export function readChoice<T extends string>(
	context: Context,
	i: number | undefined,
	value: unknown,
	choices: readonly T[],
	label: string,
): T {
	if ((choices as readonly unknown[]).includes(value)) return value as T;
	throw inputError(
		context,
		i,
		`the ${label} ${quoted(value ?? '')} is not known. Use one of: ${choices.join(', ')}.`,
	);
}

/** The range readNumber checks: at least `min`, at most `max`, a whole number if `integer`. */
export interface NumberRange {
	min: number;
	max?: number;
	integer?: boolean;
	/** What nothing (no value, null, '') stands for; without it, nothing fails the item. */
	empty?: number;
	/** The error's description: what to do instead. */
	help?: string;
}

/**
 * A number parameter: a number, or text holding one ("3"). An expression bypasses the field's
 * minValue/maxValue, so the range is checked here; outside it, or anything else, fails the item.
 */
export function readNumber(
	context: Context,
	i: number | undefined,
	value: unknown,
	label: string,
	range: NumberRange,
): number {
	const nothing = value === undefined || value === null || value === '';
	if (nothing && range.empty !== undefined) return range.empty;
	const n =
		typeof value === 'number' || (typeof value === 'string' && value.trim() !== '')
			? Number(value)
			: NaN;
	const inRange =
		Number.isFinite(n) &&
		n >= range.min &&
		(range.max === undefined || n <= range.max) &&
		(!range.integer || Number.isInteger(n));
	if (inRange) return n;
	const kind = range.integer ? 'a whole number' : 'a number';
	const bounds =
		range.max === undefined ? `, ${range.min} or more` : ` from ${range.min} to ${range.max}`;
	throw inputError(
		context,
		i,
		`the ${label} is ${nothing ? 'empty' : quoted(value)}; it must be ${kind}${bounds}.`,
		range.help,
	);
}

/** Return All / Limit: Infinity, or a whole number of 1 or more (an expression may give 0, -1, NaN or nothing). */
export function readLimit(context: IExecuteFunctions, i: number): number {
	if (context.getNodeParameter('returnAll', i, false) === true) return Infinity;
	return readNumber(context, i, context.getNodeParameter('limit', i, 50), 'Limit', {
		min: 1,
		integer: true,
		help: `${NOTHING_SENT} Set the Limit to 1 or more, or turn on Return All.`,
	});
}
