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

/** Text (an OMICall message, say) with every URL in it cut down to its scheme and host. */
export function withoutUrls(text: string): string {
	return text.replace(/[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, (url) => {
		const trailing = /[).,;:!?]+$/.exec(url)?.[0] ?? '';
		return urlOriginOnly(url.slice(0, url.length - trailing.length)) + trailing;
	});
}
