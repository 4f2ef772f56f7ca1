import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as deleteOperation from './delete.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as update from './update.operation';
import * as upsert from './upsert.operation';

export const operations = { create, delete: deleteOperation, get, getMany, update, upsert };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['contact'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description:
					'Add a contact to OMICall: full name, phones and emails with their kind, gender, birthday, address, job title, note, tags, owner agent and your own reference ID and code',
				action: 'Create a contact',
			},
			{
				name: 'Create or Update',
				value: 'upsert',
				description: 'Create a new record, or update the current one if it already exists (upsert)',
				action: 'Create or update a contact',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete a contact by its OMICall ID',
				action: 'Delete a contact',
			},
			{
				name: 'Get',
				value: 'get',
				description:
					"Get one contact by its OMICall ID or by a phone number, e.g. the caller of a call (the trigger's customerNumber)",
				action: 'Get a contact',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description:
					'Search the contacts by phone number, email or a keyword in their names; each comes with its contactId, refId, fullName, phones and emails with their kind, and its other fields',
				action: 'Search contacts',
			},
			{
				name: 'Update',
				value: 'update',
				description:
					'Change the given fields of a contact, found by its OMICall ID or your reference ID; the other fields stay',
				action: 'Update a contact',
			},
		],
		default: 'get',
	},
	...getMany.description,
	...get.description,
	...create.description,
	...update.description,
	...upsert.description,
	...deleteOperation.description,
];
