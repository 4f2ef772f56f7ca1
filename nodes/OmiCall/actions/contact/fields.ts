import type {
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeListSearchResult,
	INodeProperties,
} from 'n8n-workflow';

import { isObject } from '../../callRecord';
import {
	CONTACT_KINDS,
	type ContactKind,
	contactIdOf,
	type Gender,
	GENDERS,
	simplifyContact,
	toIsoDate,
	uniqueBy,
} from '../../contactRecord';
import {
	inputError,
	PHONE_HELP,
	quoted,
	readPhone,
	readRequiredLocator,
	readText,
	readTextList,
	textOf,
} from '../input';
import { PAGE_SIZE, searchPage } from './api';
import {
	listLocator,
	type Output,
	outputOption,
	readOutput as readChosenOutput,
	shapeOutput,
} from '../common';

/** The Contact resource's parameters, and the one place where a contact given as input is checked. */

export interface ContactInput {
	fullName?: string;
	phones?: Array<{ number: string; kind: ContactKind }>;
	emails?: Array<{ email: string; kind: ContactKind }>;
	gender?: Gender | '';
	/** YYYY-MM-DD, or '' to clear it. */
	birthday?: string;
	address?: string;
	jobTitle?: string;
	note?: string;
	tags?: string[];
	ownerEmail?: string;
	refId?: string;
	refCode?: string;
}

const KIND_OPTIONS = [
	{ name: 'Personal (Mobile)', value: 'personal' },
	{ name: 'Home', value: 'home' },
	{ name: 'Office', value: 'office' },
];

const show = (operations: string[]) => ({
	show: { resource: ['contact'], operation: operations },
});

/** The contact an operation works on: picked from OMICall's contacts, or given by id (and, per operation, by phone or reference id). */
export function contactLocator(
	operation: string,
	description: string,
	also: 'phone' | 'refId' | null,
): INodeProperties {
	return listLocator(
		{
			displayName: 'Contact',
			name: 'contact',
			type: 'resourceLocator',
			default: { mode: 'list', value: '' },
			description,
			displayOptions: show([operation]),
			modes: [
				{
					displayName: 'By ID',
					name: 'id',
					type: 'string',
					placeholder: 'e.g. 63b44e47a2523f37e3709c59',
					hint: "The contact's OMICall ID (contactId in the trigger's and this node's items)",
				},
				...(also === 'phone'
					? [
							{
								displayName: 'By Phone Number',
								name: 'phone',
								type: 'string' as const,
								placeholder: 'e.g. 0912 345 678',
								hint: "A phone number of the contact; the trigger's customerNumber finds the caller",
							},
						]
					: []),
				...(also === 'refId'
					? [
							{
								displayName: 'By Reference ID',
								name: 'refId',
								type: 'string' as const,
								placeholder: 'e.g. CRM-1042',
								hint: 'Your own ID of the contact (the reference ID it was created with)',
							},
						]
					: []),
			],
		},
		{
			placeholder: 'Select a contact…',
			typeOptions: { searchListMethod: 'searchContacts', searchable: true },
		},
	);
}

/** The contact's fields, for Create's and Upsert's Additional Fields and Update's Update Fields. */
export function contactFields(withName: boolean, withRefId: boolean): INodeProperties[] {
	const fields: INodeProperties[] = [
		{ displayName: 'Address', name: 'address', type: 'string', default: '' },
		{
			displayName: 'Birthday',
			name: 'birthday',
			type: 'string',
			default: '',
			placeholder: 'e.g. 1991-03-07 or 07/03/1991',
			description: 'A date: YYYY-MM-DD or DD/MM/YYYY',
		},
		{
			displayName: 'Emails',
			name: 'emails',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			default: {},
			description: "The contact's emails; given, they replace the ones the contact had",
			options: [
				{
					displayName: 'Email',
					name: 'email',
					values: [
						{
							displayName: 'Email',
							name: 'email',
							type: 'string',
							placeholder: 'name@email.com',
							default: '',
						},
						{
							displayName: 'Kind',
							name: 'kind',
							type: 'options',
							options: KIND_OPTIONS,
							default: 'personal',
						},
					],
				},
			],
		},
		{
			displayName: 'Gender',
			name: 'gender',
			type: 'options',
			options: [
				{ name: 'Female', value: 'female' },
				{ name: 'Male', value: 'male' },
				{ name: 'Other', value: 'other' },
			],
			default: 'female',
		},
		{ displayName: 'Job Title', name: 'jobTitle', type: 'string', default: '' },
		{ displayName: 'Note', name: 'note', type: 'string', typeOptions: { rows: 3 }, default: '' },
		{
			displayName: 'Owner Email',
			name: 'ownerEmail',
			type: 'string',
			placeholder: 'name@email.com',
			default: '',
			description:
				"The email of the agent who owns the contact; OMICall routes the contact's calls to the owner",
		},
		{
			displayName: 'Phones',
			name: 'phones',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			default: {},
			description:
				"The contact's phone numbers; given, they replace the ones the contact had. Written as people do (+84 912 345 678, 0912.345.678); sent in OMICall's form.",
			options: [
				{
					displayName: 'Phone',
					name: 'phone',
					values: [
						{
							displayName: 'Number',
							name: 'number',
							type: 'string',
							placeholder: 'e.g. 0912 345 678',
							default: '',
						},
						{
							displayName: 'Kind',
							name: 'kind',
							type: 'options',
							options: KIND_OPTIONS,
							default: 'personal',
						},
					],
				},
			],
		},
		{
			displayName: 'Reference Code',
			name: 'refCode',
			type: 'string',
			default: '',
			description: 'Your own code for the contact (a customer code, say)',
		},
		{
			displayName: 'Tags',
			name: 'tags',
			type: 'string',
			default: '',
			placeholder: 'e.g. VIP, Đại lý',
			description: "Tag names, separated by commas; given, they replace the contact's tags",
		},
	];
	if (withName)
		fields.splice(5, 0, {
			displayName: 'Full Name',
			name: 'fullName',
			type: 'string',
			default: '',
		});
	if (withRefId)
		fields.splice(fields.length - 1, 0, {
			displayName: 'Reference ID',
			name: 'refId',
			type: 'string',
			default: '',
			description: 'Your own ID of the contact, e.g. the CRM record ID',
		});
	return fields;
}

const contactOutputOption = outputOption(
	"One flat item per contact, with the same field names as the OMICall Trigger's contact changes",
	'The contact exactly as OMICall returns it',
);

/** Options: the operation's own, then Output. */
export function optionsCollection(own: INodeProperties[] = []): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [...own, contactOutputOption],
	};
}

export const fullNameField: INodeProperties = {
	displayName: 'Full Name',
	name: 'fullName',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. Nguyễn Văn An',
};

export function readOutput(context: IExecuteFunctions, i: number): Output {
	const options = context.getNodeParameter('options', i, {}) as IDataObject;
	return readChosenOutput(options.output);
}

export function toJson(contact: IDataObject, output: Output): IDataObject {
	return shapeOutput(contact, output, simplifyContact);
}

// ── Reading and checking input ──────────────────────────────────────────────

/** Plain enough to catch typos and pasted junk; OMICall decides the rest. */
const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:".]{2,}$/;

/** The names the fields have in the node, for errors. */
const LABELS = {
	fullName: 'Full Name',
	gender: 'Gender',
	birthday: 'Birthday',
	ownerEmail: 'Owner Email',
	tags: 'Tags',
	address: 'Address',
	jobTitle: 'Job Title',
	note: 'Note',
	refId: 'Reference ID',
	refCode: 'Reference Code',
} as const;

/** A field's text (see readText): nothing (null) is '', which clears the field in OMICall. */
function fieldText(
	context: IExecuteFunctions,
	i: number,
	value: unknown,
	field: keyof typeof LABELS,
): string {
	return readText(context, i, value, LABELS[field]);
}

function kindOf(value: unknown): ContactKind {
	return (CONTACT_KINDS as readonly unknown[]).includes(value)
		? (value as ContactKind)
		: 'personal';
}

/** The list under a fixedCollection ({phone: [...]}) or a list given by an expression. */
function entries(value: unknown, key: string): unknown[] {
	if (Array.isArray(value)) return value;
	if (isObject(value) && Array.isArray(value[key])) return value[key] as unknown[];
	if (isObject(value) && isObject(value[key])) return [value[key]];
	return [];
}

/**
 * The contact fields of an item, checked: a name that is given must not be blank, every phone
 * must be a phone number (sent in OMICall's form), every email an email, the birthday a real
 * date. Any problem fails the item before a request is made, naming the item.
 */
export function readContactInput(
	context: IExecuteFunctions,
	i: number,
	values: IDataObject,
	nameRequired: boolean,
): ContactInput {
	const input: ContactInput = {};
	if ('fullName' in values || nameRequired) {
		const name = fieldText(context, i, values.fullName, 'fullName');
		if (!name)
			throw inputError(
				context,
				i,
				nameRequired
					? 'the contact has no full name. Enter the Full Name.'
					: 'the Full Name is empty. Remove the field to keep the name, or enter one.',
			);
		input.fullName = name;
	}
	// A number or email given twice (+84 912… and 0912…, any case) is sent once: else each upsert
	// would see a difference and write.
	if ('phones' in values) {
		const phones = entries(values.phones, 'phone').map((entry) => {
			const number = readPhone(context, i, isObject(entry) ? entry.number : entry, 'Phones');
			if (!number)
				throw inputError(context, i, 'a phone number in the Phones is empty.', PHONE_HELP);
			return { number, kind: kindOf(isObject(entry) ? entry.kind : undefined) };
		});
		input.phones = uniqueBy(phones, (p) => p.number);
	}
	if ('emails' in values) {
		const emails = entries(values.emails, 'email').map((entry) => {
			const raw = isObject(entry) ? entry.email : entry;
			const email = textOf(raw);
			if (!email || !EMAIL.test(email))
				throw inputError(context, i, `${quoted(raw ?? '')} is not a valid email address.`);
			return { email, kind: kindOf(isObject(entry) ? entry.kind : undefined) };
		});
		input.emails = uniqueBy(emails, (e) => e.email.toLowerCase());
	}
	if ('gender' in values) {
		const gender = fieldText(context, i, values.gender, 'gender').toLowerCase();
		if (gender && !(GENDERS as readonly string[]).includes(gender))
			throw inputError(
				context,
				i,
				`${quoted(values.gender)} is not a gender: use male, female or other.`,
			);
		input.gender = gender as Gender | '';
	}
	if ('birthday' in values) {
		const given = fieldText(context, i, values.birthday, 'birthday');
		const birthday = given ? toIsoDate(given) : '';
		if (birthday === null)
			throw inputError(
				context,
				i,
				`the birthday ${quoted(values.birthday)} is not a valid date. Use YYYY-MM-DD or DD/MM/YYYY, e.g. 1991-03-07.`,
			);
		input.birthday = birthday;
	}
	if ('ownerEmail' in values) {
		const owner = fieldText(context, i, values.ownerEmail, 'ownerEmail');
		if (owner && !EMAIL.test(owner))
			throw inputError(
				context,
				i,
				`the owner email ${quoted(values.ownerEmail)} is not a valid email address.`,
			);
		input.ownerEmail = owner;
	}
	if ('tags' in values) {
		input.tags = readTextList(context, i, values.tags, LABELS.tags);
	}
	for (const key of ['address', 'jobTitle', 'note', 'refId', 'refCode'] as const) {
		if (key in values) input[key] = fieldText(context, i, values[key], key);
	}
	return input;
}

/** The value of the Contact parameter, trimmed, with its mode; an error when empty. */
export function readContact(
	context: IExecuteFunctions,
	i: number,
): { mode: string; value: string } {
	const locator = context.getNodeParameter('contact', i) as IDataObject;
	const mode = typeof locator?.mode === 'string' ? locator.mode : 'id';
	const value = readRequiredLocator(
		context,
		'contact',
		i,
		'Contact',
		'no contact is given. Pick one from the list, or enter its ID.',
	);
	return { mode, value };
}

// ── The contact picker ──────────────────────────────────────────────────────

export async function searchContacts(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const page = Math.max(1, Number(paginationToken) || 1);
	const items = await searchPage(this, filter?.trim() ?? '', page);
	return {
		results: items.flatMap((contact) => {
			const flat = simplifyContact(contact);
			const id = contactIdOf(contact);
			if (!id) return [];
			const phone = (flat.phones as Array<{ number: string }>)[0]?.number;
			return [{ name: [flat.fullName ?? id, phone].filter(Boolean).join(' · '), value: id }];
		}),
		paginationToken: items.length >= PAGE_SIZE ? String(page + 1) : undefined,
	};
}
