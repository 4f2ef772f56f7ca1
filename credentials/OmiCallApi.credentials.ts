import type {
	IAuthenticateRuleResponseSuccessBody,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import {
	BASE_URL_WITH_EXTRAS,
	OMICALL_ERROR_CODES,
	OmiCallAuthError,
	PLAIN_HTTP_REMOTE,
	PRODUCTION_BASE_URL,
	STAGING_BASE_URL,
	baseUrlProblem,
	fetchAccessToken,
	sessionOwner,
} from '../nodes/OmiCall/transport';

// n8n's test rules cannot see the Authentication mode, so this one speaks to both.
const TOKEN_REJECTED =
	'OMICall refused the key or token (HTTP 401). With "API Key", check that the key is still active in the OMICall portal (Account → Settings → API management) and that the base URL is the environment it belongs to (production or staging). With "Access Token", the token may have expired (access tokens expire every 24 hours): get a new one, or switch to "API Key" to have it renewed by itself.';

export class OmiCallApi implements ICredentialType {
	name = 'omiCallApi';

	displayName = 'OMICall API';

	icon = {
		light: 'file:../nodes/OmiCall/omicall.svg',
		dark: 'file:../nodes/OmiCall/omicall.dark.svg',
	} as const;

	documentationUrl = 'https://github.com/TODO-owner/n8n-nodes-omicall#the-credential-omicall-api';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: PRODUCTION_BASE_URL,
			required: true,
			description: `OMICall's API address. Production is ${PRODUCTION_BASE_URL} (some accounts use https://public-v1.omicrm.com); staging is ${STAGING_BASE_URL}.`,
		},
		{
			// The transport logs the same warning once per base URL (same pattern).
			displayName:
				'This base URL starts with http://, so the API key and access tokens cross the network unencrypted. Use https:// unless OMICall is reached over a private network.',
			name: 'plainHttpNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { baseUrl: [{ _cnd: { regex: PLAIN_HTTP_REMOTE.source } }] } },
		},
		{
			// The transport refuses such a base URL before sending anything (same pattern).
			displayName:
				"This base URL contains a user name or password (user:password@), a query (?) or a fragment (#). OMICall's API takes none of them: enter its address alone, such as https://public-v1.omicall.com, or the node refuses it.",
			name: 'baseUrlExtrasNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { baseUrl: [{ _cnd: { regex: BASE_URL_WITH_EXTRAS.source } }] } },
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			default: 'apiKey',
			options: [
				{
					name: 'API Key',
					value: 'apiKey',
					description:
						'Recommended: the node exchanges the key for the 24-hour access token and renews it by itself',
				},
				{
					name: 'Access Token',
					value: 'accessToken',
					description: 'A token from /api/auth, used as given; it expires after 24 hours',
				},
			],
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Created in the OMICall portal under Account → Settings → API management',
			displayOptions: { show: { authentication: ['apiKey'] } },
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Expires every 24 hours; choose API Key to have it renewed automatically',
			displayOptions: { show: { authentication: ['accessToken'] } },
		},
		{
			// Filled by preAuthentication from the API key; n8n empties and refills it on renewal.
			displayName: 'Session Token',
			name: 'sessionToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{
			// Which base URL and API key the session token belongs to (a hash), so that a token is
			// renewed, not reused, after the key is changed.
			displayName: 'Session Owner',
			name: 'sessionOwner',
			type: 'hidden',
			default: '',
		},
	];

	async preAuthentication(
		this: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
	): Promise<IDataObject> {
		if (credentials.authentication === 'accessToken') return {};
		return {
			sessionToken: await fetchAccessToken(this.helpers, credentials.baseUrl, credentials.apiKey),
			sessionOwner: sessionOwner(credentials.baseUrl, credentials.apiKey),
		};
	}

	/**
	 * Bearer token on every request; in API Key mode the raw key as x-api-key too, as VIHAT's own
	 * client does: some endpoints (v3 call search) need the key (omicall-api.md 1.2). In Access
	 * Token mode no key is sent, even one left over from API Key mode.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		// The Test button in Access Token mode runs no preAuthentication: the base URL is checked here too.
		const problem = baseUrlProblem(credentials.baseUrl);
		if (problem) throw new OmiCallAuthError(problem);
		const usesApiKey = credentials.authentication !== 'accessToken';
		// A token fetched with another key or base URL (n8n keeps hidden fields when the key is
		// edited) is not sent: OMICall's 401 then makes n8n sign in again with the key on screen,
		// so the Test button judges that key, not the previous one.
		const current =
			!usesApiKey ||
			!credentials.sessionOwner ||
			credentials.sessionOwner === sessionOwner(credentials.baseUrl, credentials.apiKey);
		const token = usesApiKey ? (current ? credentials.sessionToken : '') : credentials.accessToken;
		const apiKey = usesApiKey ? String(credentials.apiKey ?? '').trim() : '';
		return {
			...requestOptions,
			headers: {
				...requestOptions.headers,
				Authorization: `Bearer ${String(token ?? '').trim()}`,
				...(apiKey ? { 'x-api-key': apiKey } : {}),
			},
		};
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{String($credentials.baseUrl).replace(/\\/+$/, "")}}',
			url: '/api/webhooks/list',
			method: 'GET',
			// The API key and the token go to the base URL's host only, never on to a redirect's.
			disableFollowRedirect: true,
		},
		// n8n reads the rules in order; its type wants one kind per list, its tester takes both.
		rules: [
			{
				type: 'responseCode',
				properties: { value: 401, message: TOKEN_REJECTED },
			},
			// OMICall answers failures with HTTP 200 and status_code -9999; its code sits in message.
			...Object.entries(OMICALL_ERROR_CODES).map(([code, explanation]) => ({
				type: 'responseSuccessBody',
				properties: { key: 'message', value: code, message: explanation },
			})),
			// n8n compares a rule's value with ===, so each status_code OMICall may send as a number
			// or as text ("-9999") needs a rule of each kind. Success needs none: no rule matches.
			...[-9999, '-9999'].map((value) => ({
				type: 'responseSuccessBody',
				properties: {
					key: 'status_code',
					value,
					message: 'OMICall refused the request. Check the base URL and the key or token.',
				},
			})),
			...[401, '401'].map((value) => ({
				type: 'responseSuccessBody',
				properties: { key: 'status_code', value, message: TOKEN_REJECTED },
			})),
		] as unknown as IAuthenticateRuleResponseSuccessBody[],
	};
}
