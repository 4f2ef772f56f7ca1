import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as account from './actions/account/Account.resource';
import * as autoCall from './actions/autoCall/AutoCall.resource';
import * as call from './actions/call/Call.resource';
import { searchExtensions, searchHotlines } from './actions/callCenter';
import { searchCalls } from './actions/call/shared';
import * as contact from './actions/contact/Contact.resource';
import { searchContacts } from './actions/contact/fields';
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
		description:
			'Place calls and voice-message auto calls with OMICall, the cloud call center; search, read and annotate its calls, download their recordings, keep its contacts in sync, read the account and manage its webhooks',
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
				options: [
					{ name: 'Account', value: 'account' },
					{ name: 'Auto Call', value: 'autoCall' },
					{ name: 'Call', value: 'call' },
					{ name: 'Contact', value: 'contact' },
					{ name: 'Webhook', value: 'webhook' },
				],
				// Workflows saved before the Call resource existed store no resource: they mean Webhook.
				default: 'webhook',
			},
			// Webhook's parameters first, as before Call existed: code that finds a parameter by name ("options") still gets the webhook one.
			...webhook.description,
			...call.description,
			...autoCall.description,
			...account.description,
			...contact.description,
		],
	};

	methods = { listSearch: { searchCalls, searchContacts, searchExtensions, searchHotlines } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
