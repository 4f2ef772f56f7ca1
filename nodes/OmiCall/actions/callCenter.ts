import type {
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeListSearchItems,
	INodeListSearchResult,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isObject, text, toIsoTime } from '../callRecord';
import { phoneKey } from '../phone';
import { listLocator } from './common';
import { omiCallRequest, pageOf } from '../transport';
import { readRequiredLocator } from './input';

/**
 * The call center's directory (omicall-api.md 5, 6): the account's detail, its extensions and
 * the hotlines each extension may call out on; the Extension and Hotline pickers read them.
 *
 * internal_phone/list answers each extension with its SIP password. Extensions are read here only,
 * through extensionsIn(), which keeps the fields it names and nothing else: the password never
 * leaves this file, in an item, a picker's list or an error.
 */

export const TENANT_PATH = '/api/tenant/detail';
const EXTENSIONS_PATH = '/api/call_center/internal_phone/list';
const HOTLINES_PATH = '/api/call_center/hotline/list';
/** Documented: the extension list pages hold 50 by default. */
const PAGE_SIZE = 50;

type Context = IExecuteFunctions | ILoadOptionsFunctions;

export interface Extension {
	extension: string;
	name: string | null;
	email: string | null;
	agentId: string | null;
}

/** The extensions in an internal_phone/list answer: only these fields, never the SIP password. */
export function extensionsIn(payload: unknown): Extension[] {
	return pageOf(payload).items.flatMap((item) => {
		const extension = text(item.sip_user);
		if (extension === null) return [];
		return [
			{
				extension,
				name: text(item.full_name),
				email: text(item.email),
				agentId: text(item.agent_id),
			},
		];
	});
}

/** The account's detail (tenant/detail): package, expiry, balance, public numbers. */
export async function tenantDetail(context: Context, i?: number): Promise<IDataObject> {
	const payload = await omiCallRequest.call(context, 'GET', TENANT_PATH, {}, i);
	return isObject(payload) ? payload : {};
}

/** tenant/detail's public_numbers (documented, omicall-api.md 6): numbers, or {number, provider, status, expire_date}. */
export function publicNumbers(tenant: IDataObject): Array<{
	number: string | null;
	provider: string | null;
	status: string | null;
	expiresAt: string | null;
}> {
	const numbers = Array.isArray(tenant.public_numbers) ? tenant.public_numbers : [];
	return numbers.map((entry) =>
		isObject(entry)
			? {
					number: text(entry.number),
					provider: text(entry.provider),
					status: text(entry.status),
					expiresAt: toIsoTime(entry.expire_date),
				}
			: { number: text(entry), provider: null, status: null, expiresAt: null },
	);
}

/** The account's hotlines, with their provider and status as one line. */
function publicNumbersOf(tenant: IDataObject): Array<{ number: string; detail: string }> {
	return publicNumbers(tenant).flatMap(({ number, provider, status }) =>
		number === null ? [] : [{ number, detail: [provider, status].filter(Boolean).join(', ') }],
	);
}

/** Per execution: the hotlines each extension may use, and the account's, so many items ask once. */
const hotlineCache = new WeakMap<object, Map<string, Promise<string[]>>>();

async function perExecution(
	context: Context,
	key: string,
	load: () => Promise<string[]>,
): Promise<string[]> {
	let cache = hotlineCache.get(context);
	if (!cache) hotlineCache.set(context, (cache = new Map()));
	let hotlines = cache.get(key);
	if (!hotlines) {
		hotlines = load();
		cache.set(key, hotlines);
		// A failure is not kept: the next item asks again.
		hotlines.catch(() => cache.delete(key));
	}
	return await hotlines;
}

/** The hotlines `extension` may call out on (hotline/list?extension=, documented: a string array). */
export async function hotlinesOf(
	context: Context,
	extension: string,
	i?: number,
): Promise<string[]> {
	return await perExecution(context, `extension ${extension}`, async () => {
		const payload = await omiCallRequest.call(
			context,
			'GET',
			HOTLINES_PATH,
			{ qs: { extension } },
			i,
		);
		return (Array.isArray(payload) ? payload : []).map(text).filter((h): h is string => h !== null);
	});
}

/** The account's own hotlines, its public numbers in tenant/detail. */
export async function accountHotlines(context: Context, i?: number): Promise<string[]> {
	return await perExecution(context, 'account', async () =>
		publicNumbersOf(await tenantDetail(context, i)).map(({ number }) => number),
	);
}

/**
 * The hotline `typed` as OMICall lists it among `allowed` ("028 9995 9300" → "842899959300"),
 * or an error listing those that may be used. `owner` names whose hotlines they are.
 */
export function listedHotline(
	context: IExecuteFunctions,
	typed: string,
	allowed: string[],
	owner: { name: string; ask: string },
	i: number,
): string {
	const known = allowed.find((h) => sameNumber(h, typed));
	if (known) return known;
	throw new NodeOperationError(
		context.getNode(),
		allowed.length
			? `${owner.name} may not call out on hotline ${typed}. It may use: ${allowed.join(', ')}.`
			: `${owner.name} may not call out on any hotline.`,
		{
			itemIndex: i,
			description: `Nothing was dialled. Pick the hotline from the list, or ask the OMICall administrator ${owner.ask}.`,
		},
	);
}

/** Two spellings of one hotline ("842899959300", "028 9995 9300") are the same number. */
function sameNumber(a: string, b: string): boolean {
	const left = phoneKey(a);
	return left !== null && left === phoneKey(b);
}

// ── Parameters ──────────────────────────────────────────────────────────────

/** The agent's extension: picked from the call center's extensions, or typed. */
export const extensionField: INodeProperties = listLocator(
	{
		displayName: 'Extension',
		name: 'extension',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		description:
			"The agent's extension: OMICall rings it first, and dials the customer once the agent answers",
		modes: [{ displayName: 'By Extension', name: 'id', type: 'string', placeholder: 'e.g. 100' }],
	},
	{
		placeholder: 'Select an extension…',
		typeOptions: { searchListMethod: 'searchExtensions', searchable: true },
	},
);

/** A hotline: picked from those the chosen extension may use (or the account's), or typed. */
export function hotlineField(
	overrides: Partial<INodeProperties> & Pick<INodeProperties, 'description'>,
): INodeProperties {
	return listLocator(
		{
			displayName: 'Hotline',
			name: 'hotline',
			type: 'resourceLocator',
			default: { mode: 'list', value: '' },
			...overrides,
			modes: [
				{ displayName: 'By Number', name: 'id', type: 'string', placeholder: 'e.g. 842899959300' },
			],
		},
		{
			placeholder: 'Select a hotline…',
			typeOptions: { searchListMethod: 'searchHotlines', searchable: true },
		},
	);
}

/** The extension parameter, or an error saying it is missing. */
export function readExtension(context: IExecuteFunctions, i: number): string {
	return readRequiredLocator(
		context,
		'extension',
		i,
		'Extension',
		"enter the agent's extension, or pick one from the list.",
	);
}

// ── The pickers ─────────────────────────────────────────────────────────────

/** The Extension picker: "100 · Võ Minh Khoa · khoa.100@example.vn"; the search box is OMICall's keyword. */
export async function searchExtensions(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const page = Math.max(1, Number(paginationToken) || 1);
	const keyword = filter?.trim();
	const payload = await omiCallRequest.call(this, 'GET', EXTENSIONS_PATH, {
		qs: { page, size: PAGE_SIZE, ...(keyword ? { keyword } : {}) },
	});
	const extensions = extensionsIn(payload);
	const results: INodeListSearchItems[] = extensions.map((e) => ({
		name: [e.extension, e.name, e.email].filter(Boolean).join(' · '),
		value: e.extension,
	}));
	const { listed, last } = pageOf(payload);
	const more = listed === PAGE_SIZE && !last;
	return { results, paginationToken: more ? String(page + 1) : undefined };
}

/**
 * The Hotline picker: the hotlines the node's extension may call out on, or, with no extension
 * chosen (Auto Call), the account's public numbers from tenant/detail.
 */
export async function searchHotlines(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	let extension = '';
	try {
		const value = this.getCurrentNodeParameter('extension', { extractValue: true });
		extension = typeof value === 'string' ? value.trim() : '';
	} catch {
		extension = ''; // the operation has no extension (Auto Call): the account's numbers
	}
	// An expression is not resolved while editing: list the account's numbers then.
	const hotlines =
		extension && !extension.startsWith('=')
			? (await hotlinesOf(this, extension)).map((number) => ({ number, detail: '' }))
			: publicNumbersOf(await tenantDetail(this));
	// The search box matches the digits of a number ("0247 3001") or its provider ("viettel").
	const digits = filter?.replace(/\D/g, '') ?? '';
	const words = filter?.trim().toLowerCase() ?? '';
	const results = hotlines
		.filter(
			({ number, detail }) =>
				!words ||
				(digits && number.replace(/\D/g, '').includes(digits)) ||
				detail.toLowerCase().includes(words),
		)
		.map(({ number, detail }) => ({
			name: detail ? `${number} (${detail})` : number,
			value: number,
		}));
	return { results };
}
