import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { findById, findByPhone } from './api';
import { contactLocator, optionsCollection, readContact, readOutput, toJson } from './fields';
import { readPhone } from '../input';

const properties: INodeProperties[] = [
	contactLocator(
		'get',
		"The contact to get: by its ID, or by a phone number (the trigger's customerNumber finds the caller)",
		'phone',
	),
	optionsCollection([
		{
			displayName: 'Empty Result When Not Found',
			name: 'emptyIfNotFound',
			type: 'boolean',
			default: false,
			description:
				'Whether a contact OMICall does not have gives an empty item ({}) instead of an error, so that a caller lookup goes on for unknown callers',
		},
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['contact'], operation: ['get'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
	const { mode, value } = readContact(this, i);
	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	const output = readOutput(this, i);
	let contact;
	let what: string;
	if (mode === 'phone') {
		const phone = readPhone(this, i, value, 'Contact');
		what = `with the phone number ${phone}`;
		contact = await findByPhone(this, phone, i);
	} else {
		what = `with the ID "${value}"`;
		contact = await findById(this, value, i);
	}
	if (contact) return [{ json: toJson(contact, output) }];
	// One empty item, paired with its input: the lookup's chain goes on, and an IF on "is empty" tells.
	if (options.emptyIfNotFound === true) return [{ json: {} }];
	throw new NodeOperationError(this.getNode(), `OMICall has no contact ${what}.`, {
		itemIndex: i,
		description:
			'To go on with an empty item for unknown callers instead, turn on the option "Empty Result When Not Found".',
	});
}
