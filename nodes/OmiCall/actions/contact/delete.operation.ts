import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { deleteContact } from './api';
import { contactLocator, readContact } from './fields';

const properties: INodeProperties[] = [contactLocator('delete', 'The contact to delete', null)];

export const description = updateDisplayOptions(
	{ show: { resource: ['contact'], operation: ['delete'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
	const { value } = readContact(this, i);
	await deleteContact(this, value, i);
	return [{ json: { contactId: value, deleted: true } }];
}
