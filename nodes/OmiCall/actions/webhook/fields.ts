import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { WEBHOOK_TYPES, type WebhookType } from '../../transport/webhooks';
import { redactUrl } from '../../urlDisplay';
import { refuseAiAgentUnless } from '../aiTool';
import { readChoice } from '../input';

/** Parameters and rules that more than one webhook operation shares. */

export const webhookTypeOptions = [
	{ name: 'Call', value: 'call', description: 'Call events and the final call record' },
	{ name: 'Contact', value: 'contact', description: 'Contacts created or updated' },
];

export const webhookTypeField: INodeProperties = {
	displayName: 'Type',
	name: 'webhookType',
	type: 'options',
	options: webhookTypeOptions,
	default: 'call',
	description: 'OMICall keeps one webhook per type',
};

/** The Type parameter: call or contact; anything else (an expression, an old workflow) fails the item. */
export function readWebhookType(context: IExecuteFunctions, i: number): WebhookType {
	return readChoice(context, i, context.getNodeParameter('webhookType', i), WEBHOOK_TYPES, 'Type');
}

export const allowAiChangesField: INodeProperties = {
	displayName: 'Allow AI Agents to Change Webhooks',
	name: 'allowAiWebhookChanges',
	type: 'boolean',
	default: false,
	noDataExpression: true,
	description:
		'Whether an AI agent may register or destroy webhooks with this tool. OMICall keeps one webhook per type for the whole account, so either changes where all of its call or contact events go.',
	// '@tool': shown only in the tool version n8n generates (n8n-workflow/dist/cjs/node-helpers.js, getPropertyValues).
	displayOptions: { show: { '@tool': [true] } },
};

export const showFullUrlsOption: INodeProperties = {
	displayName: 'Show Full URLs',
	name: 'showFullUrls',
	type: 'boolean',
	default: false,
	description:
		'Whether to output the webhook URLs in full. They may contain secrets of the systems that receive them (a token in the query, user:password@), so by default those parts show as ***.',
};

export function shownUrl(url: string, showFullUrls: boolean | undefined): string {
	return showFullUrls === true ? url : redactUrl(url);
}

/** What Register and Destroy do to the whole account, for the refusal an agent reads. */
const ACCOUNT_WIDE_EFFECT: Record<'register' | 'destroy', string> = {
	register: "redirect all of that type's events away from whoever receives them now",
	destroy: "stop all of that type's events from reaching whoever receives them now",
};

/** Register and Destroy redirect a whole account's events: an AI agent needs the node's explicit leave. */
export function refuseAiAgentUnlessAllowed(
	context: IExecuteFunctions,
	operation: 'register' | 'destroy',
	i: number,
): void {
	refuseAiAgentUnless(
		context,
		allowAiChangesField.name,
		i,
		`An AI agent may not ${operation} OMICall webhooks unless this node allows it: OMICall keeps one webhook per type for the whole account, so this would ${ACCOUNT_WIDE_EFFECT[operation]}. Turn on "Allow AI Agents to Change Webhooks" in the node to allow it.`,
	);
}
