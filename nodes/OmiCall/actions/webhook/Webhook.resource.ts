import type { INodeProperties } from 'n8n-workflow';

import * as destroy from './destroy.operation';
import * as list from './list.operation';
import * as register from './register.operation';

export const operations = { destroy, list, register };

export const description: INodeProperties[] = [
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
	...list.description,
	...register.description,
	...destroy.description,
];
