import type { INodeProperties } from 'n8n-workflow';

import * as downloadRecording from './downloadRecording.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as make from './make.operation';
import * as update from './update.operation';

export const operations = { downloadRecording, get, getMany, make, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['call'] } },
		options: [
			{
				name: 'Download Recording',
				value: 'downloadRecording',
				description: "Download a call's recording as a file (binary data)",
				action: 'Download a call recording',
			},
			{
				name: 'Get',
				value: 'get',
				description:
					'Get one call by its transaction ID: direction, customer number and name, agent extension and name, start, answer and end times (ISO 8601, UTC), duration and talk time in seconds, whether it was answered, note, tags and recording link',
				action: 'Get a call by transaction ID',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description:
					'Search the call history, newest first: calls between From and To (default: the last 24 hours), optionally only for given customer phone numbers, agent extensions or emails, directions, answered calls, transaction IDs or a keyword in the customer number or name. Each call comes with its transaction ID (callId), times in ISO 8601 UTC, durations in seconds and whether it was answered.',
				action: 'Search the call history',
			},
			{
				name: 'Make',
				value: 'make',
				description:
					"Click-to-call: OMICall rings the agent's extension and, once the agent answers, dials the customer from the hotline. Outputs the call's ID (callId), the same ID the OMICall Trigger's events for this call carry.",
				action: 'Make a call',
			},
			{
				name: 'Update',
				value: 'update',
				description: "Set a call's note and tags",
				action: 'Set the note and tags of a call',
			},
		],
		default: 'getMany',
	},
	...getMany.description,
	...get.description,
	...update.description,
	...downloadRecording.description,
	...make.description,
];
