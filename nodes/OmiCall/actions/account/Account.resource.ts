import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';

export const operations = { get };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['account'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description:
					"Get the account's service package and its expiry, the balance and the hotlines (public numbers)",
				action: 'Get the account',
			},
		],
		default: 'get',
	},
	...get.description,
];
