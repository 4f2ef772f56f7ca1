import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { CALL_EVENTS, invalidWebhookUrlReason, registerWebhook } from '../../transport/webhooks';
import { urlOriginOnly } from '../../urlDisplay';
import { readChoice, readTextList, readTextParameter } from '../input';
import {
	allowAiChangesField,
	readWebhookType,
	refuseAiAgentUnlessAllowed,
	webhookTypeField,
} from './fields';

const properties: INodeProperties[] = [
	webhookTypeField,
	{
		displayName: 'URL',
		name: 'url',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://example.com/omicall/calls',
		description: 'Where OMICall sends the events. OMICall asks for an https:// address.',
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
		displayOptions: { show: { webhookType: ['call'] } },
	},
	allowAiChangesField,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['webhook'], operation: ['register'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
	refuseAiAgentUnlessAllowed(this, 'register', i);
	const type = readWebhookType(this, i);
	const url = readTextParameter(this, 'url', i, 'URL');
	const reason = invalidWebhookUrlReason(url);
	if (reason) throw new NodeOperationError(this.getNode(), reason, { itemIndex: i });
	const events =
		type === 'call'
			? readTextList(this, i, this.getNodeParameter('events', i, CALL_EVENTS), 'Events').map(
					(event) => readChoice(this, i, event, CALL_EVENTS, 'Event'),
				)
			: undefined;
	if (type === 'call' && !events?.length) {
		throw new NodeOperationError(this.getNode(), 'Choose at least one event to register.', {
			itemIndex: i,
		});
	}
	const registered = await registerWebhook.call(this, { type, url, events }, i);
	if (!registered) {
		throw new NodeOperationError(
			this.getNode(),
			`OMICall accepted the ${type} webhook but does not list it afterwards.`,
			{ itemIndex: i },
		);
	}
	// Another URL listed for the type (a concurrent change) is somebody else's: not shown in full.
	if (registered.url !== url) {
		throw new NodeOperationError(
			this.getNode(),
			`OMICall accepted the ${type} webhook, but afterwards lists another URL for it (${urlOriginOnly(registered.url)}): somebody may have registered theirs at the same moment.`,
			{ itemIndex: i },
		);
	}
	// The URL the user typed: shown in full, like the parameter it came from.
	return [{ json: { ...registered } }];
}
