import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { outputOption, readOutput } from './actions/common';

import { parseCallBody, parseContactBody } from './callEvents';
import { contactChangeItem } from './contactRecord';
import { type CallState, DIRECTIONS, directionOf, simplifyCall } from './callRecord';
import * as lifecycle from './trigger/lifecycle';
import type { TriggerState } from './trigger/lifecycle';
import { PROBE_ANSWER, PROBE_HEADER, SECRET_PARAM, secretMatches } from './trigger/url';

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
		// What the editor shows while the trigger waits, in place of n8n's generic "Pull in events".
		eventTriggerDescription:
			'Waiting for an OMICall event: call one of your hotlines, or change a contact',
		activationMessage:
			'OMICall now sends the selected events to this workflow, and each one starts an execution. The webhook registered before is given back when you unpublish it.',
		triggerPanel: {
			header:
				'Call one of your OMICall hotlines, or change a contact in OMICall, to send a test event',
			executionsHelp: {
				inactive:
					"<b>While building your workflow</b>, click the 'Execute step' button, then call one of your OMICall hotlines (or change a contact, for contact changes). The event shows up in this editor. While it listens, OMICall sends its events to the test URL; the webhook registered before gets them again afterwards.<br /><br /><b>Once you're happy with your workflow</b>, publish it. Then every selected OMICall event starts an execution. These executions show up in the <a data-key='executions'>executions list</a>, but not in the editor.",
				active:
					"<b>While building your workflow</b>, click the 'Execute step' button, then call one of your OMICall hotlines (or change a contact, for contact changes). The event shows up in this editor, and production gets its webhook back afterwards.<br /><br /><b>Your workflow also runs automatically</b>, since it's published: every selected OMICall event starts an execution. These executions show up in the <a data-key='executions'>executions list</a>, but not in the editor.",
			},
			activationHint: {
				inactive:
					"Once you've finished building your workflow, publish it: OMICall then sends it every selected event (you just won't see those executions here).",
				active:
					'Every selected OMICall event also starts this workflow (but those executions won’t show up here).',
			},
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'omiCallApi', required: true }],
		// An accepted event is answered by n8n once it has recorded the run (an empty 200), so a
		// 2xx tells OMICall the event is safe; n8n 2.40 would otherwise answer "firstEntryJson".
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				responseData: 'noData',
				path: 'webhook',
			},
		],
		properties: [
			{
				displayName: 'Trigger On',
				name: 'triggerOn',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Call Events',
						value: 'call',
						description: 'Ringing, answered, hangup and the final call record',
					},
					{
						name: 'Contact Changes',
						value: 'contact',
						description: 'Contacts created or updated in OMICall',
					},
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
					{
						name: 'Answered',
						value: 'answered',
						description: 'An agent or the customer picked up',
					},
					{
						name: 'Call Record',
						value: 'cdr',
						description: 'The final record with all details, sent after hangup',
					},
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
						description:
							'Only start the workflow for calls in these directions. With all three selected, calls whose direction OMICall leaves out (or sends as something else) start it too; otherwise they are ignored.',
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
					outputOption(
						'Flat fields with ISO 8601 times, plus the raw body',
						'The body exactly as OMICall sent it',
					),
				],
			},
		],
	};

	// The lifecycle and its contract live in trigger/lifecycle.ts.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await lifecycle.checkExists.call(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await lifecycle.create.call(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await lifecycle.deleteHook.call(this);
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
		if (!secretMatches(given, state.secretHash)) {
			return reply(401, {
				error:
					'Missing or wrong secret: this URL only accepts events from the OMICall account that registered it.',
			});
		}

		const req = this.getRequestObject();
		// Another OMICall Trigger asking whether this one still takes these events (trigger/lifecycle.ts).
		if (req.headers[PROBE_HEADER] !== undefined) {
			return reply(200, {
				probe: PROBE_ANSWER,
				type: lifecycle.hookType(this),
			});
		}

		// Exactly n8n's rule: it parses the body as JSON only when the type before any ";",
		// lower-cased but not trimmed, is application/json; any other type's body reaches us as {}.
		const contentType = req.headers['content-type'] ?? '';
		const mediaType = contentType.split(';')[0].toLowerCase();
		if (mediaType !== 'application/json') {
			const got = contentType
				? JSON.stringify(contentType.length > 100 ? `${contentType.slice(0, 100)}…` : contentType)
				: 'none';
			const hint = mediaType.trim() === 'application/json' ? ' (with no space before ";")' : '';
			return reply(400, {
				error: `Expected Content-Type: application/json, got ${got}. n8n reads only application/json bodies as JSON${hint}.`,
			});
		}
		const body = req.body as unknown;
		const options = this.getNodeParameter('options', {}) as {
			direction?: string[];
			output?: string;
		};
		const raw = readOutput(options.output) === 'raw';

		if (lifecycle.hookType(this) === 'contact') {
			const parsed = parseContactBody(body);
			if (!parsed.ok) return reply(400, { error: parsed.error });
			// Well-formed but nothing to run on: a 2xx, so OMICall does not retry it in vain.
			if (!parsed.contacts.length)
				return reply(200, {
					received: true,
					started: false,
					reason: 'The contact change lists no contacts.',
				});
			const items = raw
				? [{ json: body as IDataObject }]
				: parsed.contacts.map((c) => ({ json: contactChangeItem(parsed.action, c) }));
			return { workflowData: [items] };
		}

		const parsed = parseCallBody(body);
		if (!parsed.ok) return reply(400, { error: parsed.error });
		const events = this.getNodeParameter('events', ['cdr']);
		const selected = Array.isArray(events) ? (events as CallState[]) : ['cdr'];
		if (parsed.state === 'other' || !selected.includes(parsed.state)) {
			return reply(200, {
				received: true,
				started: false,
				reason: `The "${parsed.state === 'other' ? parsed.name : parsed.state}" event is not selected.`,
			});
		}
		// A call without a known direction is only ignored when the user deselected a direction.
		const wanted = Array.isArray(options.direction) ? options.direction : DIRECTIONS;
		const direction = directionOf(parsed.event);
		if (
			!DIRECTIONS.every((d) => wanted.includes(d)) &&
			!(direction && wanted.includes(direction))
		) {
			const reason = direction
				? `${direction} calls are not selected.`
				: 'The call has no known direction (inbound, outbound or local), and not all directions are selected.';
			return reply(200, { received: true, started: false, reason });
		}
		const json = raw
			? (body as IDataObject)
			: simplifyCall(parsed.state, parsed.event, body as IDataObject);
		return { workflowData: [[{ json }]] };
	}
}
