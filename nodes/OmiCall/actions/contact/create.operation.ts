import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { addContact } from './api';
import {
	contactFields,
	fullNameField,
	optionsCollection,
	readContactInput,
	readOutput,
	toJson,
} from './fields';

const properties: INodeProperties[] = [
	fullNameField,
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: contactFields(false, true),
	},
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['contact'], operation: ['create'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
	const additional = this.getNodeParameter('additionalFields', i, {}) as IDataObject;
	const fullName = this.getNodeParameter('fullName', i, '') as string;
	const input = readContactInput(this, i, { ...additional, fullName }, true);
	const output = readOutput(this, i);
	return [{ json: toJson(await addContact(this, input, i), output) }];
}
