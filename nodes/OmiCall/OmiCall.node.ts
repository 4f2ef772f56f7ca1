import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import {
	CALL_EVENTS,
	type CallEvent,
	destroyWebhook,
	findWebhook,
	invalidWebhookUrlReason,
	listWebhooks,
	registerWebhook,
	type WebhookType,
} from './webhooks';
import { asNodeError } from './transport';
import { redactUrl } from './urlDisplay';

const webhookTypeOptions = [
	{ name: 'Call', value: 'call', description: 'Call events and the final call record' },
	{ name: 'Contact', value: 'contact', description: 'Contacts created or updated' },
];

export class OmiCall implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OMICall',
		name: 'omiCall',
		icon: { light: 'file:omicall.svg', dark: 'file:omicall.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Manage the webhooks of OMICall, the cloud call center',
		defaults: { name: 'OMICall' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [{ name: 'omiCallApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Webhook', value: 'webhook' }],
				default: 'webhook',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['webhook'] } },
				options: [
					{
						name: 'Destroy',
						value: 'destroy',
						description: 'Remove the webhook of a type, whoever registered it',
						action: 'Destroy a webhook',
					},
					{
						name: 'List',
						value: 'list',
						description: 'List the registered webhooks',
						action: 'List webhooks',
					},
					{
						name: 'Register',
						value: 'register',
						description: 'Register a webhook URL; it replaces the webhook of the same type',
						action: 'Register a webhook',
					},
				],
				default: 'list',
			},
			{
				displayName: 'Type',
				name: 'webhookType',
				type: 'options',
				options: webhookTypeOptions,
				default: 'call',
				description: 'OMICall keeps one webhook per type',
				displayOptions: { show: { resource: ['webhook'], operation: ['register', 'destroy'] } },
			},
			{
				displayName: 'URL',
				name: 'url',
				type: 'string',
				default: '',
				required: true,
				placeholder: 'https://example.com/omicall/calls',
				description: 'Where OMICall sends the events. OMICall asks for an https:// address.',
				displayOptions: { show: { resource: ['webhook'], operation: ['register'] } },
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: [
					{ name: 'Answered', value: 'answered' },
					{ name: 'Hangup', value: 'hangup' },
					{ name: 'Ringing', value: 'ringing' },
				],
				default: ['ringing', 'answered', 'hangup'],
				description: 'Which call events OMICall sends',
				displayOptions: { show: { resource: ['webhook'], operation: ['register'], webhookType: ['call'] } },
			},
			{
				displayName: 'Allow AI Agents to Change Webhooks',
				name: 'allowAiWebhookChanges',
				type: 'boolean',
				default: false,
				description:
					'Whether an AI agent may register or destroy webhooks with this tool. OMICall keeps one webhook per type for the whole account, so either changes where all of its call or contact events go.',
				// '@tool': shown only in the tool version n8n generates (n8n-workflow/dist/cjs/node-helpers.js, getPropertyValues).
				displayOptions: { show: { resource: ['webhook'], operation: ['register', 'destroy'], '@tool': [true] } },
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				displayOptions: { show: { resource: ['webhook'], operation: ['list', 'destroy'] } },
				options: [
					{
						displayName: 'Show Full URLs',
						name: 'showFullUrls',
						type: 'boolean',
						default: false,
						description:
							'Whether to output the webhook URLs in full. They may contain secrets of the systems that receive them (a token in the query, user:password@), so by default those parts show as ***.',
					},
					{
						displayName: 'Type',
						name: 'type',
						type: 'options',
						options: webhookTypeOptions,
						default: 'call',
						description: 'Only list the webhook of this type',
						displayOptions: { show: { '/operation': ['list'] } },
					},
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const output: INodeExecutionData[] = [];

		for (let i = 0; i < items.length; i++) {
			try {
				const operation = this.getNodeParameter('operation', i) as string;
				for (const json of await runOperation.call(this, operation, i)) {
					output.push({ json, pairedItem: { item: i } });
				}
			} catch (error) {
				if (!this.continueOnFail()) throw asNodeError(this.getNode(), error, i);
				output.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
			}
		}
		return [output];
	}
}

/**
 * Whether n8n runs this node as an AI agent's tool. n8n 2.40 then runs the tool version it
 * generates, whose type ends in "Tool" (n8n/dist/tool-generation/ai-tools.js, convertNodeToAiTool):
 * in a SupplyDataContext for Agents V1/V2 and the MCP Server Trigger, but in a plain
 * ExecuteContext for Agent V3's engine requests, where isToolExecution() is always false
 * (n8n-core/dist/execution-engine/node-execution-context/execute-context.js). So the type decides.
 */
export function isAiToolNodeType(type: string): boolean {
	return (type.split('.').pop() ?? '').endsWith('Tool');
}

function runsAsAiTool(context: IExecuteFunctions): boolean {
	return isAiToolNodeType(context.getNode().type) || (typeof context.isToolExecution === 'function' && context.isToolExecution());
}

/** What Register and Destroy do to the whole account, for the refusal an agent reads. */
const ACCOUNT_WIDE_EFFECT: Record<'register' | 'destroy', string> = {
	register: "redirect all of that type's events away from whoever receives them now",
	destroy: "stop all of that type's events from reaching whoever receives them now",
};

function shownUrl(url: string, showFullUrls: boolean | undefined): string {
	return showFullUrls === true ? url : redactUrl(url);
}

async function runOperation(this: IExecuteFunctions, operation: string, i: number): Promise<IDataObject[]> {
	if (operation === 'list') {
		const { type, showFullUrls } = this.getNodeParameter('options', i, {}) as { type?: string; showFullUrls?: boolean };
		const hooks = await listWebhooks.call(this, i);
		return hooks.filter((h) => type === undefined || h.type === type).map((h) => ({ ...h, url: shownUrl(h.url, showFullUrls) }));
	}

	if ((operation === 'register' || operation === 'destroy') && runsAsAiTool(this) && this.getNodeParameter('allowAiWebhookChanges', i, false) !== true) {
		throw new NodeOperationError(
			this.getNode(),
			`An AI agent may not ${operation} OMICall webhooks unless this node allows it: OMICall keeps one webhook per type for the whole account, so this would ${ACCOUNT_WIDE_EFFECT[operation]}. Turn on "Allow AI Agents to Change Webhooks" in the node to allow it.`,
			{ itemIndex: i },
		);
	}

	const type = this.getNodeParameter('webhookType', i) as WebhookType;

	if (operation === 'register') {
		const url = String(this.getNodeParameter('url', i)).trim();
		const reason = invalidWebhookUrlReason(url);
		if (reason) throw new NodeOperationError(this.getNode(), reason, { itemIndex: i });
		const events = type === 'call' ? (this.getNodeParameter('events', i, CALL_EVENTS) as CallEvent[]) : undefined;
		if (type === 'call' && !events?.length) {
			throw new NodeOperationError(this.getNode(), 'Choose at least one event to register.', { itemIndex: i });
		}
		const registered = await registerWebhook.call(this, { type, url, events }, i);
		if (!registered) {
			throw new NodeOperationError(this.getNode(), `OMICall accepted the ${type} webhook but does not list it afterwards.`, { itemIndex: i });
		}
		// The URL the user typed: shown in full, like the parameter it came from.
		return [{ ...registered }];
	}

	if (operation === 'destroy') {
		const { showFullUrls } = this.getNodeParameter('options', i, {}) as { showFullUrls?: boolean };
		const current = await findWebhook.call(this, type, i);
		if (!current) return [{ type, destroyed: false, url: null }];
		await destroyWebhook.call(this, type, i);
		return [{ type, destroyed: true, url: shownUrl(current.url, showFullUrls) }];
	}

	throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not known.`, { itemIndex: i });
}
