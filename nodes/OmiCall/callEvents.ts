import type { IDataObject } from 'n8n-workflow';

import { type CallState, isObject, text } from './callRecord';

/**
 * Reading what OMICall POSTs to a webhook: telling call events and contact changes from noise
 * (a call's item comes from callRecord.ts, a contact's from contactRecord.ts).
 * Pure functions: the trigger's webhook() does the HTTP side.
 */

export const CALL_STATES: CallState[] = ['ringing', 'answered', 'hangup', 'cdr'];
/** States integrators have seen OMICall send that no trigger option selects: accepted, not run. */
const OTHER_KNOWN_STATES = new Set(['create', 'early']);
const WRAPPERS = ['payload', 'data', 'body'];

/** Deeper bodies are refused: n8n could not save a run holding them (JSON.stringify recurses). */
export const MAX_DEPTH = 100;

export type ParsedCall =
	| { ok: true; state: CallState; event: IDataObject }
	| { ok: true; state: 'other'; name: string; event: IDataObject }
	| { ok: false; error: string };

export type ParsedContact =
	{ ok: true; action: string; contacts: IDataObject[] } | { ok: false; error: string };

function describe(value: unknown): string {
	if (value === undefined || value === null || value === '') return 'an empty body';
	if (Array.isArray(value)) return 'a JSON array';
	if (typeof value === 'string') return 'text that is not a JSON object';
	if (isObject(value) && Object.keys(value).length === 0)
		return 'an empty body or an empty JSON object';
	return `a JSON ${typeof value}`;
}

/** A value fit for an error message: short, and never a whole object. */
function quote(value: unknown): string {
	if (typeof value === 'object' && value !== null)
		return Array.isArray(value) ? '(a JSON array)' : '(a JSON object)';
	if (typeof value !== 'string') return String(value);
	if (value.length <= 60) return JSON.stringify(value);
	const cut = /[\uD800-\uDBFF]$/.test(value.slice(0, 60)) ? 59 : 60; // do not split an emoji
	return JSON.stringify(`${value.slice(0, cut)}…`);
}

/** Set to something: not missing, null or blank. */
function present(value: unknown): boolean {
	return (
		value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '')
	);
}

/** Text or a number as lower-case text without surrounding spaces; '' for anything else. */
function code(value: unknown): string {
	return typeof value === 'string' || typeof value === 'number'
		? String(value).trim().toLowerCase()
		: '';
}

/** Iteratively, so that the check itself cannot overflow the stack. */
function nestedDeeperThan(value: unknown, limit: number): boolean {
	const stack: Array<[object, number]> =
		typeof value === 'object' && value !== null ? [[value, 1]] : [];
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
		return {
			ok: false,
			error: `Expected a JSON object describing an OMICall call event, got ${describe(body)}.`,
		};
	}
	if (nestedDeeperThan(body, MAX_DEPTH))
		return { ok: false, error: `The body is nested more than ${MAX_DEPTH} levels deep.` };
	const event = unwrapCall(body);
	const state = event.state;
	if (!present(state)) {
		if (text(event.transaction_id) !== null) return { ok: true, state: 'cdr', event };
		return {
			ok: false,
			error: 'The body has no "state" and no "transaction_id": it is not an OMICall call event.',
		};
	}
	if (typeof state === 'string') {
		const name = code(state);
		if ((CALL_STATES as string[]).includes(name))
			return { ok: true, state: name as CallState, event };
		if (OTHER_KNOWN_STATES.has(name)) return { ok: true, state: 'other', name, event };
	}
	return {
		ok: false,
		error: `Unknown call state ${quote(state)}; expected one of ${CALL_STATES.join(', ')}.`,
	};
}

/** Decides what a contact-hook body is: {action, data: [contact, …]}; the list may be empty. */
export function parseContactBody(body: unknown): ParsedContact {
	if (!isObject(body) || Object.keys(body).length === 0) {
		return {
			ok: false,
			error: `Expected a JSON object describing an OMICall contact change, got ${describe(body)}.`,
		};
	}
	if (nestedDeeperThan(body, MAX_DEPTH))
		return { ok: false, error: `The body is nested more than ${MAX_DEPTH} levels deep.` };
	let event = body;
	if (!present(body.action)) {
		const inner = WRAPPERS.map((key) => body[key]).find(
			(v): v is IDataObject => isObject(v) && present(v.action),
		);
		if (inner) event = inner;
	}
	const action = typeof event.action === 'string' ? code(event.action) : '';
	if (!action)
		return { ok: false, error: 'The body has no "action": it is not an OMICall contact change.' };
	const data = event.data;
	const contacts = Array.isArray(data) ? data : isObject(data) ? [data] : undefined;
	if (!contacts || !contacts.every(isObject)) {
		return { ok: false, error: 'The contact change has no "data" list of contacts.' };
	}
	return { ok: true, action, contacts: contacts as IDataObject[] };
}
