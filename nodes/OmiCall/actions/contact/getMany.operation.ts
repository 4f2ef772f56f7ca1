import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { hasEmail, hasPhone } from '../../contactRecord';
import { returnAllAndLimit } from '../common';
import { readLimit, readPhone, readText } from '../input';
import { phoneSearchKeyword } from '../../phone';
import { findContacts } from './api';
import { optionsCollection, readContactInput, readOutput, toJson } from './fields';

const properties: INodeProperties[] = [
	...returnAllAndLimit,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Email',
				name: 'email',
				type: 'string',
				placeholder: 'name@email.com',
				default: '',
				description: 'Only the contacts with exactly this email (any case)',
			},
			{
				displayName: 'Keyword',
				name: 'keyword',
				type: 'string',
				default: '',
				description: "Text OMICall looks for in the contacts' names, phone numbers and emails",
			},
			{
				displayName: 'Phone Number',
				name: 'phone',
				type: 'string',
				placeholder: 'e.g. 0912 345 678',
				default: '',
				description: 'Only the contacts with this phone number, however it is written',
			},
		],
	},
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['contact'], operation: ['getMany'] } },
	properties,
);

/** Searches by phone, else email, else keyword; phone and email are then matched exactly. */
export async function execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
	const filters = this.getNodeParameter('filters', i, {}) as IDataObject;
	const phone = readPhone(this, i, filters.phone, 'Phone Number filter');
	const given = {
		email: readText(this, i, filters.email, 'Email filter'),
		keyword: readText(this, i, filters.keyword, 'Keyword filter'),
	};
	const email = given.email
		? readContactInput(this, i, { emails: [given.email] }, false).emails![0].email
		: undefined;
	const keyword = phone ? phoneSearchKeyword(phone) : (email ?? given.keyword);
	const keep = (contact: IDataObject) =>
		(!phone || hasPhone(contact, phone)) && (!email || hasEmail(contact, email));
	const limit = readLimit(this, i);
	const output = readOutput(this, i);
	const found = await findContacts(this, keyword, keep, limit, i);
	return found.map((contact) => ({ json: toJson(contact, output) }));
}
