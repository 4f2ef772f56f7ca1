import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { listWebhooks, WEBHOOK_TYPES } from '../../transport/webhooks';
import { readChoice } from '../input';
import { showFullUrlsOption, shownUrl, webhookTypeOptions } from './fields';

const properties: INodeProperties[] = [
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			showFullUrlsOption,
			{
				displayName: 'Type',
				name: 'type',
				type: 'options',
				options: webhookTypeOptions,
				default: 'call',
				description: 'Only list the webhook of this type',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['webhook'], operation: ['list'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', i, {}) as {
		type?: string;
		showFullUrls?: boolean;
	};
	const { showFullUrls } = options;
	const type =
		options.type === undefined
			? undefined
			: readChoice(this, i, options.type, WEBHOOK_TYPES, 'Type');
	const hooks = await listWebhooks.call(this, i);
	return hooks
		.filter((h) => type === undefined || h.type === type)
		.map((h) => ({ json: { ...h, url: shownUrl(h.url, showFullUrls) } }));
}
