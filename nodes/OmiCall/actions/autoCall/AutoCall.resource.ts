import type { INodeProperties } from 'n8n-workflow';

import * as start from './start.operation';

export const operations = { start };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['autoCall'] } },
		options: [
			{
				name: 'Start',
				value: 'start',
				description:
					'Call a list of numbers and play a voice message: text read aloud (at most 300 characters), a recording or an IVR menu. Outputs the campaign ID (autoCallId); each call then arrives as a call record with that autoCallId.',
				action: 'Start an auto call',
			},
		],
		default: 'start',
	},
	...start.description,
];
