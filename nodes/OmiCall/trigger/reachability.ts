import type { IHookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { baseUrlProblem, CREDENTIAL_TYPE, joinUrl } from '../transport';
import { urlOriginOnly } from '../urlDisplay';

/** The README section that explains WEBHOOK_URL (the repository's address, as in the codex files). */
const REACHABILITY_HELP =
	'https://github.com/TODO-owner/n8n-nodes-omicall#making-n8n-reachable-for-omicall';

/**
 * Where an address lives, judged from its text alone (no DNS look-up: the trigger must decide
 * before it sends anything). A name other than localhost is 'public': it may resolve anywhere,
 * and refusing a name that works would block a working setup.
 */
export type HostScope =
	| 'loopback'
	| 'private'
	| 'link-local'
	| 'shared'
	| 'unspecified'
	| 'multicast'
	| 'reserved'
	| 'public';

/** A host as written in a URL ("10.0.0.5", "[fd00::1]", "n8n.localhost") or a bare IPv6 address. */
export function hostScope(host: string): HostScope {
	let hostname: string;
	try {
		const bare = host.trim();
		const bracketed = bare.includes(':') && !bare.startsWith('[') ? `[${bare}]` : bare;
		// WHATWG URL parsing writes IPv4 in dotted decimal (0x7f.1 → 127.0.0.1) and IPv6 compressed.
		hostname = new URL(`http://${bracketed}/`).hostname.toLowerCase();
	} catch {
		return 'public';
	}
	if (hostname.startsWith('[')) return ipv6Scope(hostname.slice(1, -1));
	const ipv4 = ipv4Octets(hostname);
	if (ipv4) return ipv4Scope(ipv4);
	const name = hostname.replace(/\.$/, '');
	return name === 'localhost' || name.endsWith('.localhost') ? 'loopback' : 'public';
}

function ipv4Octets(hostname: string): number[] | undefined {
	const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(hostname);
	return match ? match.slice(1).map(Number) : undefined;
}

function ipv4Scope([a, b]: number[]): HostScope {
	if (a === 0) return 'unspecified'; // 0.0.0.0/8, "this network"
	if (a >= 224 && a <= 239) return 'multicast'; // 224.0.0.0/4
	if (a >= 240) return 'reserved'; // 240.0.0.0/4, with the broadcast address 255.255.255.255
	if (a === 127) return 'loopback';
	if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
	if (a === 169 && b === 254) return 'link-local';
	if (a === 100 && b >= 64 && b <= 127) return 'shared'; // 100.64.0.0/10, carrier-grade NAT
	return 'public';
}

/** `address` as the URL parser writes it: lower case, compressed, no brackets. */
function ipv6Scope(address: string): HostScope {
	const halves = address.split('::');
	const head = halves[0] ? halves[0].split(':') : [];
	const tail = halves[1] ? halves[1].split(':') : [];
	// The URL parser writes an embedded IPv4 (::ffff:10.0.0.1) as two hex groups, so 8 in all.
	const zeros = halves.length > 1 ? Math.max(0, 8 - head.length - tail.length) : 0;
	const groups = [...head, ...Array<string>(zeros).fill('0'), ...tail];
	const words = groups.map((g) => parseInt(g, 16));
	if (words.length !== 8 || words.some((w) => !Number.isFinite(w))) return 'public';
	if (words.every((w) => w === 0)) return 'unspecified';
	if (words.slice(0, 7).every((w) => w === 0) && words[7] === 1) return 'loopback';
	const embedded = () => ipv4Scope([words[6] >> 8, words[6] & 0xff]);
	const zeroUpTo = (n: number) => words.slice(0, n).every((w) => w === 0);
	// An IPv4 address inside: ::a.b.c.d (IPv4-compatible), ::ffff:a.b.c.d (mapped),
	// ::ffff:0:a.b.c.d (translated), 64:ff9b::a.b.c.d (NAT64, RFC 6052: never a non-public IPv4).
	if (zeroUpTo(6)) return embedded();
	if (zeroUpTo(5) && words[5] === 0xffff) return embedded();
	if (zeroUpTo(4) && words[4] === 0xffff && words[5] === 0) return embedded();
	if (words[0] === 0x64 && words[1] === 0xff9b && words.slice(2, 6).every((w) => w === 0))
		return embedded();
	if ((words[0] & 0xff00) === 0xff00) return 'multicast'; // ff00::/8
	if ((words[0] & 0xfe00) === 0xfc00) return 'private'; // fc00::/7, unique local
	if ((words[0] & 0xffc0) === 0xfe80) return 'link-local'; // fe80::/10
	if ((words[0] & 0xffc0) === 0xfec0) return 'private'; // fec0::/10, the old site-local
	return 'public';
}

const SCOPE_NAMES: Record<Exclude<HostScope, 'public'>, string> = {
	loopback: 'a loopback address (this machine only)',
	private: 'a private network address',
	'link-local': 'a link-local address',
	shared: "a carrier-grade NAT address (100.64.0.0/10), private to the provider's network",
	unspecified: 'an unspecified address (0.0.0.0 or ::)',
	multicast: 'a multicast address, which cannot take a web request',
	reserved: 'a reserved address (240.0.0.0/4, or the broadcast address 255.255.255.255)',
};

function hostnameOf(url: string): string {
	try {
		return new URL(url).hostname;
	} catch {
		return '';
	}
}

/**
 * Inferred, not documented: the names an OMICall of one's own network goes by (a simulator or a
 * test OMICall): a single label (a Docker service such as omicall-sim), or a name under a suffix
 * kept for private use (.internal, as host.docker.internal; .local; .lan; .home.arpa;
 * .localhost). OMICall's cloud is never named so, so such a base URL is not judged.
 */
const PRIVATE_NAME_SUFFIXES = ['.internal', '.local', '.lan', '.home.arpa', '.localhost'];

/** Whether OMICall at `baseUrl` is on the internet, as far as its address tells. */
function isOmiCallOnTheInternet(baseUrl: string): boolean {
	const host = hostnameOf(baseUrl);
	if (hostScope(host) !== 'public') return false;
	if (host.startsWith('[') || ipv4Octets(host)) return true;
	const name = host.toLowerCase().replace(/\.$/, '');
	if (!name) return true; // not a URL at all: judged like OMICall's cloud
	return name.includes('.') && !PRIVATE_NAME_SUFFIXES.some((suffix) => name.endsWith(suffix));
}

/**
 * Why OMICall at `baseUrl` cannot call `webhookUrl`, or undefined when it can (as far as the
 * addresses tell): only OMICall on the internet is judged. An OMICall on this machine or one's
 * own network (a simulator or a test OMICall) may well call back to an n8n on the same network.
 */
export function unreachableScope(
	baseUrl: string,
	webhookUrl: string,
): Exclude<HostScope, 'public'> | undefined {
	if (!isOmiCallOnTheInternet(baseUrl)) return undefined;
	const scope = hostScope(hostnameOf(webhookUrl));
	return scope === 'public' ? undefined : scope;
}

/**
 * Fails activation, before any request, when OMICall could never deliver an event to the URL
 * n8n would register (WEBHOOK_URL not set, so n8n says localhost): otherwise the user would see
 * no error and no events.
 */
export async function refuseUnreachableUrl(context: IHookFunctions): Promise<void> {
	const credentials = await context.getCredentials(CREDENTIAL_TYPE);
	// A base URL the transport refuses (no https://, say) fails the first request with a clearer
	// message than this one.
	if (baseUrlProblem(credentials.baseUrl)) return;
	const baseUrl = joinUrl(credentials.baseUrl, '/');
	const own = context.getNodeWebhookUrl('default') as string;
	const scope = unreachableScope(baseUrl, own);
	if (!scope) return;
	throw new NodeOperationError(
		context.getNode(),
		`OMICall cannot reach this n8n: the webhook URL it would call, ${urlOriginOnly(own)}, is ${SCOPE_NAMES[scope]}. Set WEBHOOK_URL to n8n's public address (for example WEBHOOK_URL=https://n8n.example.com/), restart n8n and activate the workflow again. See ${REACHABILITY_HELP}`,
		{
			description: `The credential points at OMICall on the internet (${urlOriginOnly(baseUrl)}), which cannot call an address on this machine or a private network. Nothing was registered with OMICall.`,
		},
	);
}
