import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { destroyWebhook, findWebhook } from '../../transport/webhooks';
import {
	allowAiChangesField,
	refuseAiAgentUnlessAllowed,
	showFullUrlsOption,
	shownUrl,
	webhookTypeField,
	readWebhookType,
} from './fields';

const properties: INodeProperties[] = [
	webhookTypeField,
	allowAiChangesField,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [showFullUrlsOption],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['webhook'], operation: ['destroy'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
	refuseAiAgentUnlessAllowed(this, 'destroy', i);
	const type = readWebhookType(this, i);
	const { showFullUrls } = this.getNodeParameter('options', i, {}) as { showFullUrls?: boolean };
	const current = await findWebhook.call(this, type, i);
	if (!current) return [{ json: { type, destroyed: false, url: null } }];
	await destroyWebhook.call(this, type, i);
	return [{ json: { type, destroyed: true, url: shownUrl(current.url, showFullUrls) } }];
}
