import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isObject, text } from '../callRecord';
import { asNodeError, mayHaveReachedOmiCall, omiCallRequest } from '../transport';

/**
 * What Call → Make and Auto Call → Start share once they ask OMICall to ring people: a request
 * OMICall may have carried out is never reported as a plain failure (running it again would call
 * people twice), and a later item's failure says which calls earlier items placed.
 */

type Kind = 'call' | 'autoCall';

const WORDS: Record<
	Kind,
	{ idField: string; idName: string; noun: string; placed: string; warning: string }
> = {
	call: {
		idField: 'call_uuid',
		idName: 'callId',
		noun: 'call',
		placed: 'placed',
		warning:
			'The call may be ringing. Look for it in the call history (Call → Get Many) before trying again, so the customer is not called twice.',
	},
	autoCall: {
		idField: 'autocall_id',
		idName: 'autoCallId',
		noun: 'auto call',
		placed: 'started',
		warning:
			'The calls may be going out. Look for them in the call history (Call → Get Many) before starting again, so nobody is called twice.',
	},
};

/** Per execution: the ids earlier items placed, so a later failure can name them. */
const placedSoFar = new WeakMap<object, string[]>();

function unconfirmed(context: IExecuteFunctions, kind: Kind, message: string, i: number) {
	return new NodeOperationError(context.getNode(), message, {
		itemIndex: i,
		description: WORDS[kind].warning,
	});
}

/**
 * POSTs the request that places the call(s) and returns the id OMICall gave it. A lost answer
 * (dropped connection, timeout, 5xx) and an answer without the id both fail with the warning that
 * the call(s) may be under way.
 */
export async function place(
	context: IExecuteFunctions,
	kind: Kind,
	path: string,
	body: IDataObject,
	i: number,
): Promise<{ id: string; payload: IDataObject }> {
	const { idField, noun, placed } = WORDS[kind];
	let payload: unknown;
	try {
		payload = await omiCallRequest.call(context, 'POST', path, { body }, i);
	} catch (error) {
		if (!mayHaveReachedOmiCall(error)) throw asNodeError(context.getNode(), error, i);
		throw unconfirmed(
			context,
			kind,
			`${(error as Error).message} OMICall may have ${placed} the ${noun} all the same.`,
			i,
		);
	}
	const id = isObject(payload) ? text(payload[idField]) : null;
	if (id === null)
		throw unconfirmed(
			context,
			kind,
			`OMICall accepted the ${noun} but did not say its ${idField}.`,
			i,
		);
	let ids = placedSoFar.get(context);
	if (!ids) placedSoFar.set(context, (ids = []));
	ids.push(id);
	return { id, payload: payload as IDataObject };
}

/** The most ids a failure lists; the rest are counted. */
const LISTED_IDS = 10;

/**
 * Runs one item's operation. When it fails and the node stops there (Continue On Fail off), the
 * error says which calls earlier items of this run placed: they are not undone, and the run's
 * output, which would have held their ids, is lost.
 */
export async function placing<T>(
	context: IExecuteFunctions,
	kind: Kind,
	i: number,
	run: () => Promise<T>,
): Promise<T> {
	try {
		return await run();
	} catch (error) {
		const ids = placedSoFar.get(context) ?? [];
		if (ids.length && error instanceof Error && !context.continueOnFail()) {
			const { idName, noun, placed } = WORDS[kind];
			const many = ids.length > 1;
			const listed =
				ids.slice(0, LISTED_IDS).join(', ') +
				(ids.length > LISTED_IDS ? ` and ${ids.length - LISTED_IDS} more` : '');
			error.message += ` Earlier items of this run ${placed} ${ids.length} ${noun}${many ? 's' : ''}, which ${many ? 'stay' : 'stays'} ${placed} (${idName} ${listed}): do not run those items again.`;
		}
		throw asNodeError(context.getNode(), error, i);
	}
}
