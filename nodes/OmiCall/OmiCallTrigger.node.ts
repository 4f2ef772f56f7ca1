import { createHash, randomBytes, timingSafeEqual } from 'crypto';
import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import {
	type CallState,
	DIRECTIONS,
	parseCallBody,
	parseContactBody,
	simplifyCall,
	simplifyContact,
} from './callEvents';
import { CALL_EVENTS, callEventsFor, destroyWebhook, findWebhook, registerWebhook, type WebhookType } from './webhooks';

/** The query parameter that carries the trigger's secret: OMICall signs nothing. */
const SECRET_PARAM = 'secret';

interface TriggerState {
	/** The random secret in the URL this trigger registered. */
	secret?: string;
	/** The URL that was registered before ours, to give back when this trigger stops. */
	previousUrl?: string;
}

export class OmiCallTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OMICall Trigger',
		name: 'omiCallTrigger',
		icon: { light: 'file:omicall.svg', dark: 'file:omicall.dark.svg' },
		group: ['trigger'],
		// 1.1 changes nothing in the node. n8n gives typeVersion 1 webhook nodes the behaviour of its
		// own Webhook node v1 and evaluates that node's binaryData option as an expression on every
		// request: an expression isolate per event even where n8n would need none (docs/BENCHMARKS.md).
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: '={{$parameter["triggerOn"] === "contact" ? "Contact changes" : "Call events"}}',
		description: 'Starts the workflow when OMICall reports a call event or a contact change',
		defaults: { name: 'OMICall Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'omiCallApi', required: true }],
		// An accepted event is answered by n8n once it has recorded the run (an empty 200), so a
		// 2xx tells OMICall the event is safe; n8n 2.40 would otherwise answer "firstEntryJson".
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', responseData: 'noData', path: 'webhook' }],
		properties: [
			{
				displayName: 'Trigger On',
				name: 'triggerOn',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Call Events', value: 'call', description: 'Ringing, answered, hangup and the final call record' },
					{ name: 'Contact Changes', value: 'contact', description: 'Contacts created or updated in OMICall' },
				],
				default: 'call',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				noDataExpression: true,
				displayOptions: { show: { triggerOn: ['call'] } },
				options: [
					{ name: 'Answered', value: 'answered', description: 'An agent or the customer picked up' },
					{ name: 'Call Record', value: 'cdr', description: 'The final record with all details, sent after hangup' },
					{ name: 'Hangup', value: 'hangup', description: 'The call ended' },
					{ name: 'Ringing', value: 'ringing', description: 'A call started ringing' },
				],
				default: ['cdr'],
				required: true,
			},
			{
				displayName:
					'OMICall keeps one webhook per type for your whole account: activating this trigger replaces the one registered before, and gives it back when the trigger stops.',
				name: 'oneHookNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Direction',
						name: 'direction',
						type: 'multiOptions',
						options: [
							{ name: 'Inbound', value: 'inbound' },
							{ name: 'Local', value: 'local' },
							{ name: 'Outbound', value: 'outbound' },
						],
						default: ['inbound', 'outbound', 'local'],
						description: 'Only start the workflow for calls in these directions',
						displayOptions: { show: { '/triggerOn': ['call'] } },
					},
					{
						displayName: 'If Another Webhook Is Registered',
						name: 'onConflict',
						type: 'options',
						options: [
							{
								name: 'Replace It, Restore It When This Trigger Stops',
								value: 'replace',
							},
							{ name: 'Fail Activation', value: 'fail' },
						],
						default: 'replace',
						description: 'What to do when OMICall already sends these events to another URL',
					},
					{
						displayName: 'Output',
						name: 'output',
						type: 'options',
						options: [
							{ name: 'Simplified', value: 'simplified', description: 'Flat fields with ISO 8601 times, plus the raw body' },
							{ name: 'Raw', value: 'raw', description: 'The body exactly as OMICall sent it' },
						],
						default: 'simplified',
					},
				],
			},
		],
	};

	webhookMethods = {
		default: {
			/** True only when OMICall's hook of our type is our URL with our secret. */
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const state = this.getWorkflowStaticData('node') as TriggerState;
				if (!state.secret) return false; // never registered from here: no need to ask OMICall
				const current = await findWebhook.call(this, hookType(this));
				return current?.url === ourUrl(this, state.secret);
			},

			async create(this: IHookFunctions): Promise<boolean> {
				const state = this.getWorkflowStaticData('node') as TriggerState;
				const type = hookType(this);
				const current = await findWebhook.call(this, type);
				const foreign = current && !isOurs(this, current.url, state.secret) ? current.url : undefined;
				const { onConflict = 'replace' } = this.getNodeParameter('options', {}) as { onConflict?: string };
				if (foreign && onConflict === 'fail') {
					throw new NodeOperationError(
						this.getNode(),
						`OMICall already sends ${type} events to ${redactQuery(foreign)}, so this trigger was not activated.`,
						{
							description:
								'OMICall keeps one webhook per type for the whole account. Destroy that webhook first, or set "If Another Webhook Is Registered" to "Replace It, Restore It When This Trigger Stops".',
						},
					);
				}
				const secret = randomBytes(24).toString('hex');
				const events = type === 'call' ? callEventsFor(this.getNodeParameter('events', []) as string[]) : undefined;
				if (type === 'call' && !events?.length) {
					throw new NodeOperationError(this.getNode(), 'Choose at least one event to trigger on.');
				}
				await registerWebhook.call(this, { type, url: ourUrl(this, secret), events });
				state.secret = secret;
				// A hook of ours left from before (an older secret) is not worth restoring.
				if (foreign) state.previousUrl = foreign;
				else if (!current) delete state.previousUrl;
				return true;
			},

			/**
			 * Gives back what create took: when the hook is still ours, the previous URL is
			 * registered again (which replaces ours in one call) or, with none, ours is destroyed.
			 * A hook that is no longer ours belongs to someone else and is left alone.
			 */
			async delete(this: IHookFunctions): Promise<boolean> {
				const state = this.getWorkflowStaticData('node') as TriggerState;
				if (!state.secret) return true;
				const type = hookType(this);
				const current = await findWebhook.call(this, type);
				if (current?.url === ourUrl(this, state.secret)) {
					if (state.previousUrl) {
						// OMICall's list does not say which events the previous hook had.
						await registerWebhook.call(this, { type, url: state.previousUrl, events: type === 'call' ? CALL_EVENTS : undefined });
					} else {
						await destroyWebhook.call(this, type);
					}
				}
				delete state.secret;
				delete state.previousUrl;
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const state = this.getWorkflowStaticData('node') as TriggerState;
		const res = this.getResponseObject();
		// Refusals and ignored events are answered here, at once, with a JSON reason.
		const reply = (status: number, body: IDataObject): IWebhookResponseData => {
			res.status(status).json(body);
			return { noWebhookResponse: true };
		};

		const given = (this.getQueryData() as IDataObject)[SECRET_PARAM];
		if (!state.secret || typeof given !== 'string' || !sameSecret(given, state.secret)) {
			return reply(401, { error: 'Missing or wrong secret: this URL only accepts events from the OMICall account that registered it.' });
		}

		const req = this.getRequestObject();
		const contentType = String(req.headers['content-type'] ?? '');
		if (!/\bjson\b/i.test(contentType)) {
			return reply(400, { error: `Expected Content-Type: application/json, got ${contentType ? `"${contentType}"` : 'none'}.` });
		}
		const body = req.body as unknown;
		const options = this.getNodeParameter('options', {}) as { direction?: string[]; output?: string };
		const raw = options.output === 'raw';

		if (this.getNodeParameter('triggerOn', 'call') === 'contact') {
			const parsed = parseContactBody(body);
			if (!parsed.ok) return reply(400, { error: parsed.error });
			const items = raw ? [{ json: body as IDataObject }] : parsed.contacts.map((c) => ({ json: simplifyContact(parsed.action, c) }));
			return { workflowData: [items] };
		}

		const parsed = parseCallBody(body);
		if (!parsed.ok) return reply(400, { error: parsed.error });
		const selected = this.getNodeParameter('events', ['cdr']) as CallState[];
		if (parsed.state === 'other' || !selected.includes(parsed.state)) {
			return reply(200, { received: true, started: false, reason: `The "${parsed.state === 'other' ? String(parsed.event.state) : parsed.state}" event is not selected.` });
		}
		const directions = options.direction ?? DIRECTIONS;
		const direction = parsed.event.direction;
		if (typeof direction === 'string' && directions.length < DIRECTIONS.length && !directions.includes(direction)) {
			return reply(200, { received: true, started: false, reason: `${direction} calls are not selected.` });
		}
		const json = raw ? (body as IDataObject) : simplifyCall(parsed.state, parsed.event, body as IDataObject);
		return { workflowData: [[{ json }]] };
	}
}

function hookType(context: IHookFunctions): WebhookType {
	return context.getNodeParameter('triggerOn', 'call') === 'contact' ? 'contact' : 'call';
}

/** n8n's URL for this trigger with the secret added. */
function ourUrl(context: IHookFunctions, secret: string): string {
	const url = new URL(context.getNodeWebhookUrl('default') as string);
	url.searchParams.set(SECRET_PARAM, secret);
	return url.toString();
}

/** Ours: n8n's URL for this trigger (whatever the secret), or any URL carrying our secret. */
function isOurs(context: IHookFunctions, candidate: string, secret: string | undefined): boolean {
	try {
		const url = new URL(candidate);
		if (secret && url.searchParams.get(SECRET_PARAM) === secret) return true;
		const mine = new URL(context.getNodeWebhookUrl('default') as string);
		return url.origin === mine.origin && url.pathname === mine.pathname;
	} catch {
		return false;
	}
}

/** A URL fit for an error message: query values, which may be secrets, are hidden. */
function redactQuery(candidate: string): string {
	try {
		const url = new URL(candidate);
		for (const key of [...url.searchParams.keys()]) url.searchParams.set(key, '***');
		return url.toString().replace(/%2A/g, '*');
	} catch {
		return candidate.replace(/\?.*$/, '?***');
	}
}

/** Constant-time comparison whatever the lengths. */
function sameSecret(given: string, expected: string): boolean {
	const digest = (value: string) => createHash('sha256').update(value).digest();
	return timingSafeEqual(digest(given), digest(expected));
}
