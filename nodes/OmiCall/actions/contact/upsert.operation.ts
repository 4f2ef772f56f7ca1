import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { type ContactEmail, type ContactPhone, simplifyContact } from '../../contactRecord';
import { phoneKey } from '../../phone';
import { asNodeError, omiCallCodeOf } from '../../transport';
import {
	addContact,
	DUPLICATE_CODE,
	findByPhone,
	findByRefId,
	findByEmail,
	updateContact,
} from './api';
import {
	type ContactInput,
	contactFields,
	fullNameField,
	optionsCollection,
	readContactInput,
	readOutput,
	toJson,
} from './fields';
import { inputError, readChoice } from '../input';

const properties: INodeProperties[] = [
	{
		displayName: 'Match On',
		name: 'matchOn',
		type: 'options',
		options: [
			{
				name: 'Reference ID',
				value: 'refId',
				description: 'Your own ID of the contact, e.g. the CRM record ID',
			},
			{
				name: 'Phone Number',
				value: 'phone',
				description: 'The first phone number given',
			},
		],
		default: 'refId',
		description: 'How an existing contact is recognised',
	},
	{
		displayName: 'Reference ID',
		name: 'refId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. CRM-1042',
		description:
			'Your own ID of the contact: a contact with it is updated, otherwise one is created',
		displayOptions: { show: { matchOn: ['refId'] } },
	},
	fullNameField,
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description: 'Fields not added here stay as they are on an existing contact',
		options: contactFields(false, false),
	},
	optionsCollection([
		{
			displayName: 'When a Phone or Email Is on Another Contact',
			name: 'onConflict',
			type: 'options',
			options: [
				{
					name: 'Fail the Item',
					value: 'error',
					description: 'Change nothing and say which contact holds it',
				},
				{
					name: 'Update That Contact',
					value: 'updateHolder',
					description:
						'Write the fields (and the reference ID) onto the contact that holds the phone number or email',
				},
			],
			default: 'error',
			description:
				'OMICall allows a phone number or an email on one contact only; what to do when a new contact would take one from another',
		},
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['contact'], operation: ['upsert'] } },
	properties,
);

const sorted = (values: string[]) => [...values].sort();

/**
 * Whether the contact already has every given field: then an upsert sends nothing, so running
 * the same input again changes nothing. Phones are compared in OMICall's form, emails without case.
 */
function alreadyHas(contact: IDataObject, input: ContactInput): boolean {
	const flat = simplifyContact(contact);
	const same = (a: unknown, b: unknown) => (a ?? '') === (b ?? '');
	const phones = (flat.phones as unknown as ContactPhone[]).map(
		(p) => `${phoneKey(p.number) ?? p.number} ${p.kind ?? 'personal'}`,
	);
	const emails = (flat.emails as unknown as ContactEmail[]).map(
		(e) => `${e.email.toLowerCase()} ${e.kind ?? 'personal'}`,
	);
	const checks: Array<[keyof ContactInput, () => boolean]> = [
		['fullName', () => same(flat.fullName, input.fullName)],
		[
			'phones',
			() =>
				JSON.stringify(sorted(phones)) ===
				JSON.stringify(sorted(input.phones!.map((p) => `${p.number} ${p.kind}`))),
		],
		[
			'emails',
			() =>
				JSON.stringify(sorted(emails)) ===
				JSON.stringify(sorted(input.emails!.map((e) => `${e.email.toLowerCase()} ${e.kind}`))),
		],
		['gender', () => same(flat.gender, input.gender)],
		['birthday', () => same(flat.birthday, input.birthday)],
		['address', () => same(flat.address, input.address)],
		['jobTitle', () => same(flat.jobTitle, input.jobTitle)],
		['note', () => same(flat.note, input.note)],
		[
			'tags',
			() => JSON.stringify(sorted(flat.tags as string[])) === JSON.stringify(sorted(input.tags!)),
		],
		[
			'ownerEmail',
			() => same(String(flat.ownerEmail ?? '').toLowerCase(), input.ownerEmail?.toLowerCase()),
		],
		['refId', () => same(flat.refId, input.refId)],
		['refCode', () => same((flat.customFields as IDataObject).ref_code, input.refCode)],
	];
	return checks.every(([key, check]) => input[key] === undefined || check());
}

/** The contact that holds one of the input's phone numbers or emails. */
async function holderOf(
	context: IExecuteFunctions,
	input: ContactInput,
	i: number,
): Promise<IDataObject | null> {
	for (const phone of input.phones ?? []) {
		const found = await findByPhone(context, phone.number, i);
		if (found) return found;
	}
	for (const { email } of input.emails ?? []) {
		const found = await findByEmail(context, email, i);
		if (found) return found;
	}
	return null;
}

async function updateIfChanged(
	context: IExecuteFunctions,
	contact: IDataObject,
	input: ContactInput,
	i: number,
): Promise<IDataObject> {
	return alreadyHas(contact, input) ? contact : await updateContact(context, contact, input, i);
}

export async function execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
	const matchOn = readChoice(
		this,
		i,
		this.getNodeParameter('matchOn', i, 'refId'),
		['refId', 'phone'] as const,
		'Match On',
	);
	const additional = this.getNodeParameter('additionalFields', i, {}) as IDataObject;
	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	const values: IDataObject = {
		...additional,
		fullName: this.getNodeParameter('fullName', i, ''),
	};
	if (matchOn === 'refId') values.refId = this.getNodeParameter('refId', i, '');
	const input = readContactInput(this, i, values, true);
	if (matchOn === 'refId' && !input.refId)
		throw inputError(
			this,
			i,
			'the Reference ID is empty.',
			'Nothing was sent to OMICall. Enter the ID your system knows the contact by.',
		);
	if (matchOn === 'phone' && !input.phones?.length)
		throw inputError(
			this,
			i,
			'no phone number to match on.',
			'Nothing was sent to OMICall. Add a phone under Additional Fields → Phones.',
		);
	const output = readOutput(this, i);

	const existing =
		matchOn === 'refId'
			? await findByRefId(this, input.refId!, i)
			: await findByPhone(this, input.phones![0].number, i);
	if (existing) return [{ json: toJson(await updateIfChanged(this, existing, input, i), output) }];
	try {
		return [{ json: toJson(await addContact(this, input, i), output) }];
	} catch (error) {
		if (omiCallCodeOf(error) !== DUPLICATE_CODE) throw asNodeError(this.getNode(), error, i);
		const holder = await holderOf(this, input, i);
		if (!holder) throw asNodeError(this.getNode(), error, i);
		const flat = simplifyContact(holder);
		if (options.onConflict !== 'updateHolder')
			throw new NodeOperationError(
				this.getNode(),
				`A phone number or email of this contact is already on another OMICall contact, "${flat.fullName ?? ''}" (ID ${flat.contactId}${flat.refId ? `, reference ID ${flat.refId}` : ''}).`,
				{
					itemIndex: i,
					description:
						'Nothing was changed. OMICall allows a phone number or an email on one contact only. To write this item onto that contact instead, set the option "When a Phone or Email Is on Another Contact" to "Update That Contact".',
				},
			);
		return [{ json: toJson(await updateIfChanged(this, holder, input, i), output) }];
	}
}
