import { createHash, randomBytes, timingSafeEqual } from 'crypto';

import type { CallEvent } from '../transport/webhooks';

/**
 * The URL an OMICall Trigger registers, and what it carries. OMICall signs nothing, so the URL
 * holds a random secret; n8n keeps only the secret's hash. OMICall keeps one webhook per type,
 * so the URL also carries what to give back when the trigger stops (the "handover"): the URLs of
 * the triggers it took the webhook from and the URL that was there before any trigger. Keeping
 * that in OMICall, not in n8n, means any trigger that later holds the webhook can read it, and
 * other systems' URLs never land in n8n's unencrypted workflow data.
 */

export const SECRET_PARAM = 'secret';
/** A request with this header and the right secret asks the trigger whether it is alive; no run starts. */
export const PROBE_HEADER = 'x-omicall-trigger-probe';
export const PROBE_ANSWER = 'omicall-trigger';
/**
 * The handover rides in the URL's fragment ("#restore=…"): OMICall keeps and lists the whole
 * URL, but HTTP clients never send a fragment, so it reaches no proxy log and no n8n request.
 * Inferred: OMICall's docs say nothing of fragments; one that OMICall dropped would only cost
 * the handover (the trigger then destroys its own hook instead of restoring the original).
 */
const HANDOVER_KEY = 'restore';
/** Bounds the URL's length however many triggers take the webhook from each other. */
const MAX_STACK = 8;

export interface TriggerEntry {
	/** A trigger's URL with its secret, without its handover. */
	url: string;
	/** The OMICall events it registered (OMICall's list does not say). */
	events?: CallEvent[];
}

export interface Handover {
	/** The URL registered before any trigger took the webhook: never a trigger's. */
	origin?: string;
	/** Triggers that held the webhook before, the most recent first. */
	stack: TriggerEntry[];
}

export function newSecret(): string {
	return randomBytes(24).toString('hex'); // 192 bits
}

export function hashSecret(secret: string): string {
	return createHash('sha256').update(secret).digest('hex');
}

/** Constant-time: does `given` hash to `expectedHash`? */
export function secretMatches(given: unknown, expectedHash: unknown): boolean {
	if (typeof given !== 'string' || typeof expectedHash !== 'string' || expectedHash.length !== 64)
		return false;
	return timingSafeEqual(Buffer.from(hashSecret(given), 'hex'), Buffer.from(expectedHash, 'hex'));
}

function parse(candidate: string): URL | undefined {
	try {
		return new URL(candidate);
	} catch {
		return undefined;
	}
}

/**
 * An OMICall Trigger's URL, of any n8n: a 48-hex secret and this package's handover fragment,
 * which every trigger URL carries and no other system's URL is likely to.
 */
export function isTriggerUrl(candidate: string): boolean {
	const url = parse(candidate);
	return (
		!!url &&
		/^[0-9a-f]{48}$/.test(url.searchParams.get(SECRET_PARAM) ?? '') &&
		new URLSearchParams(url.hash.slice(1)).has(HANDOVER_KEY)
	);
}

/** A stack entry: a trigger URL without its handover, so only the secret's shape is left to check. */
function isSecretUrl(candidate: string): boolean {
	return /^[0-9a-f]{48}$/.test(parse(candidate)?.searchParams.get(SECRET_PARAM) ?? '');
}

/** Same n8n webhook (scheme, host and path), whatever the query. */
export function samePath(a: string, b: string): boolean {
	const x = parse(a);
	const y = parse(b);
	return !!x && !!y && x.origin === y.origin && x.pathname === y.pathname;
}

/**
 * This trigger's own registration: its n8n path at its origin, or at another origin with its
 * secret (n8n's public URL changed since it registered).
 */
export function isOwnUrl(candidate: string, own: string, secretHash: string | undefined): boolean {
	const x = parse(candidate);
	const y = parse(own);
	if (!x || !y || x.pathname !== y.pathname) return false;
	return x.origin === y.origin || secretMatches(x.searchParams.get(SECRET_PARAM), secretHash);
}

export function secretOf(candidate: string): string | undefined {
	return parse(candidate)?.searchParams.get(SECRET_PARAM) ?? undefined;
}

/** The URL without its handover, as it goes on another trigger's stack. */
export function withoutHandover(candidate: string): string {
	const url = parse(candidate);
	if (!url || !url.hash) return candidate;
	url.hash = '';
	return url.toString();
}

/** The trigger URL to register: n8n's webhook URL, the secret and, if any, the handover. */
export function buildTriggerUrl(
	webhookUrl: string,
	secret: string,
	handover: Handover,
	events?: CallEvent[],
): string {
	const url = new URL(webhookUrl);
	url.searchParams.set(SECRET_PARAM, secret);
	const carried = {
		o: handover.origin,
		s: handover.stack.slice(0, MAX_STACK).map((e) => ({ u: e.url, e: e.events })),
		e: events,
	};
	url.hash = `${HANDOVER_KEY}=${Buffer.from(JSON.stringify(carried)).toString('base64url')}`;
	return url.toString();
}

/** What a trigger URL carries; a damaged or missing handover reads as nothing to give back. */
export function readHandover(candidate: string): Handover & { events?: CallEvent[] } {
	const value = new URLSearchParams(parse(candidate)?.hash.slice(1) ?? '').get(HANDOVER_KEY);
	if (!value) return { stack: [] };
	try {
		const carried = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as {
			o?: unknown;
			s?: unknown;
			e?: unknown;
		};
		const origin =
			typeof carried.o === 'string' && parse(carried.o) && !isTriggerUrl(carried.o)
				? carried.o
				: undefined;
		const stack = (Array.isArray(carried.s) ? carried.s : [])
			.slice(0, MAX_STACK)
			.filter((e): e is { u: string; e?: unknown } => typeof e?.u === 'string' && isSecretUrl(e.u))
			.map((e) => ({ url: withoutHandover(e.u), events: eventsOf(e.e) }));
		return { origin, stack, events: eventsOf(carried.e) };
	} catch {
		return { stack: [] };
	}
}

function eventsOf(value: unknown): CallEvent[] | undefined {
	if (!Array.isArray(value)) return undefined;
	const events = value.filter(
		(e): e is CallEvent => e === 'ringing' || e === 'answered' || e === 'hangup',
	);
	return events.length ? events : undefined;
}
