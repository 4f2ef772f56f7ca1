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

/** The URL with user info and query values hidden and no fragment: what List shows by default. */
export function redactUrl(candidate: string): string {
	try {
		const url = new URL(candidate);
		if (url.username || url.password) {
			url.username = '***';
			url.password = '';
		}
		for (const key of [...new Set(url.searchParams.keys())]) url.searchParams.set(key, '***');
		url.hash = '';
		return url.toString().replace(/%2A/g, '*');
	} catch {
		return 'a URL that could not be read';
	}
}
