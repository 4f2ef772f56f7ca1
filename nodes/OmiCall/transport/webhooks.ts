import type { IExecuteFunctions, IHookFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import { omiCallRequest } from './index';

/**
 * What this package knows about OMICall webhooks, used by the action node and the trigger:
 * one webhook per type per tenant, so register replaces and destroy removes whatever is there;
 * the list says nothing of a webhook's events.
 */

export type WebhookType = 'call' | 'contact';
export type CallEvent = 'ringing' | 'answered' | 'hangup';

export const WEBHOOK_TYPES: WebhookType[] = ['call', 'contact'];
export const CALL_EVENTS: CallEvent[] = ['ringing', 'answered', 'hangup'];

export interface OmiCallWebhook {
	type: string;
	url: string;
	status: string;
}

type Context = IExecuteFunctions | IHookFunctions | ILoadOptionsFunctions;

/** Why a URL cannot be registered, or undefined when it can. */
export function invalidWebhookUrlReason(url: unknown): string | undefined {
	if (typeof url !== 'string' || !url.trim()) return 'The webhook URL is empty.';
	let parsed: URL;
	try {
		parsed = new URL(url.trim());
	} catch {
		// Not quoted: a URL built by an expression may hold a token, and errors are stored with the execution.
		return 'The webhook URL is not an absolute URL. It must start with https:// (or http://).';
	}
	if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
		return `The webhook URL must use https:// or http://, not ${parsed.protocol}//.`;
	}
	return undefined;
}

export function isWebhookType(value: unknown): value is WebhookType {
	return WEBHOOK_TYPES.includes(value as WebhookType);
}

function toWebhook(entry: unknown): OmiCallWebhook | undefined {
	if (!entry || typeof entry !== 'object') return undefined;
	const { type, url, status } = entry as Record<string, unknown>;
	if (typeof type !== 'string' || typeof url !== 'string') return undefined;
	return { type, url, status: typeof status === 'string' ? status : '' };
}

function toWebhooks(payload: unknown): OmiCallWebhook[] {
	return Array.isArray(payload)
		? payload.map(toWebhook).filter((w): w is OmiCallWebhook => w !== undefined)
		: [];
}

export async function listWebhooks(this: Context, itemIndex?: number): Promise<OmiCallWebhook[]> {
	return toWebhooks(await omiCallRequest.call(this, 'GET', '/api/webhooks/list', {}, itemIndex));
}

export async function findWebhook(
	this: Context,
	type: WebhookType,
	itemIndex?: number,
): Promise<OmiCallWebhook | undefined> {
	return (await listWebhooks.call(this, itemIndex)).find((w) => w.type === type);
}

/**
 * Registers `url` as the webhook of `type`, replacing whatever was there, and returns the
 * webhook as OMICall lists it afterwards (OMICall's register answer is that list).
 */
export async function registerWebhook(
	this: Context,
	hook: { type: WebhookType; url: string; events?: CallEvent[] },
	itemIndex?: number,
): Promise<OmiCallWebhook | undefined> {
	const webhook: Record<string, unknown> = { type: hook.type, url: hook.url };
	if (hook.events?.length) webhook.events = hook.events;
	const payload = await omiCallRequest.call(
		this,
		'POST',
		'/api/webhooks/register',
		{ body: { webhook } },
		itemIndex,
	);
	const listed = Array.isArray(payload)
		? toWebhooks(payload)
		: await listWebhooks.call(this, itemIndex);
	return listed.find((w) => w.type === hook.type);
}

/** Removes the webhook of `type`, whoever registered it. */
export async function destroyWebhook(
	this: Context,
	type: WebhookType,
	itemIndex?: number,
): Promise<void> {
	await omiCallRequest.call(
		this,
		'POST',
		'/api/webhooks/destroy',
		{ qs: { hook_type: type } },
		itemIndex,
	);
}

/** The OMICall events a trigger has to register for the call events its user picked. */
export function callEventsFor(selected: string[]): CallEvent[] {
	const wanted = new Set(selected.map((e) => (e === 'cdr' ? 'hangup' : e)));
	return CALL_EVENTS.filter((e) => wanted.has(e));
}
