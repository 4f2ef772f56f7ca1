import type { IDataObject, IHookFunctions, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CREDENTIAL_TYPE, joinUrl } from '../transport';
import {
	buildTriggerUrl,
	type Handover,
	hashSecret,
	isOwnUrl,
	isTriggerUrl,
	newSecret,
	PROBE_ANSWER,
	PROBE_HEADER,
	readHandover,
	samePath,
	secretMatches,
	secretOf,
	type TriggerEntry,
	withoutHandover,
} from './url';
import { urlOriginOnly, withoutUrls } from '../urlDisplay';
import { refuseUnreachableUrl } from './reachability';
import {
	CALL_EVENTS,
	type CallEvent,
	callEventsFor,
	destroyWebhook,
	findWebhook,
	registerWebhook,
	type WebhookType,
} from '../transport/webhooks';

/**
 * OMICall Trigger's webhook lifecycle: n8n's checkExists, create and delete.
 *
 * The contract, for one OMICall account and one hook type, whatever the number of triggers and
 * the order of activations, deactivations, re-publishes and test listens:
 * 1. While a trigger is active, OMICall's hook is the URL of an active trigger.
 * 2. When none is active, it is the URL registered before the first trigger (the origin), or none;
 *    never the URL of a trigger that no longer answers.
 * 3. A URL that is not a trigger's is never destroyed.
 *
 * How: the registered URL carries its handover (trigger/url.ts), so whichever trigger holds the
 * hook when it stops knows the whole chain. It gives the hook to the most recent earlier trigger
 * that still takes these events (asked with its own secret), else to the origin, else destroys
 * its own. Static data keeps only the hash of the secret. Only the holder changes the hook on
 * deactivation; the others leave it alone.
 */

export interface TriggerState {
	/** SHA-256 of the secret in the URL this trigger registered. */
	secretHash?: string;
}

/** How long a trigger URL may take to answer the liveness probe, in all. */
const PROBE_TIMEOUT_MS = 5_000;

/** Trigger URLs (scheme, host, path) deactivated in this n8n process: n8n answers for them until it has run every delete. */
const retired = new Set<string>();
/** One lifecycle step at a time per OMICall host and hook type in this process: n8n runs two triggers' creates at once. */
const queues = new Map<string, Promise<unknown>>();

export function triggerState(context: IHookFunctions): TriggerState {
	return context.getWorkflowStaticData('node') as TriggerState;
}

export function hookType(
	context: Pick<IHookFunctions | IWebhookFunctions, 'getNodeParameter'>,
): WebhookType {
	return context.getNodeParameter('triggerOn', 'call') === 'contact' ? 'contact' : 'call';
}

function ownUrl(context: IHookFunctions): string {
	return context.getNodeWebhookUrl('default') as string;
}

function pathKey(candidate: string): string {
	try {
		const url = new URL(candidate);
		return `${url.origin}${url.pathname}`;
	} catch {
		return candidate;
	}
}

async function oneAtATime<T>(
	context: IHookFunctions,
	type: WebhookType,
	step: () => Promise<T>,
): Promise<T> {
	const credentials = await context.getCredentials(CREDENTIAL_TYPE);
	const key = `${pathKey(joinUrl(credentials.baseUrl, '/'))} ${type}`; // one spelling per host
	const run = (queues.get(key) ?? Promise.resolve()).catch(() => undefined).then(step);
	const tail = run.catch(() => undefined);
	queues.set(key, tail);
	try {
		return await run;
	} finally {
		if (queues.get(key) === tail) queues.delete(key);
	}
}

/** What a trigger taking the hook from `current` must give back when it stops. */
function takeOver(
	current: string | undefined,
	own: string,
	secretHash: string | undefined,
): Handover {
	if (!current) return { stack: [] };
	if (!isTriggerUrl(current)) return { origin: current, stack: [] };
	const carried = readHandover(current);
	const previous: TriggerEntry[] = isOwnUrl(current, own, secretHash)
		? []
		: [{ url: withoutHandover(current), events: carried.events }];
	const stack: TriggerEntry[] = [];
	for (const entry of [...previous, ...carried.stack]) {
		if (!isOwnUrl(entry.url, own, secretHash) && !stack.some((e) => samePath(e.url, entry.url)))
			stack.push(entry);
	}
	return { origin: carried.origin, stack };
}

type Liveness = 'alive' | 'gone' | 'unknown';

/**
 * Does the trigger behind `candidate` still take `type` events with that secret? It is asked
 * with its own secret and a probe header, which it answers itself without starting a run (and
 * without ending a test listen: n8n ends one only when a run starts). 401 (a newer secret) and
 * 404 (n8n serves that path no more) mean gone; no answer or a 5xx means unknown.
 */
async function probe(
	context: IHookFunctions,
	candidate: string,
	type: WebhookType,
): Promise<Liveness> {
	if (retired.has(pathKey(candidate))) return 'gone';
	const url = new URL(candidate);
	url.hash = '';
	let status: number;
	let body: IDataObject | undefined;
	try {
		const response = (await context.helpers.httpRequest({
			method: 'POST',
			url: url.toString(),
			headers: { [PROBE_HEADER]: '1' },
			body: {},
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: PROBE_TIMEOUT_MS,
			abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS), // a total deadline: a trickling answer cannot hold the queue
		})) as { statusCode: number; body: unknown };
		status = response.statusCode;
		body =
			typeof response.body === 'object' && response.body !== null
				? (response.body as IDataObject)
				: undefined;
	} catch {
		context.logger.warn(
			`OMICall Trigger: the trigger at ${urlOriginOnly(candidate)} did not answer whether it still takes ${type} events; it is kept in the chain but not given the webhook.`,
		);
		return 'unknown';
	}
	if (status === 200 && body?.probe === PROBE_ANSWER) return body.type === type ? 'alive' : 'gone';
	if (status === 401 || status === 404 || status === 410 || (status >= 200 && status < 300))
		return 'gone';
	context.logger.warn(
		`OMICall Trigger: the trigger at ${urlOriginOnly(candidate)} answered HTTP ${status} when asked whether it still takes ${type} events; it is kept in the chain but not given the webhook.`,
	);
	return 'unknown';
}

/** OMICall answered and refused (an error code or HTTP 4xx), as opposed to no answer or a 5xx. */
function isRefusal(error: unknown): boolean {
	const code = Number((error as { httpCode?: unknown }).httpCode);
	return Number.isFinite(code) && code > 0 && code < 500;
}

type Outcome = { applied: true } | { applied: false; refused: boolean; error: unknown };

/**
 * Registers `url`. After an error OMICall may still have applied it (a lost answer, a 5xx after
 * the change), so one list call decides; when that fails too, the error is thrown.
 */
async function register(
	context: IHookFunctions,
	type: WebhookType,
	url: string,
	events: CallEvent[] | undefined,
): Promise<Outcome> {
	let error: unknown;
	try {
		await registerWebhook.call(context, {
			type,
			url,
			events: type === 'call' ? events : undefined,
		});
		return { applied: true };
	} catch (failure) {
		error = failure; // already a node error from the transport
	}
	const after = await findWebhook.call(context, type).catch(() => null);
	if (after === null) throw error;
	const applied =
		!!after &&
		(after.url === url ||
			(isTriggerUrl(url) && samePath(after.url, url) && secretOf(after.url) === secretOf(url)));
	return applied ? { applied: true } : { applied: false, refused: isRefusal(error), error };
}

export async function checkExists(this: IHookFunctions): Promise<boolean> {
	await refuseUnreachableUrl(this); // before OMICall is asked anything
	const state = triggerState(this);
	if (!state.secretHash) return false; // never registered from here: no need to ask OMICall
	const own = ownUrl(this);
	const current = await findWebhook.call(this, hookType(this));
	// At n8n's current public URL: after WEBHOOK_URL changed, create registers the new one.
	const exists =
		!!current &&
		samePath(current.url, own) &&
		secretMatches(secretOf(current.url), state.secretHash);
	if (exists) retired.delete(pathKey(own));
	return exists;
}

export async function create(this: IHookFunctions): Promise<boolean> {
	await refuseUnreachableUrl(this); // before anything is registered
	const type = hookType(this);
	const events =
		type === 'call' ? callEventsFor(this.getNodeParameter('events', []) as string[]) : undefined;
	if (type === 'call' && !events?.length)
		throw new NodeOperationError(this.getNode(), 'Choose at least one event to trigger on.');
	const { onConflict = 'replace' } = this.getNodeParameter('options', {}) as {
		onConflict?: string;
	};
	const state = triggerState(this);
	const own = ownUrl(this);

	return await oneAtATime(this, type, async () => {
		const current = (await findWebhook.call(this, type))?.url;
		const ours = current !== undefined && isOwnUrl(current, own, state.secretHash);
		if (
			current &&
			!ours &&
			onConflict === 'fail' &&
			!(isTriggerUrl(current) && (await probe(this, current, type)) === 'gone')
		) {
			throw new NodeOperationError(
				this.getNode(),
				`OMICall already sends ${type} events to ${urlOriginOnly(current)}, so this trigger was not activated.`,
				{
					description:
						'OMICall keeps one webhook per type for the whole account. Destroy that webhook first, or set "If Another Webhook Is Registered" to "Replace It, Restore It When This Trigger Stops".',
				},
			);
		}
		const secret = newSecret();
		const url = buildTriggerUrl(own, secret, takeOver(current, own, state.secretHash), events);
		retired.delete(pathKey(own));
		// Kept before registering: if the answer is lost, n8n's delete can still recognise this URL.
		state.secretHash = hashSecret(secret);
		const outcome = await register(this, type, url, events);
		if (!outcome.applied) {
			delete state.secretHash;
			throw outcome.error;
		}
		return true;
	});
}

/**
 * Gives back what create took, if this trigger still holds the hook: to the most recent earlier
 * trigger that still answers, else to the origin, else nothing. A hook held by anyone else is
 * left alone: the holder hands over when it stops.
 */
export async function deleteHook(this: IHookFunctions): Promise<boolean> {
	const state = triggerState(this);
	if (!state.secretHash) return true;
	const type = hookType(this);
	const own = ownUrl(this);

	await oneAtATime(this, type, async () => {
		retired.add(pathKey(own));
		try {
			const current = (await findWebhook.call(this, type))?.url;
			if (current && isOwnUrl(current, own, state.secretHash)) await handBack(this, type, current);
		} catch (error) {
			// n8n logs only the message when it abandons the webhook, so the fix goes in the message.
			const message = `The ${type} webhook could not be given back: ${withoutUrls((error as Error).message)} To fix it once OMICall is reachable, activate this workflow again and deactivate it.`;
			this.logger.warn(`OMICall Trigger (workflow ${this.getWorkflow().id}): ${message}`);
			throw new NodeOperationError(this.getNode(), error as Error, {
				message,
				description:
					'OMICall may still send events to this trigger, which no longer answers. Activating the workflow again and deactivating it makes the trigger give the webhook back as usual, the original URL included.',
			});
		}
		delete state.secretHash;
	});
	return true;
}

async function handBack(
	context: IHookFunctions,
	type: WebhookType,
	current: string,
): Promise<void> {
	const { origin, stack } = readHandover(current);
	// Triggers that did not answer stay in the chain of whoever gets the webhook next.
	const unanswered: TriggerEntry[] = [];
	let probed = false;
	for (let i = 0; i < stack.length; i++) {
		const entry = stack[i];
		if (samePath(entry.url, current)) continue;
		probed = true;
		const liveness = await probe(context, entry.url, type);
		if (liveness === 'unknown') unanswered.push(entry);
		if (liveness !== 'alive') continue;
		// Probing can take seconds: give nothing back if somebody else took the webhook meanwhile.
		if (!(await stillHeldBy(context, type, current))) return;
		const url = buildTriggerUrl(
			entry.url,
			secretOf(entry.url) as string,
			{ origin, stack: [...unanswered, ...stack.slice(i + 1)] },
			entry.events,
		);
		if (await givenTo(context, type, url, entry.events ?? CALL_EVENTS)) return;
	}
	if (probed && !(await stillHeldBy(context, type, current))) return;
	// One that did not answer on this very n8n is taken to be alive: this n8n is up, so most likely
	// it cannot reach its own public URL (no hairpin NAT), and dropping a live trigger loses calls.
	const local = unanswered.findIndex(
		(e) => sameOrigin(e.url, current) && !retired.has(pathKey(e.url)),
	);
	if (local !== -1) {
		const entry = unanswered[local];
		const rest = [...unanswered.slice(0, local), ...unanswered.slice(local + 1)];
		const url = buildTriggerUrl(
			entry.url,
			secretOf(entry.url) as string,
			{ origin, stack: rest },
			entry.events,
		);
		if (await givenTo(context, type, url, entry.events ?? CALL_EVENTS)) return;
	}
	if (unanswered.length) {
		context.logger.warn(
			`OMICall Trigger: ${unanswered.length} earlier trigger(s) of the ${type} webhook on other n8n instances did not answer and lose their place in the chain.`,
		);
	}
	// OMICall's list does not say which events the origin had: it gets all three.
	if (origin && (await givenTo(context, type, origin, CALL_EVENTS))) return;
	await destroyWebhook.call(context, type);
}

function sameOrigin(a: string, b: string): boolean {
	return pathKey(a).startsWith(`${new URL(b).origin}/`);
}

async function stillHeldBy(
	context: IHookFunctions,
	type: WebhookType,
	url: string,
): Promise<boolean> {
	return (await findWebhook.call(context, type))?.url === url;
}

/** True once OMICall has `url`; false when OMICall refused it (try the next one); throws when OMICall did not answer. */
async function givenTo(
	context: IHookFunctions,
	type: WebhookType,
	url: string,
	events: CallEvent[],
): Promise<boolean> {
	const outcome = await register(context, type, url, events);
	if (outcome.applied) return true;
	if (outcome.refused) {
		context.logger.warn(
			`OMICall Trigger: OMICall refused to register ${urlOriginOnly(url)} again as the ${type} webhook: ${withoutUrls((outcome.error as Error).message)}`,
		);
		return false;
	}
	throw outcome.error;
}
