import type {
	ICredentialDataDecryptedObject,
	INode,
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestHelper,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
	IN8nHttpFullResponse,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeError, NodeOperationError, sleep } from 'n8n-workflow';
import { createHash } from 'crypto';

import { isObject } from '../callRecord';
import { urlOriginOnly, withoutUrls } from '../urlDisplay';

/**
 * The one way this package talks to OMICall: URL joining, authentication through n8n's
 * httpRequestWithAuthentication, the {status_code, payload} envelope, token renewal, rate-limit
 * retries, recording downloads and errors in plain English. No API key, token or recording URL
 * ever goes into an error or a log line from here.
 */

export const CREDENTIAL_TYPE = 'omiCallApi';
export const PRODUCTION_BASE_URL = 'https://public-v1.omicall.com';
export const STAGING_BASE_URL = 'https://public-v1-stg.omicall.com';

const SUCCESS = 9999;
const REQUEST_TIMEOUT_MS = 30_000;

/** OMICall's status_code, which may come as a number or as its text ("9999"). */
function statusCodeIs(statusCode: unknown, expected: number): boolean {
	return (
		statusCode === expected ||
		(typeof statusCode === 'string' && statusCode.trim() === String(expected))
	);
}

/** OMICall's documented error codes, explained for the people who meet them. */
export const OMICALL_ERROR_CODES: Record<string, string> = {
	api_key_is_required:
		'No API key was sent. Enter the API key from the OMICall portal (Account → Settings → API management) in the credential.',
	api_key_invalid:
		'The API key was not accepted. Copy it again from the OMICall portal (Account → Settings → API management) and check that the base URL is the environment the key belongs to (production or staging).',
	request_body_required:
		'OMICall expected a request body and received none or one it could not read.',
	tenant_invalid: 'OMICall does not recognise the account (tenant) this request was made for.',
	// Call history (omicall-api.md 1.3 "history v1", 1.6).
	limit_request_30_minute:
		'OMICall allows only a limited number of call-history requests per 30 minutes, and this account has used them up. Wait (up to 30 minutes) and try again, or fetch fewer pages.',
	from_date_is_required:
		'OMICall needs the start of the time range (From) for this call-history request.',
	to_date_is_required:
		'OMICall needs the end of the time range (To) for this call-history request.',
	date_invalid:
		'OMICall rejected a date in the request. Check that From and To are valid dates and that From is before To.',
	date_is_too_long:
		'The time range is longer than OMICall accepts. Use a shorter range (the call-history list accepts at most 30 days).',
	// Inferred: not in OMICall's docs, the usual spelling for a page size it refuses.
	size_invalid: 'OMICall rejected the page size: it accepts at most 50 items per page.',
	// Click-to-call (omicall-api.md 5): documented codes, meanings read from their names unless noted.
	data_is_required:
		'OMICall needs the extension, the hotline and the phone number to place a call, and one of them was missing or empty.',
	extension_invalid:
		"OMICall does not know this extension. Pick the agent's extension from the list, or check it in the OMICall portal.",
	user_not_registered:
		"The agent's extension is not online: no softphone, IP phone or web app is signed in with it (documented). OMICall rings the agent first, so the agent must be signed in before a call can be placed.",
	user_busy: "The agent's extension is busy on another call. Try again when that call has ended.",
	number_call_out_invalid:
		'OMICall does not allow calling out on this hotline. Pick the hotline from the list: it shows the hotlines that may be used.',
	do_not_call:
		"The customer's number is on OMICall's do-not-call list, so OMICall did not call it.",
	// Auto call (omicall-api.md 8): documented codes. Which of limit_word and limit_word_session is
	// the daily and which the per-call limit is read from their names (inferred, open question 10).
	limit_service:
		"This account's OMICall service package cannot make auto calls (a trial package cannot). Upgrade the package with OMICall.",
	limit_word:
		"This account has used up today's text-to-speech characters (OMICall allows 3,000 a day). Try again tomorrow, or play a recording instead.",
	limit_word_session:
		'The text-to-speech message is longer than OMICall allows in one auto call (300 characters). Shorten it.',
	balance_is_not_enough:
		'The balance of this OMICall account is too low for these calls. Top it up in the OMICall portal.',
	// Contacts v2 (omicall-api.md 1.3, 7; observed).
	phone_or_email_assigned_on_other_contact:
		'A phone number or email given is already on another OMICall contact: OMICall allows each on one contact only.',
	// From VIHAT's own error map (omicall-api.md 1.3, "any").
	tenant_disabled:
		'This OMICall account (tenant) is disabled. Contact OMICall or the account owner.',
	individual_package_expired:
		'The OMICall service package of this account has expired. Renew it in the OMICall portal or with OMICall; signing in again does not help.',
	service_package_customer_limit:
		'The OMICall service package of this account has reached its limit.',
	permission_denied:
		'The API key of this credential is not allowed to do this in OMICall. Check its permissions in the OMICall portal.',
	rate_limit_exceeded:
		'OMICall is limiting how often this account may call its API. Wait a little and try again, or call it less often.',
	resource_not_found:
		'OMICall did not find what the request asked for: check the ID, and that it belongs to this account.',
};

/**
 * Error codes taken as a refused token, besides HTTP 401 and status_code 401. Inferred
 * (omicall-api.md 1.2): OMICall documents none; VIHAT's own client renews on token_expired, the
 * rest are the usual spellings. Anything else (package_expired, say) is about the account, and
 * signing in again would not help.
 */
const TOKEN_REFUSED_CODES: ReadonlySet<string> = new Set([
	'token_expired',
	'access_token_expired',
	'token_invalid',
	'invalid_token',
	'unauthorized',
	'auth_invalid',
	'jwt_expired',
]);

/**
 * An http:// base URL whose host is not loopback (127.0.0.0/8, localhost, [::1]): the API key and
 * tokens would cross the network unencrypted. Written without flags or dynamic parts because the
 * credential's notice uses the same pattern through n8n's displayOptions `_cnd.regex`.
 */
export const PLAIN_HTTP_REMOTE =
	/^\s*[hH][tT][tT][pP]:\/\/(?!(?:[^/?#@]*@)?(?:[lL][oO][cC][aA][lL][hH][oO][sS][tT]|127(?:\.\d{1,3}){3}|\[::1\])(?::\d*)?(?:[/?#]|\s*$))/;

/**
 * A base URL with user info (user:password@), a query or a fragment, which baseUrlProblem refuses.
 * An expression (=…) is left to the check at run time. Without flags or dynamic parts: the
 * credential's notice uses it through `_cnd.regex`.
 */
export const BASE_URL_WITH_EXTRAS = /^(?!\s*=)(?:\s*[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#\\]*@|.*[?#])/;

export interface OmiCallEnvelope {
	status_code?: unknown;
	message?: unknown;
	payload?: unknown;
}

type OmiCallContext = IExecuteFunctions | IHookFunctions | ILoadOptionsFunctions | IPollFunctions;

export interface OmiCallRequestOptions {
	qs?: IDataObject;
	body?: IDataObject;
	/**
	 * The endpoint needs the raw API key (x-api-key), not only the Bearer token: v3 call search,
	 * for one. In Access Token mode the credential has no key, so the request fails unsent.
	 */
	needsApiKey?: boolean;
}

export function joinUrl(baseUrl: unknown, path: string): string {
	const base =
		String(baseUrl ?? '')
			.trim()
			.replace(/\/+$/, '') || PRODUCTION_BASE_URL;
	return `${base}${path}`;
}

/** The texts where OMICall puts an error code: message, payload.error, payload.message, in that order. */
function omiCallCodes(envelope: OmiCallEnvelope): string[] {
	const payload =
		envelope.payload && typeof envelope.payload === 'object'
			? (envelope.payload as IDataObject)
			: {};
	return [envelope.message, payload.error, payload.message].filter(
		(v): v is string => typeof v === 'string' && v !== '',
	);
}

/** A machine code such as date_is_too_long, as opposed to human text ("Please check your input"). */
const CODE_LIKE = /^[A-Za-z][A-Za-z0-9_.-]*$/;

function isKnownCode(code: string): boolean {
	const lower = code.trim().toLowerCase();
	return (
		Object.hasOwn(OMICALL_ERROR_CODES, code) ||
		TOKEN_REFUSED_CODES.has(lower) ||
		isRateLimitCode(lower)
	);
}

/**
 * A documented code that says why, other than a refused token: an expired package, a disabled
 * tenant, a missing permission, a rate limit. OMICall may send one with HTTP 401 too; signing in
 * again would not help, so it is explained instead.
 */
function isExplainedNonTokenCode(code: string): boolean {
	const trimmed = code.trim();
	return (
		Object.hasOwn(OMICALL_ERROR_CODES, trimmed) && !TOKEN_REFUSED_CODES.has(trimmed.toLowerCase())
	);
}

/** The most of OMICall's own text (or of another error's) that goes into a message. */
const QUOTE_MAX_CHARS = 200;
/** A JSON Web Token, the shape of OMICall's access tokens: masked wherever it turns up. */
const JWT = /\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g;

/**
 * Text from OMICall (a message, a code, a status_code) or from another library, made fit for an
 * error or a log line: the credential's secrets it echoes masked, every URL cut to its scheme and
 * host however it is written, and any query string dropped (a webhook URL is a secret of its own,
 * see withoutUrls), control characters flattened and the length capped.
 */
export function quoteSafely(text: string, secrets: readonly unknown[] = []): string {
	let safe = text;
	for (const secret of secrets) {
		const value = typeof secret === 'string' ? secret.trim() : '';
		if (value.length < 4) continue;
		// As given, URL-encoded and base64-encoded, in any case.
		const spellings = [value, encodeURIComponent(value), Buffer.from(value).toString('base64')];
		for (const spelling of new Set(spellings))
			safe = safe.replace(new RegExp(spelling.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), '***');
	}
	safe = withoutUrls(safe.replace(JWT, '***'))
		.replace(/[\x00-\x1f\x7f]+/g, ' ')
		.trim();
	return safe.length > QUOTE_MAX_CHARS ? `${safe.slice(0, QUOTE_MAX_CHARS - 1).trimEnd()}…` : safe;
}

/** "<explanation> (OMICall code: <code>)", the code quoted safely. */
function explainFailure(code: string | undefined, secrets: readonly unknown[]): string {
	if (code === undefined) return explainOmiCallCode(undefined);
	const quoted = quoteSafely(code, secrets);
	return `${explainOmiCallCode(quoted)} (OMICall code: ${quoted})`;
}

/**
 * OMICall's error code, from whichever of its three places holds one: a code this package knows
 * first, then anything shaped like a code, then whatever text there is. OMICall puts human text
 * beside the code (payload.message "Please check your input param" next to payload.error).
 */
export function omiCallMessage(envelope: OmiCallEnvelope): string | undefined {
	const texts = omiCallCodes(envelope);
	return texts.find(isKnownCode) ?? texts.find((t) => CODE_LIKE.test(t)) ?? texts[0];
}

export function explainOmiCallCode(code: string | undefined): string {
	if (code === undefined) return 'OMICall reported a failure without saying why.';
	return Object.hasOwn(OMICALL_ERROR_CODES, code)
		? OMICALL_ERROR_CODES[code]
		: `OMICall answered with the error "${code}".`;
}

function isEnvelope(body: unknown): body is OmiCallEnvelope {
	return typeof body === 'object' && body !== null && !Array.isArray(body) && 'status_code' in body;
}

/** One page of a list answer (documented, omicall-api.md 1.4), read the same way by every list. */
export interface OmiCallPage {
	/** The records: `items` of the payload, or the payload itself when it is a list. */
	items: IDataObject[];
	/** How many entries the page listed, records or not: a page is short by this count. */
	listed: number;
	/** The page meta says there is no next page, in either spelling (hasNext, has_next). */
	last: boolean;
	/** How many records the whole list holds, in either spelling (totalItems, total_items); null when absent. */
	total: number | null;
}

export function pageOf(payload: unknown): OmiCallPage {
	const list: unknown[] = Array.isArray(payload)
		? payload
		: isObject(payload) && Array.isArray(payload.items)
			? payload.items
			: [];
	const meta = isObject(payload) ? payload : {};
	const total = meta.totalItems ?? meta.total_items;
	return {
		items: list.filter(isObject),
		listed: list.length,
		last: meta.hasNext === false || meta.has_next === false,
		total: typeof total === 'number' && Number.isInteger(total) && total >= 0 ? total : null,
	};
}

const NOT_A_VALID_BASE_URL = `The base URL in the OMICall credential is not a valid URL. Enter the address of OMICall's API, with https://, for example ${PRODUCTION_BASE_URL}.`;

/**
 * Why the credential's base URL cannot be used, or undefined when it can (empty means
 * production). It must be an http(s) address, and it may have a path (a proxy's), but no user
 * name or password, query or fragment: OMICall's API takes none of them, the request paths are
 * appended to it, and they are where proxies and gateways keep secrets.
 */
export function baseUrlProblem(baseUrl: unknown): string | undefined {
	const raw = String(baseUrl ?? '').trim();
	if (!raw) return undefined;
	let url: URL | undefined;
	try {
		url = new URL(raw);
	} catch {
		url = undefined;
	}
	const authority = /^https?:\/\/([^/?#\\]+)/i.exec(raw);
	if (
		!url ||
		!authority ||
		(url.protocol !== 'https:' && url.protocol !== 'http:') ||
		!url.hostname
	)
		return NOT_A_VALID_BASE_URL;
	const where = `The base URL in the OMICall credential (${url.protocol}//${url.host})`;
	const fix = `Remove it: the base URL is the address of OMICall's API alone, for example ${PRODUCTION_BASE_URL}.`;
	if (authority[1].includes('@')) {
		return `${where} contains a user name or password (user:password@), which OMICall's API does not take. ${fix.replace('Remove it', 'Remove them')}`;
	}
	if (raw.includes('?'))
		return `${where} contains a query (the part from "?"), which OMICall's API does not take. ${fix}`;
	if (raw.includes('#'))
		return `${where} contains a fragment (the part from "#"), which OMICall's API does not take. ${fix}`;
	return undefined;
}

/** Codes of a request that never got an answer because the network or the host failed it. */
const UNREACHABLE_CODES: ReadonlySet<string> = new Set([
	'EHOSTUNREACH',
	'ENETUNREACH',
	'EHOSTDOWN',
	'ENETDOWN',
	'EADDRNOTAVAIL',
]);
const TIMEOUT_CODES: ReadonlySet<string> = new Set([
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'UND_ERR_CONNECT_TIMEOUT',
	'UND_ERR_HEADERS_TIMEOUT',
	'UND_ERR_BODY_TIMEOUT',
]);
/** Node's codes for a TLS connection that was refused: a certificate that is expired, self-signed, for another host… */
const TLS_CODE =
	/^(?:CERT_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_(?:GET|VERIFY)_|ERR_TLS_|ERR_SSL_|EPROTO$)/;

/** Requests that failed after they may have reached OMICall: see mayHaveReachedOmiCall. */
const unansweredRequests = new WeakSet<object>();

/**
 * Codes of a request whose answer was lost once it had been sent: a dropped connection, a timeout
 * waiting for the answer. Not a refused connection, an unknown host or n8n's own refusal to send.
 */
const ANSWER_LOST: ReadonlySet<string> = new Set([
	'ECONNRESET',
	'EPIPE',
	'ECONNABORTED',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'UND_ERR_SOCKET',
	'UND_ERR_HEADERS_TIMEOUT',
	'UND_ERR_BODY_TIMEOUT',
]);

/** Whether the credential sends the raw API key (API Key mode), not only an access token. */
export function usesApiKey(credentials: ICredentialDataDecryptedObject): boolean {
	return credentials.authentication !== 'accessToken';
}

/**
 * Whether a failed omiCallRequest may have been carried out by OMICall all the same: its answer
 * was lost (a dropped connection, a timeout) or was a server error (HTTP 5xx) without one of
 * OMICall's documented codes. Not when the request never reached OMICall (connection refused,
 * unknown host, a TLS refusal, a failed sign-in) or OMICall refused it with a code.
 */
export function mayHaveReachedOmiCall(error: unknown): boolean {
	if (typeof error === 'object' && error !== null && unansweredRequests.has(error)) return true;
	if (!(error instanceof NodeApiError) || Number(error.httpCode) < 500) return false;
	const code = omiCallCodeOf(error);
	return !(code !== undefined && Object.hasOwn(OMICALL_ERROR_CODES, code));
}

// ── What an error says ──────────────────────────────────────────────────────

/** OMICall's error code in an error the transport threw, if OMICall gave one. */
export function omiCallCodeOf(error: unknown): string | undefined {
	const response = (error as { errorResponse?: { omiCallCode?: unknown } } | undefined)
		?.errorResponse;
	return typeof response?.omiCallCode === 'string' ? response.omiCallCode : undefined;
}

/** The HTTP status of OMICall's answer in an error the transport threw; undefined when there was no answer. */
export function httpCodeOf(error: unknown): number | undefined {
	if (!(error instanceof NodeApiError)) return undefined;
	const code = Number(error.httpCode);
	return Number.isInteger(code) && code > 0 ? code : undefined;
}

/** Codes OMICall may answer for a record it does not know (the vendor's, the usual spellings). */
export function isNotFoundCode(code: string | undefined): boolean {
	return (
		!!code &&
		/(^|_)(not_?found|not_?exists?|does_?not_?exist)($|_)|^transaction_?(id_)?invalid$/i.test(code)
	);
}

/**
 * Whether an error says OMICall has no such record, as opposed to no such route: a not-found code
 * not carried by HTTP 404, which is how a missing route or method answers (`not_found`).
 */
export function isAbsentError(error: unknown): boolean {
	return isNotFoundCode(omiCallCodeOf(error)) && httpCodeOf(error) !== 404;
}

/**
 * Whether an error says the route is not there (HTTP 404, 405 or 501, or the bare code
 * `not_found`), as opposed to an answer about the record asked for.
 */
export function isMissingRoute(error: unknown): boolean {
	const http = httpCodeOf(error);
	if (http === 404 || http === 405 || http === 501) return true;
	return /^(api_|endpoint_)?not_?found$/i.test(omiCallCodeOf(error) ?? '');
}

/** The code and the message of an error, through the causes n8n wraps it in (the innermost message). */
function errorReason(error: unknown): { code: string; message: string } {
	let code = '';
	let message = '';
	for (
		let e = error as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0;
		e && typeof e === 'object' && depth < 5;
		e = e.cause as typeof e, depth++
	) {
		if (!code && typeof e.code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(e.code)) code = e.code;
		if (typeof e.message === 'string' && e.message.trim()) message = e.message;
	}
	return { code, message };
}

/**
 * Why a request got no OMICall answer, naming the base URL by its scheme and host only. "Could
 * not reach" is said only for network failures; any other error (n8n's "Domain not allowed", for
 * one) keeps its own reason, without URLs or the credential's secrets.
 */
function describeNetworkError(
	error: unknown,
	baseUrl: string,
	secrets: readonly unknown[],
): string {
	const where = urlOriginOnly(baseUrl);
	const { code, message } = errorReason(error);
	if (code === 'ECONNREFUSED')
		return `Could not reach OMICall at ${where}: the connection was refused. Check the base URL in the credential.`;
	if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
		return `Could not reach OMICall at ${where}: the host name could not be resolved. Check the base URL in the credential.`;
	if (
		TIMEOUT_CODES.has(code) ||
		((code === '' || code === 'ECONNABORTED') && /\btime(?:d ?)?out\b/i.test(message))
	) {
		return `OMICall at ${where} did not answer within ${REQUEST_TIMEOUT_MS / 1000} seconds.`;
	}
	if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED')
		return `OMICall at ${where} closed the connection before answering.`;
	if (UNREACHABLE_CODES.has(code))
		return `Could not reach OMICall at ${where}: the network has no route to that host (${code}). Check the base URL in the credential and that n8n can reach that host.`;
	if (TLS_CODE.test(code))
		return `Could not reach OMICall at ${where} securely: its TLS certificate or connection was not accepted (${code}). Check the base URL in the credential.`;
	if (code === 'ERR_INVALID_URL') return NOT_A_VALID_BASE_URL;
	const reason = quoteSafely(message, secrets);
	if (!reason) return `The request to OMICall at ${where} failed${code ? ` (${code})` : ''}.`;
	return `The request to OMICall at ${where} failed: ${reason}${/[.!?…]$/.test(reason) ? '' : '.'}`;
}

/**
 * Exchanges an API key for the 24-hour access token (GET /api/auth?apiKey=). Called by the
 * credential's preAuthentication, so it has n8n's request helper but no node.
 */
export async function fetchAccessToken(
	helpers: IHttpRequestHelper['helpers'],
	baseUrl: unknown,
	apiKey: unknown,
): Promise<string> {
	const problem = baseUrlProblem(baseUrl);
	if (problem) throw authError(problem);
	if (typeof apiKey !== 'string' || !apiKey.trim())
		throw authError(explainOmiCallCode('api_key_is_required'));
	const secrets = [apiKey];
	const url = joinUrl(baseUrl, '/api/auth');
	const signIn = async (): Promise<IN8nHttpFullResponse> => {
		try {
			return (await helpers.httpRequest({
				method: 'GET',
				url,
				qs: { apiKey: apiKey.trim() },
				headers: { 'Content-Type': 'application/json' },
				json: true,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				// The key is in the query: it goes to the base URL's host and nowhere else.
				disableFollowRedirect: true,
				timeout: REQUEST_TIMEOUT_MS,
			})) as IN8nHttpFullResponse;
		} catch (error) {
			throw authError(describeNetworkError(error, joinUrl(baseUrl, ''), secrets));
		}
	};
	// preAuthentication has no node, hence no execution to cancel the waits with.
	const response = await retryRateLimited(await signIn(), signIn, undefined, (limited) =>
		authError(rateLimitMessage(limited, secrets)),
	);
	const redirect = redirectOf(response, url);
	if (redirect) {
		throw authError(
			`OMICall's sign-in (/api/auth) answered with ${redirect}, which the node does not follow, so that the API key goes nowhere else. Check the base URL in the credential.`,
		);
	}
	const body = response.body;
	if (!isEnvelope(body)) {
		throw authError(
			`OMICall's sign-in (/api/auth) answered HTTP ${response.statusCode} with something that is not OMICall JSON. Check the base URL in the credential.`,
		);
	}
	const token = (body.payload as IDataObject | undefined)?.access_token;
	if (!statusCodeIs(body.status_code, SUCCESS) || typeof token !== 'string' || !token) {
		throw authError(explainFailure(omiCallMessage(body), secrets));
	}
	return token;
}

/**
 * Which base URL and API key a session token was fetched with, kept next to the token. n8n keeps
 * hidden fields when somebody edits the credential, so without it a token of the previous key
 * (another OMICall account, perhaps) would go on being used until it expired.
 */
export function sessionOwner(baseUrl: unknown, apiKey: unknown): string {
	return createHash('sha256')
		.update(`${joinUrl(baseUrl, '')}\n${String(apiKey ?? '').trim()}`)
		.digest('hex');
}

/**
 * The error with the message this package wrote. NodeApiError swaps a message that merely contains
 * one of Node's error codes (EHOSTUNREACH, ENOTFOUND…), in any case and anywhere, even in a host
 * name or in quoted text, for a generic sentence of its own, which would lose which host and why.
 */
function keepMessage(error: NodeApiError, message: string): NodeApiError {
	error.message = message;
	return error;
}

/** A sign-in failure met outside any node (the credential's preAuthentication has none). */
export class OmiCallAuthError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'OmiCallAuthError';
	}
}

/**
 * The lint gate wants NodeApiError in catch blocks, but preAuthentication has no node to give
 * one; every sign-in failure is built here, and the transport turns it into a NodeApiError.
 */
function authError(message: string): OmiCallAuthError {
	return new OmiCallAuthError(message);
}

/** The message of an OmiCallAuthError, wherever n8n has wrapped it on the way. */
function findAuthError(error: unknown): OmiCallAuthError | undefined {
	for (
		let e = error as { cause?: unknown } | undefined, depth = 0;
		e && depth < 5;
		e = e.cause as typeof e, depth++
	) {
		if (e instanceof OmiCallAuthError || (e as Error).name === 'OmiCallAuthError')
			return e as OmiCallAuthError;
	}
	return undefined;
}

/**
 * Calls OMICall and returns the envelope's payload.
 *
 * - HTTP 204 (No Content) resolves to `null`: OMICall's answer for an empty result (v3 search).
 *   Type T as `X | null` for an endpoint that may answer so.
 * - A refused token is renewed exactly once in API Key mode, whether OMICall said so with HTTP 401
 *   or with HTTP 200 and -9999: the retry hands n8n the credential with an empty token, so n8n
 *   runs preAuthentication and stores the new one.
 * - A rate limit (HTTP 429, rate_limit_exceeded, limit_request_*) is retried at most
 *   `rateLimitRetry.retries` times with exponential backoff, or after the Retry-After OMICall
 *   asks for when that is no longer than `rateLimitRetry.maxDelayMs`; then the request fails
 *   with an error naming the limit. No other error is retried.
 * - `options.needsApiKey`: the endpoint needs the raw key (x-api-key). The credential sends it on
 *   every request in API Key mode; in Access Token mode there is none, so this fails unsent.
 *
 * Every failure is a NodeApiError (or NodeOperationError) in plain English, with `itemIndex`.
 */
export async function omiCallRequest<T = unknown>(
	this: OmiCallContext,
	method: IHttpRequestMethods,
	path: string,
	options: OmiCallRequestOptions = {},
	itemIndex?: number,
): Promise<T> {
	const node = this.getNode();
	const credentials = await this.getCredentials<ICredentialDataDecryptedObject>(CREDENTIAL_TYPE);
	const problem = baseUrlProblem(credentials.baseUrl);
	if (problem) {
		throw new NodeOperationError(node, problem, {
			itemIndex,
			description: `Nothing was sent to OMICall. Fix the base URL in the OMICall credential; the production address is ${PRODUCTION_BASE_URL}, staging is ${STAGING_BASE_URL}.`,
		});
	}
	const baseUrl = joinUrl(credentials.baseUrl, '');
	const where = urlOriginOnly(baseUrl);
	const withApiKey = usesApiKey(credentials);
	// What OMICall's text or another error may echo, masked before it is quoted.
	const secrets = [credentials.apiKey, credentials.sessionToken, credentials.accessToken];
	if (options.needsApiKey && !withApiKey) {
		throw new NodeOperationError(
			node,
			'This OMICall request needs the API key: set the Authentication of the OMICall credential to "API Key".',
			{
				itemIndex,
				description: `OMICall accepts ${method} ${path} only with the account's API key (the x-api-key header); an access token alone is not enough. In API Key mode the node also renews the 24-hour access token by itself.`,
			},
		);
	}
	warnIfPlainHttp(this, credentials.baseUrl);
	const request: IHttpRequestOptions = {
		method,
		url: joinUrl(credentials.baseUrl, path),
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		// n8n sends Authorization on to a redirect's host, and every other header (x-api-key) too.
		disableFollowRedirect: true,
		timeout: REQUEST_TIMEOUT_MS,
	};
	if (options.qs) request.qs = options.qs;
	if (options.body) request.body = options.body;

	const fail = (message: string, description: string, extra: JsonObject = {}): NodeApiError =>
		keepMessage(
			new NodeApiError(
				node,
				{ message, description, ...extra },
				{ message, description, itemIndex },
			),
			message,
		);
	const quote = (text: unknown) => quoteSafely(String(text), secrets);

	/** Sends the request; with `data`, as that credential data instead of what n8n has stored. */
	const send = async (data?: ICredentialDataDecryptedObject): Promise<IN8nHttpFullResponse> => {
		const nodeCredential = node.credentials?.[CREDENTIAL_TYPE];
		const override = data
			? {
					credentialsDecrypted: {
						id: nodeCredential?.id ?? '',
						name: nodeCredential?.name ?? '',
						type: CREDENTIAL_TYPE,
						data,
					},
				}
			: undefined;
		try {
			return (await this.helpers.httpRequestWithAuthentication.call(
				this,
				CREDENTIAL_TYPE,
				{ ...request },
				override,
			)) as IN8nHttpFullResponse;
		} catch (error) {
			const auth = findAuthError(error);
			if (auth) {
				const signInError = fail(auth.message, SIGN_IN_FAILED);
				signInFailures.add(signInError);
				throw signInError;
			}
			const failed = fail(
				describeNetworkError(error, baseUrl, secrets),
				`The request was ${method} ${path}.`,
			);
			const { code, message } = errorReason(error);
			if (ANSWER_LOST.has(code) || (!code && /\btime(?:d ?)?out\b/i.test(message)))
				unansweredRequests.add(failed);
			throw failed;
		}
	};

	// The base URL and API key this request was made with: a token is used only if it was fetched with them.
	const owner = sessionOwner(credentials.baseUrl, credentials.apiKey);
	const renew = async () =>
		await renewOnce(node.credentials?.[CREDENTIAL_TYPE]?.id, owner, credentials.sessionToken, {
			// An empty token makes n8n run preAuthentication, which signs in with this request's key.
			renew: async () => await send({ ...credentials, sessionToken: '' }),
			// The stored token, sent with this request's own data (its key in x-api-key).
			retryWith: async (stored) =>
				await send({
					...credentials,
					sessionToken: stored.sessionToken,
					sessionOwner: stored.sessionOwner,
				}),
			stored: async () => {
				const current = await this.getCredentials<ICredentialDataDecryptedObject>(CREDENTIAL_TYPE);
				return { sessionToken: current.sessionToken, sessionOwner: current.sessionOwner };
			},
			// A request that waited for a failed sign-in reports that failure, not its old token's refusal.
			afterFailedRenewal: (error) => {
				if (error instanceof NodeApiError && signInFailures.has(error))
					throw fail(error.message, SIGN_IN_FAILED);
			},
		});
	// One renewal per request, however many rate-limit retries it makes.
	let renewed = false;
	const sendRenewingOnce = async (first: boolean): Promise<IN8nHttpFullResponse> => {
		// A token fetched with the credential's previous API key or base URL counts as refused unsent.
		const staleToken =
			first &&
			withApiKey &&
			Boolean(credentials.sessionToken) &&
			credentials.sessionOwner !== owner;
		// With the data read above: n8n would otherwise decrypt the credential a second time per request.
		const answer = staleToken ? undefined : await send(credentials);
		if (renewed || (answer && !(withApiKey && isTokenRefused(answer))))
			return answer as IN8nHttpFullResponse;
		renewed = true;
		return await renew();
	};

	const response = await retryRateLimited(
		await sendRenewingOnce(true),
		async () => await sendRenewingOnce(false),
		executionCancelSignal(this),
		(limited) => {
			const body = limited.response.body;
			const answered = isEnvelope(body)
				? `OMICall answered ${method} ${path} with HTTP ${limited.response.statusCode} and status_code ${quote(body.status_code)}.`
				: `OMICall answered ${method} ${path} with HTTP ${limited.response.statusCode}.`;
			const explained = Object.hasOwn(OMICALL_ERROR_CODES, limited.limit)
				? `${OMICALL_ERROR_CODES[limited.limit]} `
				: '';
			return fail(rateLimitMessage(limited, secrets), `${explained}${answered}`, {
				httpCode: String(limited.response.statusCode),
				omiCallCode: limited.limit === 'HTTP 429' ? null : quote(limited.limit),
			});
		},
	);

	const redirect = redirectOf(response, request.url);
	if (redirect) {
		throw fail(
			`OMICall answered ${method} ${path} with ${redirect}, which the node does not follow, so that the API key and the token go nowhere else.`,
			`Check the base URL in the credential (${where}): it must be the address OMICall's API answers on itself, with https://, for example ${PRODUCTION_BASE_URL}.`,
			{ httpCode: String(response.statusCode) },
		);
	}
	const body = response.body;
	if (isTokenRefused(response)) {
		const code = isEnvelope(body) ? omiCallMessage(body) : undefined;
		const detail = code ? ` (OMICall code: ${quote(code)})` : '';
		if (!withApiKey) {
			throw fail(
				`OMICall rejected the access token${detail}.`,
				'Access tokens expire every 24 hours. Paste a fresh token into the credential, or switch its Authentication to "API Key" so the node renews the token by itself.',
				{ httpCode: String(response.statusCode) },
			);
		}
		throw fail(
			`OMICall rejected the access token even after renewing it with the API key${detail}.`,
			'Check that the API key is still active in the OMICall portal (Account → Settings → API management).',
			{ httpCode: String(response.statusCode) },
		);
	}
	// Observed on v3 search: no calls in the range is HTTP 204 with no body.
	if (response.statusCode === 204) return null as T;
	if (!isEnvelope(body)) {
		const kind =
			typeof body === 'string' && body.trim() ? 'something that is not JSON' : 'an empty answer';
		throw fail(
			`OMICall answered ${method} ${path} with ${kind} (HTTP ${response.statusCode}).`,
			`Check that the base URL in the credential (${where}) is OMICall's API, for example ${PRODUCTION_BASE_URL}.`,
			{ httpCode: String(response.statusCode) },
		);
	}
	if (response.statusCode >= 400 || !statusCodeIs(body.status_code, SUCCESS)) {
		const code = omiCallMessage(body);
		throw fail(
			explainFailure(code, secrets),
			`OMICall answered ${method} ${path} with HTTP ${response.statusCode} and status_code ${quote(body.status_code)}.`,
			{
				httpCode: String(response.statusCode),
				omiCallCode: code === undefined ? null : quote(code),
			},
		);
	}
	return body.payload as T;
}

/** How the transport retries rate-limited requests. Tests replace `sleep` to record the waits. */
export interface RateLimitPolicy {
	/** Retries after the first refusal; 3 means at most 4 requests. */
	retries: number;
	/** The first backoff; each next one doubles. */
	firstDelayMs: number;
	/** The longest single wait: the backoff stops growing there, and a longer Retry-After is not waited for. */
	maxDelayMs: number;
	sleep: (ms: number, abortSignal?: AbortSignal) => Promise<void>;
}

/** 3 retries after 1 s, 2 s and 4 s (7 s in all), or as OMICall's Retry-After says up to 60 s. */
export const rateLimitRetry: RateLimitPolicy = {
	retries: 3,
	firstDelayMs: 1000,
	maxDelayMs: 60_000,
	sleep: async (ms, abortSignal) => await sleep(ms, abortSignal),
};

export type RateLimitDecision =
	| { retry: true; waitMs: number }
	| { retry: false; reason: 'retries-exhausted' }
	| { retry: false; reason: 'wait-too-long'; waitMs: number };

/** Whether, and after how long, to retry a rate-limited request that has been retried `retriesDone` times. */
export function decideRateLimitRetry(
	retriesDone: number,
	retryAfterMs: number | undefined,
	policy: Pick<RateLimitPolicy, 'retries' | 'firstDelayMs' | 'maxDelayMs'> = rateLimitRetry,
): RateLimitDecision {
	if (retriesDone >= policy.retries) return { retry: false, reason: 'retries-exhausted' };
	if (retryAfterMs !== undefined) {
		return retryAfterMs > policy.maxDelayMs
			? { retry: false, reason: 'wait-too-long', waitMs: retryAfterMs }
			: { retry: true, waitMs: retryAfterMs };
	}
	return {
		retry: true,
		waitMs: Math.min(policy.firstDelayMs * 2 ** retriesDone, policy.maxDelayMs),
	};
}

/**
 * Retry-After as milliseconds to wait: delay-seconds ("120", decimals tolerated) or an HTTP date
 * (a past date means now). Undefined when absent or unreadable, so the backoff applies.
 */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | undefined {
	const text = (Array.isArray(value) ? value[0] : value) as unknown;
	if (typeof text !== 'string' || !text.trim()) return undefined;
	const trimmed = text.trim();
	if (/^\d+(?:\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
	// A date has letters (a weekday, a month); bare numbers of other shapes ("-5") are not one.
	if (!/[A-Za-z]{3}/.test(trimmed) || /^[+-]?Infinity$|^NaN$/.test(trimmed)) return undefined;
	const at = Date.parse(trimmed);
	return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function isRateLimitCode(code: string): boolean {
	return code === 'rate_limit_exceeded' || code.startsWith('limit_request_');
}

/**
 * The limit that refused a request, or undefined when it was not refused for its rate: an OMICall
 * code (rate_limit_exceeded, limit_request_*) from any of its three places or as the whole body,
 * else "HTTP 429". Auto-call quotas (limit_service, limit_word…) are not rates: waiting does not
 * lift them. A success is never a rate limit, whatever its message says.
 */
export function rateLimitOf(response: { statusCode: number; body: unknown }): string | undefined {
	const { statusCode, body } = response;
	if (isEnvelope(body) && statusCodeIs(body.status_code, SUCCESS) && statusCode < 400)
		return undefined;
	let texts: string[] = [];
	if (typeof body === 'string') texts = [body.trim()];
	else if (body && typeof body === 'object' && !Array.isArray(body))
		texts = omiCallCodes(body as OmiCallEnvelope);
	const code = texts.map((t) => t.trim()).find((t) => isRateLimitCode(t.toLowerCase()));
	if (code) return code;
	return statusCode === 429 ? 'HTTP 429' : undefined;
}

/** "a redirect (HTTP 301) to https://host/…" for a 3xx answer, naming only where it leads. */
function redirectOf(response: IN8nHttpFullResponse, requestUrl: string): string | undefined {
	if (response.statusCode < 300 || response.statusCode >= 400 || response.statusCode === 304)
		return undefined;
	const location = headerValue(response, 'location');
	let target = '';
	if (typeof location === 'string' && location.trim()) {
		try {
			target = ` to ${urlOriginOnly(new URL(location.trim(), requestUrl).href)}`;
		} catch {
			target = '';
		}
	}
	return `a redirect (HTTP ${response.statusCode})${target}`;
}

function headerValue(response: IN8nHttpFullResponse, name: string): unknown {
	const headers = (response.headers ?? {}) as Record<string, unknown>;
	const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
	return key === undefined ? undefined : headers[key];
}

/** n8n's signal for a cancelled execution, where the context has one (n8n 1.x contexts may not). */
function executionCancelSignal(context: OmiCallContext): AbortSignal | undefined {
	const withSignal = context as { getExecutionCancelSignal?: () => AbortSignal | undefined };
	return typeof withSignal.getExecutionCancelSignal === 'function'
		? withSignal.getExecutionCancelSignal()
		: undefined;
}

/** "7 s", "0.5 s", "30 min": a wait as people read it. */
function formatDuration(ms: number): string {
	if (ms >= 120_000) return `${Math.ceil(ms / 60_000)} min`;
	return `${Number((ms / 1000).toFixed(1))} s`;
}

/** A rate-limited answer that will not be retried, and what was tried before it. */
interface RateLimited {
	limit: string;
	response: IN8nHttpFullResponse;
	retriesDone: number;
	waitedMs: number;
	decision: Exclude<RateLimitDecision, { retry: true }>;
}

/**
 * Sends again, after the wait rateLimitRetry decides, for as long as the answer is a rate limit
 * and the policy allows; returns the first other answer, or throws what `refuse` makes.
 */
async function retryRateLimited(
	first: IN8nHttpFullResponse,
	sendAgain: () => Promise<IN8nHttpFullResponse>,
	abortSignal: AbortSignal | undefined,
	refuse: (limited: RateLimited) => Error,
): Promise<IN8nHttpFullResponse> {
	let response = first;
	let waitedMs = 0;
	for (let retriesDone = 0; ; retriesDone++) {
		const limit = rateLimitOf(response);
		if (!limit) return response;
		const decision = decideRateLimitRetry(
			retriesDone,
			parseRetryAfter(headerValue(response, 'retry-after')),
		);
		if (!decision.retry) throw refuse({ limit, response, retriesDone, waitedMs, decision });
		await rateLimitRetry.sleep(decision.waitMs, abortSignal);
		waitedMs += decision.waitMs;
		response = await sendAgain();
	}
}

/** The error message of a request OMICall kept rate-limiting, naming the limit and what was tried. */
function rateLimitMessage(
	{ limit: code, retriesDone, waitedMs, decision }: RateLimited,
	secrets: readonly unknown[],
): string {
	const limit = quoteSafely(code, secrets);
	const advice =
		'Try again later, or make fewer requests at once (fewer items per run, or a Wait node between batches).';
	const retried = retriesDone === 1 ? '1 retry' : `${retriesDone} retries`;
	if (decision.reason === 'wait-too-long') {
		const after = retriesDone ? ` (after ${retried} over ${formatDuration(waitedMs)})` : '';
		return `OMICall is rate-limiting requests (${limit}) and asks to wait ${formatDuration(decision.waitMs)}, longer than the ${formatDuration(rateLimitRetry.maxDelayMs)} this node waits${after}. ${advice}`;
	}
	if (retriesDone === 0) return `OMICall is rate-limiting requests (${limit}). ${advice}`;
	return `OMICall is rate-limiting requests (${limit}) and still refused after ${retried} over ${formatDuration(waitedMs)}. ${advice}`;
}

const SIGN_IN_FAILED =
	'OMICall did not hand out an access token for the API key in this credential.';

/** The errors thrown because /api/auth refused or failed, as opposed to the request itself. */
const signInFailures = new WeakSet<NodeApiError>();

/**
 * Renewals under way in this n8n process, per credential and per base URL and API key: one
 * credential id may stand for different keys (an edit while a renewal runs, or n8n's dynamic
 * credentials, which resolve one id to each user's own data).
 */
const renewals = new Map<string, Promise<unknown>>();

/** A stored session token and whose it is (see sessionOwner). */
interface StoredSession {
	sessionToken: ICredentialDataDecryptedObject[string];
	sessionOwner: ICredentialDataDecryptedObject[string];
}

/**
 * One refused token, one renewal, however many executions meet the expiry at once: a request
 * whose token was already replaced, or that arrives while another renews for the same key, retries
 * with the new token instead of asking OMICall for yet another one. A token is only ever sent for
 * the base URL and API key (`owner`) it was fetched with: when the stored one belongs to other
 * ones, the request signs in with its own key, once, instead.
 */
async function renewOnce<T>(
	credentialId: string | null | undefined,
	owner: string,
	usedToken: unknown,
	how: {
		renew: () => Promise<T>;
		retryWith: (stored: StoredSession) => Promise<T>;
		stored: () => Promise<StoredSession>;
		/** Called with the renewing request's error; throws to fail the waiting request instead of retrying. */
		afterFailedRenewal: (error: unknown) => void;
	},
	waitedBefore = false,
): Promise<T> {
	if (!credentialId) return await how.renew();
	const key = `${credentialId}\n${owner}`;
	const ours = (stored: StoredSession) =>
		Boolean(stored.sessionToken) && stored.sessionOwner === owner;
	const pending = renewals.get(key);
	if (pending) {
		const outcome = await pending.then(
			() => ({ failed: false as const }),
			(error: unknown) => ({ failed: true as const, error }),
		);
		if (outcome.failed) how.afterFailedRenewal(outcome.error);
		const stored = await how.stored();
		if (ours(stored)) return await how.retryWith(stored);
		// Replaced meanwhile by a token of another key: renew for this one (joining, once, a renewal under way).
		return waitedBefore
			? await how.renew()
			: await renewOnce(credentialId, owner, usedToken, how, true);
	}
	// Recorded before the first await, so requests refused meanwhile wait for this one.
	const renewal = (async () => {
		// An empty token was fetched by this very request, so the refusal is about that one.
		const stored = usedToken ? await how.stored() : undefined;
		if (stored && ours(stored) && stored.sessionToken !== usedToken)
			return await how.retryWith(stored);
		return await how.renew();
	})();
	renewals.set(key, renewal);
	try {
		return await renewal;
	} finally {
		renewals.delete(key);
	}
}

/**
 * Whether OMICall refused the token: HTTP 401, status_code 401 or a token code. A documented code
 * about something else (an expired package, a disabled tenant…) is not, even with HTTP 401:
 * signing in again would not help, and the code's explanation would be lost.
 */
function isTokenRefused(response: IN8nHttpFullResponse): boolean {
	const body = response.body;
	const codes =
		isEnvelope(body) && !statusCodeIs(body.status_code, SUCCESS) ? omiCallCodes(body) : [];
	if (codes.some((code) => TOKEN_REFUSED_CODES.has(code.trim().toLowerCase()))) return true;
	if (codes.some(isExplainedNonTokenCode)) return false;
	if (response.statusCode === 401) return true;
	return isEnvelope(body) && statusCodeIs(body.status_code, 401);
}

/** The largest recording downloadRecording accepts: hours of call audio, still safe to hold in memory. */
export const RECORDING_MAX_BYTES = 200 * 1024 * 1024;
const RECORDING_TIMEOUT_MS = 60_000;
/** How much of a non-audio answer is read to look for an OMICall error code in it. */
const ERROR_BODY_MAX_BYTES = 64 * 1024;

export interface DownloadedRecording {
	data: Buffer;
	/** The MIME type the server gave without its parameters (audio/mpeg), or the one its bytes show. */
	mimeType: string;
	/** The file name from Content-Disposition, when the server sent one (no folders). */
	fileName?: string;
}

/**
 * The audio type of a file from its first bytes, for servers that send audio as
 * application/octet-stream or with no Content-Type at all.
 */
export function sniffAudioType(bytes: Buffer): string | undefined {
	const ascii = (start: number, end: number) => bytes.subarray(start, end).toString('latin1');
	if (ascii(0, 3) === 'ID3') return 'audio/mpeg';
	// An MPEG audio frame starts with 11 set bits.
	if (bytes.length >= 2 && bytes[0] === 0xff && (bytes[1] & 0xe0) === 0xe0) return 'audio/mpeg';
	if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return 'audio/wav';
	if (ascii(0, 4) === 'OggS') return 'audio/ogg';
	if (ascii(0, 4) === 'fLaC') return 'audio/flac';
	if (ascii(4, 8) === 'ftyp') return 'audio/mp4';
	if (bytes.length >= 4 && bytes.readUInt32BE(0) === 0x1a45dfa3) return 'audio/webm';
	return undefined;
}

/** A name from Content-Disposition (filename* or filename), reduced to a plain file name. */
export function contentDispositionFileName(header: unknown): string | undefined {
	if (typeof header !== 'string') return undefined;
	const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)?''([^;]+)/.exec(header);
	const plain = /filename\s*=\s*"?([^";]+)"?/.exec(header);
	let name: string | undefined;
	try {
		name = extended ? decodeURIComponent(extended[1].trim()) : plain?.[1].trim();
	} catch {
		name = plain?.[1].trim();
	}
	const base = name
		?.split(/[\\/]/)
		.pop()
		?.replace(/[\x00-\x1f]/g, '')
		.trim();
	return base && base !== '.' && base !== '..' ? base : undefined;
}

/** Reads a response stream up to `limit` bytes; `over` is true when it had more. */
async function readUpTo(
	stream: AsyncIterable<Buffer | string> & { destroy?: () => void },
	limit: number,
): Promise<{ data: Buffer; over: boolean }> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of stream) {
		const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
		size += buffer.length;
		if (size > limit) {
			chunks.push(buffer.subarray(0, buffer.length - (size - limit)));
			stream.destroy?.();
			return { data: Buffer.concat(chunks), over: true };
		}
		chunks.push(buffer);
	}
	return { data: Buffer.concat(chunks), over: false };
}

/**
 * Downloads a call recording (a record's recording_file_url) for n8n binary data.
 *
 * A plain GET with none of OMICall's auth headers: the URL grants access by itself (omicall-api.md
 * 3.3), so it is a secret, and no error or log shows more of it than its scheme and host. The
 * answer must be audio (an audio/* type, or audio bytes sent as octet-stream or untyped) and at
 * most `maxBytes` (RECORDING_MAX_BYTES, 200 MB, by default): it is read as a stream and dropped as
 * soon as it grows past the limit. Failures are NodeApiErrors in plain English.
 */
export async function downloadRecording(
	this: OmiCallContext,
	url: string,
	itemIndex?: number,
	options: { maxBytes?: number } = {},
): Promise<DownloadedRecording> {
	const node = this.getNode();
	const maxBytes = options.maxBytes ?? RECORDING_MAX_BYTES;
	const fail = (message: string, description: string, httpCode?: number): NodeApiError =>
		keepMessage(
			new NodeApiError(
				node,
				{ message, description, ...(httpCode === undefined ? {} : { httpCode: String(httpCode) }) },
				{ message: `The recording could not be downloaded: ${message}`, description, itemIndex },
			),
			`The recording could not be downloaded: ${message}`,
		);
	let parsed: URL | undefined;
	try {
		parsed = new URL(String(url ?? '').trim());
	} catch {
		parsed = undefined;
	}
	if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
		throw new NodeOperationError(
			node,
			'The recording URL is not an http:// or https:// address, so it was not downloaded.',
			{
				itemIndex,
				description:
					"Use the call's recording_file_url as OMICall gives it. A call without a recording has none.",
			},
		);
	}
	const where = urlOriginOnly(parsed.href);

	let response: IN8nHttpFullResponse;
	try {
		response = (await this.helpers.httpRequest({
			method: 'GET',
			url: parsed.href,
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: RECORDING_TIMEOUT_MS,
			abortSignal: executionCancelSignal(this),
		})) as IN8nHttpFullResponse;
	} catch (error) {
		throw fail(
			describeRecordingNetworkError(error, where),
			'Check that n8n can reach the recording host. The link itself is not shown because it grants access to the recording.',
		);
	}
	const stream = response.body as AsyncIterable<Buffer | string> & { destroy?: () => void };
	const status = response.statusCode;
	if (status < 200 || status >= 300) {
		stream.destroy?.();
		const gone = status === 401 || status === 403 || status === 404 || status === 410;
		throw fail(
			`${where} answered HTTP ${status}.`,
			gone
				? 'The recording link may have expired or been deleted. Get the call again for a fresh link, or check in the OMICall portal that the call was recorded.'
				: 'The recording server had a problem. Try again later.',
			status,
		);
	}
	const declaredLength = Number(headerValue(response, 'content-length'));
	if (Number.isFinite(declaredLength) && declaredLength > maxBytes) {
		stream.destroy?.();
		throw fail(tooLarge(maxBytes), 'Download it outside n8n, from the OMICall portal.', status);
	}
	const contentType = String(headerValue(response, 'content-type') ?? '')
		.split(';')[0]
		.trim()
		.toLowerCase();
	const declaredAudio = contentType.startsWith('audio/') || contentType === 'application/ogg';
	const untyped =
		contentType === '' ||
		contentType === 'application/octet-stream' ||
		contentType === 'binary/octet-stream';
	const read = async (limit: number) => {
		try {
			return await readUpTo(stream, limit);
		} catch {
			throw fail(
				`${where} closed the connection during the download.`,
				'The recording server or the network dropped it. Try again later.',
				status,
			);
		}
	};
	if (!declaredAudio && !untyped) {
		const { data } = await read(ERROR_BODY_MAX_BYTES);
		throw notAudio(fail, where, contentType, data, status);
	}
	const { data, over } = await read(maxBytes);
	if (over)
		throw fail(tooLarge(maxBytes), 'Download it outside n8n, from the OMICall portal.', status);
	if (data.length === 0)
		throw fail(
			`${where} sent an empty file.`,
			'The call may not have been recorded, or the recording is not ready yet. Try again later.',
			status,
		);
	const mimeType = declaredAudio ? contentType : sniffAudioType(data);
	if (!mimeType)
		throw notAudio(
			fail,
			where,
			contentType || 'a file without a type',
			data.subarray(0, ERROR_BODY_MAX_BYTES),
			status,
		);
	const fileName = contentDispositionFileName(headerValue(response, 'content-disposition'));
	return fileName ? { data, mimeType, fileName } : { data, mimeType };
}

function tooLarge(maxBytes: number): string {
	const size =
		maxBytes >= 1024 * 1024
			? `${Number((maxBytes / 1024 / 1024).toFixed(1))} MB`
			: `${maxBytes} bytes`;
	return `it is larger than ${size}, the most this node downloads.`;
}

/** Why a download answer is not a recording; an OMICall error envelope is explained. */
function notAudio(
	fail: (message: string, description: string, httpCode?: number) => NodeApiError,
	where: string,
	contentType: string,
	start: Buffer,
	status: number,
): NodeApiError {
	let envelope: unknown;
	try {
		envelope = JSON.parse(start.toString('utf8'));
	} catch {
		envelope = undefined;
	}
	if (isEnvelope(envelope) && !statusCodeIs(envelope.status_code, SUCCESS)) {
		return fail(
			explainFailure(omiCallMessage(envelope), []),
			`${where} answered with an OMICall error instead of the recording.`,
			status,
		);
	}
	const page = contentType === 'text/html' || contentType === 'application/xhtml+xml';
	return fail(
		page
			? `${where} sent a web page (${contentType}), not audio.`
			: `${where} sent ${contentType} that is not audio.`,
		'The recording link may have expired, or the call has no recording yet. Get the call again for a fresh link.',
		status,
	);
}

/** Why the recording host never answered, naming only its scheme and host. */
function describeRecordingNetworkError(error: unknown, where: string): string {
	const { code, message } = (error ?? {}) as { code?: string; message?: string };
	const reason = code ?? ((error as { cause?: { code?: string } })?.cause ?? {}).code ?? '';
	if (reason === 'ECONNREFUSED') return `${where} refused the connection.`;
	if (reason === 'ENOTFOUND' || reason === 'EAI_AGAIN')
		return `the host name of ${where} could not be resolved.`;
	if (reason === 'ECONNABORTED' || reason === 'ETIMEDOUT' || /timeout/i.test(message ?? '')) {
		return `${where} did not answer within ${RECORDING_TIMEOUT_MS / 1000} seconds.`;
	}
	if (reason === 'ECONNRESET' || reason === 'EPIPE')
		return `${where} closed the connection before answering.`;
	return `${where} could not be reached${/^[A-Z0-9_]+$/.test(reason) ? ` (${reason})` : ''}.`;
}

/** Base URLs already warned about in this process, so the log says it once, not on every call. */
const warnedPlainHttp = new Set<string>();

/** Warns in n8n's log about an http:// base URL off this machine, naming only its scheme and host. */
function warnIfPlainHttp(context: OmiCallContext, baseUrl: unknown): void {
	const raw = String(baseUrl ?? '');
	if (!PLAIN_HTTP_REMOTE.test(raw)) return;
	let origin: string;
	try {
		const url = new URL(raw.trim());
		origin = `${url.protocol}//${url.host}`;
	} catch {
		origin = 'an http:// address';
	}
	if (warnedPlainHttp.has(origin)) return;
	warnedPlainHttp.add(origin);
	// Optional: a context without n8n's logger must not fail the request over a warning.
	context.logger?.warn(
		`The OMICall credential's base URL is ${origin} (plain HTTP): the API key and access tokens cross the network unencrypted. Use https:// unless OMICall is reached over a private network.`,
	);
}

/** Errors from this package are already n8n node errors; anything else gets wrapped as one. */
export function asNodeError(node: INode, error: unknown, itemIndex: number): NodeError {
	return error instanceof NodeError
		? error
		: new NodeOperationError(node, error as Error, { itemIndex });
}
