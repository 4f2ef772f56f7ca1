import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { hasEmail, hasPhone } from '../../contactRecord';
import { returnAllAndLimit } from '../common';
import { readLimit, readText } from '../input';
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
	const given = {
		phone: readText(this, i, filters.phone, 'Phone Number filter'),
		email: readText(this, i, filters.email, 'Email filter'),
		keyword: readText(this, i, filters.keyword, 'Keyword filter'),
	};
	const checked = readContactInput(
		this,
		i,
		{
			...(given.phone ? { phones: [given.phone] } : {}),
			...(given.email ? { emails: [given.email] } : {}),
		},
		false,
	);
	const phone = checked.phones?.[0]?.number;
	const email = checked.emails?.[0]?.email;
	const keyword = phone ? phoneSearchKeyword(phone) : (email ?? given.keyword);
	const keep = (contact: IDataObject) =>
		(!phone || hasPhone(contact, phone)) && (!email || hasEmail(contact, email));
	const limit = readLimit(this, i);
	const output = readOutput(this, i);
	const found = await findContacts(this, keyword, keep, limit, i);
	return found.map((contact) => ({ json: toJson(contact, output) }));
}
