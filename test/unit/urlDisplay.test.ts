import { redactUrl, urlOriginOnly } from '../../nodes/OmiCall/urlDisplay';

describe("how much of another system's URL is shown by default", () => {
	it.each([
		[
			'https://bob:hunter2@crm.example.com/omicall/calls?token=abc&v=2#section',
			'https://***@crm.example.com/omicall/calls?token=***&v=***',
		],
		['https://crm.example.com/omicall/calls', 'https://crm.example.com/omicall/calls'],
		[
			'https://hooks.slack.com/services/T0AB12CD3/B0EF45GH6/abcdefghijklmnopqrstuvwx',
			'https://hooks.slack.com/services/***/***/***',
		],
		['https://hook.eu1.make.com/a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6', 'https://hook.eu1.make.com/***'],
		[
			'https://discord.com/api/webhooks/123456789012345678/Ab-Cd_Ef1234567890abcdefghij',
			'https://discord.com/api/webhooks/***/***',
		],
		[
			'https://hooks.zapier.com/hooks/catch/123456/abcdef1/',
			'https://hooks.zapier.com/hooks/catch/***/***/',
		],
		['https://crm.example.com/hook?s3cr3t-token-value', 'https://crm.example.com/hook?***'],
		['https://crm.example.com/hook;jsessionid=ABC123', 'https://crm.example.com/hook;***'],
		[
			'https://n8n.example.com/webhook/0f4e2b1c-9a8d-4c3b-8e7f-6a5b4c3d2e1f/webhook?secret=00ff#restore=eyJ9',
			'https://n8n.example.com/webhook/***/webhook?secret=***',
		],
		['http://[::1]:8080/v1/hooks', 'http://[::1]:8080/v1/hooks'],
		['not a url', 'a URL that could not be read'],
	])('%s → %s', (url, shown) => {
		expect(redactUrl(url)).toBe(shown);
	});

	it('messages show only the scheme and host', () => {
		expect(urlOriginOnly('https://user:pw@hooks.zapier.com/hooks/catch/1/2/?x=1#y')).toBe(
			'https://hooks.zapier.com/…',
		);
		expect(urlOriginOnly('https://crm.example.com')).toBe('https://crm.example.com');
	});
});
