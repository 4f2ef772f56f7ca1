import type { IDataObject, IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isObject } from '../../callRecord';
import { contactIdOf, hasEmail, hasPhone, simplifyContact } from '../../contactRecord';
import { phoneSearchKeyword } from '../../phone';
import {
	asNodeError,
	CREDENTIAL_TYPE,
	isAbsentError,
	isMissingRoute,
	isNotFoundCode,
	omiCallCodeOf,
	omiCallRequest,
	pageOf,
	usesApiKey,
} from '../../transport';
import type { ContactInput } from './fields';

/**
 * The requests of the Contact resource, and the one place that decides which of OMICall's two
 * contact APIs each uses (omicall-api.md 7):
 * - v2: `add` is documented (Contacts v2); `search` and `update` are only observed (a NestJS
 *   contact sync), which also says v2 wants the raw API key (x-api-key), not only the token.
 * - v1: `list`, `add`, `update` and `delete` are documented; `get?phone=` and `details/{id}`
 *   are observed (an Odoo integration). Reading one contact by id and deleting exist only in v1.
 * v2 is tried first where it exists. The request goes to v1 instead when v2 answers that the
 * endpoint is not there (HTTP 404, 405 or 501, or the bare code `not_found`), and when the
 * credential has no API key to send (Access Token mode). Within one execution, what each v2
 * endpoint answered is remembered, so no later request (of this item or the next) asks a missing
 * one again.
 */

export const PATHS = {
	v1List: '/api/contacts/list',
	v1Add: '/api/contacts/add',
	v1Update: '/api/contacts/update',
	v1Get: '/api/contacts/get',
	v1Details: '/api/contacts/details/',
	v1Delete: '/api/contacts/delete/',
	v2Add: '/api/v2/contact/add',
	v2Search: '/api/v2/contact/search',
	v2Update: '/api/v2/contact/update',
} as const;

/** Observed (7): adding a phone or email another contact holds fails with this code. */
export const DUPLICATE_CODE = 'phone_or_email_assigned_on_other_contact';

/** Inferred: OMICall's usual page size (1.4); contact pages are not documented to allow more. */
export const PAGE_SIZE = 50;

type Context = IExecuteFunctions | ILoadOptionsFunctions;
type V2Path = (typeof PATHS)['v2Add' | 'v2Search' | 'v2Update'];
type Generation = 'v1' | 'v2';

/** Per execution: the v2 endpoints found missing, and whether the credential has a key. */
const missingV2 = new WeakMap<object, Set<V2Path>>();
const hasKey = new WeakMap<object, boolean>();

async function credentialHasApiKey(context: Context): Promise<boolean> {
	let known = hasKey.get(context);
	if (known === undefined) {
		const credentials = await context.getCredentials(CREDENTIAL_TYPE);
		known = usesApiKey(credentials);
		hasKey.set(context, known);
	}
	return known;
}

/**
 * `v2` (a request to the v2 endpoint at `path`) where that endpoint is usable, else `v1`. The
 * endpoint is marked missing before `v1` runs, so a search within `v1` goes to v1 at once.
 */
async function preferV2<T>(
	context: Context,
	path: V2Path,
	v2: () => Promise<T>,
	v1: () => Promise<T>,
	i?: number,
): Promise<T> {
	if (!missingV2.get(context)?.has(path) && (await credentialHasApiKey(context))) {
		try {
			return await v2();
		} catch (error) {
			if (!isMissingRoute(error)) throw asNodeError(context.getNode(), error, i ?? 0);
			const missing = missingV2.get(context) ?? new Set<V2Path>();
			missing.add(path);
			missingV2.set(context, missing);
		}
	}
	return await v1();
}

type PageReader = (
	context: Context,
	keyword: string,
	page: number,
	i?: number,
) => Promise<IDataObject[]>;

/** One page of v2 search alone, for a caller that has its own v1 way. */
const v2SearchPage: PageReader = async (context, keyword, page, i) =>
	pageOf(
		await omiCallRequest.call(
			context,
			'POST',
			PATHS.v2Search,
			{ qs: { page, size: PAGE_SIZE }, body: { keyword }, needsApiKey: true },
			i,
		),
	).items;

/** One page of contacts matching a keyword (phone, email or name); an empty keyword lists all. */
export const searchPage: PageReader = async (context, keyword, page, i) =>
	await preferV2(
		context,
		PATHS.v2Search,
		async () => await v2SearchPage(context, keyword, page, i),
		async () =>
			pageOf(
				await omiCallRequest.call(
					context,
					'POST',
					PATHS.v1List,
					{ qs: { page, size: PAGE_SIZE }, body: { keyword } },
					i,
				),
			).items,
		i,
	);

/**
 * The most pages one search reads. Inferred: OMICall does not document paging for contact
 * searches; a search still bringing new contacts after this many pages (100,000 contacts) is taken
 * to be going round in circles rather than read for ever.
 */
const MAX_PAGES = 2000;

/**
 * Contacts matching a keyword, page after page until `wanted` are found, a page is short, or a
 * page brings no contact not already seen: OMICall's paging is not documented, and a search that
 * ignores `page` answers the first page again and again.
 */
export async function findContacts(
	context: Context,
	keyword: string,
	keep: (contact: IDataObject) => boolean,
	wanted: number,
	i?: number,
	readPage: PageReader = searchPage,
): Promise<IDataObject[]> {
	const found: IDataObject[] = [];
	const seen = new Set<string>();
	for (let page = 1; found.length < wanted; page++) {
		if (page > MAX_PAGES)
			throw new NodeOperationError(
				context.getNode(),
				`OMICall kept answering new contacts after ${MAX_PAGES} pages (${MAX_PAGES * PAGE_SIZE} contacts); the search was stopped.`,
				{
					itemIndex: i ?? 0,
					description:
						'Narrow the search with a filter (phone number, email or keyword), or turn off Return All and set a Limit.',
				},
			);
		const items = await readPage(context, keyword, page, i);
		let fresh = 0;
		for (const contact of items) {
			const key = contactIdOf(contact) ?? JSON.stringify(contact);
			if (seen.has(key)) continue;
			seen.add(key);
			fresh++;
			if (keep(contact)) found.push(contact);
		}
		if (items.length < PAGE_SIZE || fresh === 0) break;
	}
	return found.slice(0, wanted);
}

/** One contact by its OMICall id (v1 details, observed), or null when OMICall has none. */
export async function findById(
	context: IExecuteFunctions,
	id: string,
	i: number,
): Promise<IDataObject | null> {
	try {
		const payload = await omiCallRequest.call(
			context,
			'GET',
			`${PATHS.v1Details}${encodeURIComponent(id)}`,
			{},
			i,
		);
		return isObject(payload) && contactIdOf(payload) !== null ? payload : null;
	} catch (error) {
		// A missing route (HTTP 404 not_found) is an error, never "no such contact".
		if (isAbsentError(error)) return null;
		throw asNodeError(context.getNode(), error, i);
	}
}

/** The contact holding a phone number (in OMICall's form), or null. */
export async function findByPhone(
	context: IExecuteFunctions,
	phone: string,
	i: number,
): Promise<IDataObject | null> {
	const bySearch = async (readPage?: PageReader) =>
		(
			await findContacts(
				context,
				phoneSearchKeyword(phone),
				(c) => hasPhone(c, phone),
				1,
				i,
				readPage,
			)
		)[0] ?? null;
	return await preferV2(
		context,
		PATHS.v2Search,
		async () => await bySearch(v2SearchPage),
		async () => {
			try {
				const payload = await omiCallRequest.call(
					context,
					'GET',
					PATHS.v1Get,
					{ qs: { phone } },
					i,
				);
				if (isObject(payload) && contactIdOf(payload) !== null) return payload;
			} catch (error) {
				if (!isNotFoundCode(omiCallCodeOf(error))) throw asNodeError(context.getNode(), error, i);
			}
			// Observed: v1 get takes the number as the contact holds it; one held in another form
			// (+84…), or a tenant without this route (HTTP 404 not_found), is left to the list
			// (v1's: v2 search is marked missing by now).
			return await bySearch();
		},
		i,
	);
}

/**
 * The contact with this reference id, or null. Inferred: the search keyword matches the refId
 * (OMICall documents the keyword for phone, email and name); only an exact refId is taken.
 */
export async function findByRefId(
	context: IExecuteFunctions,
	refId: string,
	i: number,
): Promise<IDataObject | null> {
	const matches = (c: IDataObject) => simplifyContact(c).refId === refId;
	return (await findContacts(context, refId, matches, 1, i))[0] ?? null;
}

/** OMICall's dd/MM/yyyy (documented, Contacts v1) from an ISO date. */
function omiCallDate(isoDate: string): string {
	const [year, month, day] = isoDate.split('-');
	return `${day}/${month}/${year}`;
}

/** Inferred: the Vietnamese labels the portal shows for the kinds (the sample has "Cá nhân"). */
const KIND_LABELS: Record<string, string> = {
	personal: 'Cá nhân',
	home: 'Nhà riêng',
	office: 'Công ty',
};

/**
 * The write body of a generation: only the fields given, so an update keeps the others.
 * v1 (documented): phones `{data, value, valueType}`, `job_title`, `user_owner_email`.
 * v2 (documented for add): phones `{data, type, valueType}`, `jobTitlte` (OMICall's spelling;
 * `jobTitle` is sent beside it in case it is corrected, inferred), `userOwnerEmail`.
 */
function writeBody(input: ContactInput, generation: Generation): IDataObject {
	const v2 = generation === 'v2';
	const body: IDataObject = {};
	const kindKey = v2 ? 'type' : 'value';
	if (input.fullName !== undefined) body.fullName = input.fullName;
	if (input.phones)
		body.phones = input.phones.map((p) => ({
			data: p.number,
			[kindKey]: p.kind,
			valueType: KIND_LABELS[p.kind],
		}));
	if (input.emails)
		body.emails = input.emails.map((e) => ({
			data: e.email,
			[kindKey]: e.kind,
			valueType: KIND_LABELS[e.kind],
		}));
	if (input.gender !== undefined) body.gender = input.gender;
	if (input.birthday !== undefined)
		body.birthday = input.birthday ? omiCallDate(input.birthday) : '';
	if (input.address !== undefined) body.address = input.address;
	if (input.jobTitle !== undefined) {
		if (v2) {
			body.jobTitlte = input.jobTitle;
			body.jobTitle = input.jobTitle;
		} else body.job_title = input.jobTitle;
	}
	if (input.note !== undefined) body.note = input.note;
	if (input.tags !== undefined) body.tags = input.tags;
	if (input.ownerEmail !== undefined)
		body[v2 ? 'userOwnerEmail' : 'user_owner_email'] = input.ownerEmail;
	if (input.refId !== undefined) body.refId = input.refId;
	if (input.refCode !== undefined) body.refCode = input.refCode;
	return body;
}

/** The contact with this email (any case), or null. */
export async function findByEmail(
	context: IExecuteFunctions,
	email: string,
	i: number,
): Promise<IDataObject | null> {
	return (await findContacts(context, email, (c) => hasEmail(c, email), 1, i))[0] ?? null;
}

/** The ids of the contacts with exactly this name. */
async function idsNamed(
	context: IExecuteFunctions,
	fullName: string,
	i: number,
): Promise<Set<string>> {
	const named = (c: IDataObject) => simplifyContact(c).fullName === fullName;
	const found = await findContacts(context, fullName, named, Infinity, i);
	return new Set(found.map((c) => contactIdOf(c)!).filter(Boolean));
}

/**
 * Adds a contact and returns it as OMICall holds it. v2 add answers true or false (documented),
 * not the contact, so the new contact is read back by its refId, first phone or first email
 * (each on one contact only). A contact with a name alone is read back as the one with that name
 * that was not there before the add: an older namesake is never taken for it.
 */
export async function addContact(
	context: IExecuteFunctions,
	input: ContactInput,
	i: number,
): Promise<IDataObject> {
	const nameOnly = !input.refId && !input.phones?.length && !input.emails?.length;
	let namesakes: Set<string> | undefined;
	const added = await preferV2(
		context,
		PATHS.v2Add,
		async () => {
			if (nameOnly) namesakes = await idsNamed(context, input.fullName ?? '', i);
			const answer = await omiCallRequest.call(
				context,
				'POST',
				PATHS.v2Add,
				{ body: writeBody(input, 'v2'), needsApiKey: true },
				i,
			);
			if (answer === false)
				throw new NodeOperationError(
					context.getNode(),
					'OMICall did not add the contact (it answered false).',
					{
						itemIndex: i,
						description:
							'OMICall gave no reason. Check the contact in the OMICall portal (a required field of your tenant, say) and run the item again.',
					},
				);
			return null;
		},
		async () =>
			await omiCallRequest.call(context, 'POST', PATHS.v1Add, { body: writeBody(input, 'v1') }, i),
		i,
	);
	if (isObject(added) && contactIdOf(added) !== null) return added;
	const found = input.refId
		? await findByRefId(context, input.refId, i)
		: input.phones?.length
			? await findByPhone(context, input.phones[0].number, i)
			: input.emails?.length
				? await findByEmail(context, input.emails[0].email, i)
				: namesakes
					? await findNewNamesake(context, input.fullName ?? '', namesakes, i)
					: null;
	if (!found)
		throw new NodeOperationError(
			context.getNode(),
			'OMICall accepted the new contact but did not find it when asked for it afterwards.',
			{
				itemIndex: i,
				description: 'Look for the contact in OMICall before running this item again.',
			},
		);
	return found;
}

/** The newest contact with this exact name that is not one of `before`. */
async function findNewNamesake(
	context: IExecuteFunctions,
	fullName: string,
	before: Set<string>,
	i: number,
): Promise<IDataObject | null> {
	const isNew = (c: IDataObject) =>
		simplifyContact(c).fullName === fullName && !before.has(contactIdOf(c) ?? '');
	const found = await findContacts(context, fullName, isNew, Infinity, i);
	const created = (c: IDataObject) => Date.parse(String(simplifyContact(c).createdAt ?? '')) || 0;
	return found.sort((a, b) => created(b) - created(a))[0] ?? null;
}

/** Updates the given fields of a contact (the others stay) and returns it as OMICall holds it then. */
export async function updateContact(
	context: IExecuteFunctions,
	contact: IDataObject,
	input: ContactInput,
	i: number,
): Promise<IDataObject> {
	const id = contactIdOf(contact)!;
	await preferV2(
		context,
		PATHS.v2Update,
		async () =>
			await omiCallRequest.call(
				context,
				'POST',
				PATHS.v2Update,
				{ body: { _id: id, ...writeBody(input, 'v2') }, needsApiKey: true },
				i,
			),
		async () =>
			await omiCallRequest.call(
				context,
				'POST',
				PATHS.v1Update,
				{ body: await v1UpdateBody(context, contact, input, i) },
				i,
			),
		i,
	);
	try {
		return (await findById(context, id, i)) ?? contact;
	} catch (error) {
		// The change is made: say so, or a rerun is taken for the first attempt.
		const { message, description } = asNodeError(context.getNode(), error, i);
		throw new NodeOperationError(
			context.getNode(),
			`OMICall updated the contact, but reading it back failed: ${message}`,
			{ itemIndex: i, description: description ?? undefined },
		);
	}
}

/**
 * v1 update's body. Documented: v1 finds the contact by refId, so a contact that has one and
 * keeps it is named by it alone. Inferred (README, Contact): a contact without a refId, or one
 * whose refId changes, is named by publicId. As v1 would take a refId another contact has for
 * that contact, such a change is refused before anything is sent.
 */
async function v1UpdateBody(
	context: IExecuteFunctions,
	contact: IDataObject,
	input: ContactInput,
	i: number,
): Promise<IDataObject> {
	const id = contactIdOf(contact)!;
	const current = simplifyContact(contact).refId as string | null;
	if (current && (input.refId === undefined || input.refId === current))
		return { refId: current, ...writeBody(input, 'v1') };
	if (input.refId) {
		const holder = await findByRefId(context, input.refId, i);
		if (holder && contactIdOf(holder) !== id)
			throw new NodeOperationError(
				context.getNode(),
				`The reference ID "${input.refId}" is already on another OMICall contact (ID ${contactIdOf(holder)}).`,
				{
					itemIndex: i,
					description:
						'Nothing was changed. A reference ID names one contact; give this contact another one, or change that contact first.',
				},
			);
	}
	return { publicId: id, ...writeBody(input, 'v1') };
}

/** Deletes a contact by its OMICall id (v1, documented). */
export async function deleteContact(context: IExecuteFunctions, id: string, i: number) {
	await omiCallRequest.call(context, 'DELETE', `${PATHS.v1Delete}${encodeURIComponent(id)}`, {}, i);
}
