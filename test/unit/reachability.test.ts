import { joinUrl } from '../../nodes/OmiCall/transport';
import { hostScope, unreachableScope } from '../../nodes/OmiCall/trigger/reachability';

describe('where an address lives, judged from its text (the activation guard)', () => {
	it.each([
		// IPv4
		['127.0.0.1', 'loopback'],
		['127.255.3.4', 'loopback'],
		['0x7f.1', 'loopback'], // the URL parser reads it as 127.0.0.1
		['10.0.0.5', 'private'],
		['10.255.255.255', 'private'],
		['172.16.0.1', 'private'],
		['172.31.255.254', 'private'],
		['172.15.0.1', 'public'],
		['172.32.0.1', 'public'],
		['192.168.1.10', 'private'],
		['192.169.1.10', 'public'],
		['169.254.169.254', 'link-local'],
		['100.64.0.1', 'shared'],
		['100.127.255.255', 'shared'],
		['100.63.255.255', 'public'],
		['100.128.0.0', 'public'],
		['0.0.0.0', 'unspecified'],
		['224.0.0.1', 'multicast'],
		['239.255.255.250', 'multicast'],
		['240.0.0.1', 'reserved'],
		['255.255.255.255', 'reserved'],
		['223.255.255.255', 'public'],
		['8.8.8.8', 'public'],
		['203.162.4.191', 'public'],
		// IPv6, bracketed as in a URL and bare
		['[::1]', 'loopback'],
		['::1', 'loopback'],
		['[0:0:0:0:0:0:0:1]', 'loopback'],
		['[::]', 'unspecified'],
		['[fd00::2]', 'private'],
		['[fc12:3456::1]', 'private'],
		['[fe80::1]', 'link-local'],
		['[febf::1]', 'link-local'],
		['[fec0::1]', 'private'],
		['[::ffff:10.1.2.3]', 'private'],
		['[::ffff:127.0.0.1]', 'loopback'],
		['[::ffff:8.8.8.8]', 'public'],
		['[::ffff:224.0.0.1]', 'multicast'],
		['[::7f00:1]', 'loopback'], // ::127.0.0.1, IPv4-compatible
		['[::a00:5]', 'private'],
		['[::808:808]', 'public'],
		['[::2]', 'unspecified'], // ::0.0.0.2
		['[::ffff:0:7f00:1]', 'loopback'], // IPv4-translated
		['[64:ff9b::7f00:1]', 'loopback'], // NAT64 of 127.0.0.1
		['[64:ff9b::c0a8:101]', 'private'],
		['[64:ff9b::808:808]', 'public'],
		['[64:ff9b:1::7f00:1]', 'public'], // not the well-known NAT64 prefix
		['[ff02::1]', 'multicast'],
		['[ff0e::1]', 'multicast'],
		['[2001:4860:4860::8888]', 'public'],
		// Names
		['localhost', 'loopback'],
		['LOCALHOST', 'loopback'],
		['localhost.', 'loopback'],
		['n8n.localhost', 'loopback'],
		['localhost.example.com', 'public'],
		['mylocalhost', 'public'],
		['public-v1.omicall.com', 'public'],
		['n8n.internal', 'public'], // a name may resolve anywhere: never refused on its looks
		// Not an address at all
		['', 'public'],
		['exa mple', 'public'],
	])('%s is %s', (host, scope) => {
		expect(hostScope(host)).toBe(scope);
	});
});

describe('when activation is refused: OMICall on the internet, n8n on this machine or a private network', () => {
	it.each([
		['https://public-v1.omicall.com', 'http://localhost:5678/webhook/x/webhook', 'loopback'],
		['', 'http://localhost:5678/webhook/x/webhook', 'loopback'], // empty base URL: production
		['https://public-v1.omicall.com/', 'http://192.168.1.20:5678/webhook/x/webhook', 'private'],
		['https://public-v1.omicall.com', 'http://[fd00::2]:5678/webhook-test/x/webhook', 'private'],
		['https://public-v1-stg.omicall.com', 'http://0.0.0.0:5678/webhook/x/webhook', 'unspecified'],
		['https://203.162.4.191', 'http://n8n.localhost/webhook/x/webhook', 'loopback'],
		['https://public-v1.omicall.com', 'http://100.100.1.1/webhook/x/webhook', 'shared'],
		['https://public-v1.omicall.com', 'http://[::7f00:1]:5678/webhook/x/webhook', 'loopback'],
		['https://public-v1.omicall.com', 'http://[64:ff9b::7f00:1]/webhook/x/webhook', 'loopback'],
		['https://public-v1.omicall.com', 'http://239.1.2.3/webhook/x/webhook', 'multicast'],
		['https://public-v1.omicall.com', 'http://255.255.255.255/webhook/x/webhook', 'reserved'],
		// Any public name or address of OMICall is judged, whatever its labels look like.
		['https://omicall.example.com', 'http://localhost:5678/webhook/x/webhook', 'loopback'],
		['https://internal.omicall.com', 'http://localhost:5678/webhook/x/webhook', 'loopback'],
		['https://omicall.local.example.com', 'http://localhost:5678/webhook/x/webhook', 'loopback'],
		['https://sim.mylan', 'http://localhost:5678/webhook/x/webhook', 'loopback'],
		['https://public-v1.omicall.com.', 'http://localhost:5678/webhook/x/webhook', 'loopback'],
		['public-v1.omicall.com', 'http://localhost:5678/webhook/x/webhook', 'loopback'], // no scheme: judged
		// Allowed: n8n at a public address or name.
		['https://public-v1.omicall.com', 'https://n8n.example.com/webhook/x/webhook', undefined],
		['https://public-v1.omicall.com', 'http://203.0.113.9:5678/webhook/x/webhook', undefined],
		// Allowed: the simulator (loopback on both sides).
		['http://127.0.0.1:4010/', 'http://127.0.0.1:5678/webhook/x/webhook', undefined],
		['http://localhost:4010', 'http://localhost:5678/webhook/x/webhook', undefined],
		// Allowed: a simulator or test OMICall on one's own network, named or numbered.
		['http://host.docker.internal:4010', 'http://localhost:5678/webhook/x/webhook', undefined],
		['http://omicall-sim:4010', 'http://localhost:5678/webhook/x/webhook', undefined],
		['http://OMICALL-SIM.:4010/', 'http://localhost:5678/webhook/x/webhook', undefined],
		['http://sim.lan:4010', 'http://localhost:5678/webhook/x/webhook', undefined],
		['http://omicall.internal', 'http://localhost:5678/webhook/x/webhook', undefined],
		['http://sim.local:4010', 'http://192.168.1.20:5678/webhook/x/webhook', undefined],
		['http://omicall.home.arpa', 'http://localhost:5678/webhook/x/webhook', undefined],
		['http://10.0.0.5:8080/omicall', 'http://10.0.0.7:5678/webhook/x/webhook', undefined],
		['http://[fd00::5]/', 'http://localhost:5678/webhook/x/webhook', undefined],
	])('OMICall at %j, webhook %s: %s', (baseUrl, webhookUrl, refused) => {
		// As the trigger reads the credential: an empty base URL means production.
		expect(unreachableScope(joinUrl(baseUrl, '/'), webhookUrl)).toBe(refused);
	});
});
