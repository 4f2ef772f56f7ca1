/**
 * How this package shows other systems' URLs. A webhook URL is often a credential in itself:
 * Zapier and Make put tokens in the path, CRMs in the query or in user:pass@.
 */

/** Only the scheme and host ("https://crm.example.com/…"): for messages and logs. */
export function urlOriginOnly(candidate: string): string {
	try {
		const url = new URL(candidate);
		const rest = url.pathname !== '/' || url.search || url.hash ? '/…' : '';
		return `${url.protocol}//${url.host}${rest}`;
	} catch {
		return 'a URL that could not be read';
	}
}

/**
 * A path segment that may be a token: Slack, Make, Discord and Zapier put the secret of a
 * webhook in its path. Segments with a digit and 6+ characters, or of 20+ characters, are
 * hidden; words like "omicall" or "v1" stay, so two URLs on one host can still be told apart.
 */
function looksLikeToken(segment: string): boolean {
	return (segment.length >= 6 && /\d/.test(segment)) || segment.length >= 20;
}

/**
 * The URL with user info, query values, token-like path segments and path parameters (";…")
 * hidden and no fragment: what List and Destroy show by default.
 */
export function redactUrl(candidate: string): string {
	try {
		const url = new URL(candidate);
		const userInfo = url.username || url.password ? '***@' : '';
		const path = url.pathname
			.split('/')
			.map((segment) => {
				const plain = segment.split(';')[0];
				const shown = looksLikeToken(safeDecode(plain)) ? '***' : plain;
				return shown === plain && plain !== segment ? `${plain};***` : shown;
			})
			.join('/');
		const query = [...url.searchParams].map(([key, value]) =>
			value === '' ? '***' : `${encodeURIComponent(key)}=***`,
		);
		return `${url.protocol}//${userInfo}${url.host}${path}${query.length ? `?${query.join('&')}` : ''}`;
	} catch {
		return 'a URL that could not be read';
	}
}

function safeDecode(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}

/** A host name: labels and a top-level domain of letters ("crm.example.com"), or an IPv4 address. */
const HOST = String.raw`(?:(?:[a-z0-9-]+\.)+[a-z]{2,}|\d{1,3}(?:\.\d{1,3}){3})(?::\d{1,5})?`;
/** What ends a URL in running text. */
const URL_CHAR = String.raw`[^\s"'<>]`;

const REDACTIONS: Array<[RegExp, (match: string, ...groups: string[]) => string]> = [
	// Characters that hide a URL from the rules below: zero-width spaces and joiners.
	[/[\u200b-\u200d\u2060\ufeff]/g, () => ''],
	// A percent-encoded URL ("https%3A%2F%2Fcrm.example.com%2Fh%3Fkey%3D…"): its scheme and host.
	[
		new RegExp(String.raw`[a-z][a-z0-9+.-]*%3A(?:%2F|%5C){1,2}${URL_CHAR}*`, 'gi'),
		(url) => withoutUrls(safeDecode(url)),
	],
	// A URL with a scheme, however many slashes (https:/, https:\\), user info (even with a space
	// or two in the password) dropped: its scheme and host.
	[
		new RegExp(
			String.raw`([a-z][a-z0-9+.-]*):[\\/]{1,2}(?:[^\s@/\\"'<>]*(?:[ \t\u00a0][^\s@/\\"'<>]*){0,2}@)?(${URL_CHAR}+)`,
			'gi',
		),
		(_match, scheme, rest) => {
			const trailing = /[).,;:!?]+$/.exec(rest)?.[0] ?? '';
			const url = `${scheme}://${rest.slice(0, rest.length - trailing.length).replace(/\\/g, '/')}`;
			return urlOriginOnly(url) + trailing;
		},
	],
	// Without a scheme: "//host/path…", "user:pass@host", "host/path…": the host, and "/…" for a path.
	[
		new RegExp(
			String.raw`(?:\/\/)?(?:[^\s@/\\"'<>]+@)?(${HOST})([/\\]${URL_CHAR}*)?(?=$|[\s"'<>])`,
			'gi',
		),
		(match, host: string, path?: string) => {
			if (!path && !match.includes('@')) return match; // a bare host: nothing hidden
			if (!path && /^[^:]+@/.test(match)) return match; // an email address
			const trailing = /[).,;:!?]+$/.exec(path ?? '')?.[0] ?? '';
			return `${match.startsWith('//') ? '//' : ''}${host}${path ? '/…' : ''}${trailing}`;
		},
	],
	// A query string left anywhere ("?key=…", after a line break, say): dropped up to whitespace.
	[/\?[^\s?]*=\S*/g, () => '?…'],
	[/%3F\S*%3D\S*/gi, () => '…'],
];

/**
 * Text (an OMICall message, say) with every URL in it cut down to its scheme and host, however
 * it is written: with or without a scheme, with user info, percent-encoded; and any query string
 * dropped, wherever it stands.
 */
export function withoutUrls(text: string): string {
	return REDACTIONS.reduce(
		(safe, [pattern, replace]) =>
			safe.replace(pattern, replace as (match: string, ...rest: unknown[]) => string),
		text,
	);
}
