import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { findById, findByRefId, updateContact } from './api';
import {
	contactFields,
	contactLocator,
	optionsCollection,
	readContact,
	readContactInput,
	readOutput,
	toJson,
} from './fields';

const properties: INodeProperties[] = [
	contactLocator(
		'update',
		'The contact to update: by its OMICall ID or by your reference ID',
		'refId',
	),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description: 'Only the fields added here change; the others stay as they are',
		options: contactFields(true, true),
	},
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['contact'], operation: ['update'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
	const { mode, value } = readContact(this, i);
	const fields = this.getNodeParameter('updateFields', i, {}) as IDataObject;
	const input = readContactInput(this, i, fields, false);
	const contact =
		mode === 'refId' ? await findByRefId(this, value, i) : await findById(this, value, i);
	if (!contact) {
		const what = mode === 'refId' ? `the reference ID "${value}"` : `the ID "${value}"`;
		throw new NodeOperationError(this.getNode(), `OMICall has no contact with ${what}.`, {
			itemIndex: i,
			description:
				'Nothing was changed. To create the contact when it is missing, use Create or Update.',
		});
	}
	const output = readOutput(this, i);
	// No field to change: nothing to send.
	if (!Object.keys(input).length) return [{ json: toJson(contact, output) }];
	return [{ json: toJson(await updateContact(this, contact, input, i), output) }];
}
