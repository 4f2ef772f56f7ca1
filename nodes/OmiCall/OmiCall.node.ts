import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { router } from './actions/router';
import * as webhook from './actions/webhook/Webhook.resource';

export { isAiToolNodeType } from './actions/aiTool';

/** The OMICall action node: one resource per folder under actions/, one file per operation. */
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
			...webhook.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
