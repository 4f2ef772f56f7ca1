import { explainOmiCallCode, joinUrl, omiCallMessage } from '../../nodes/OmiCall/transport';
import { callEventsFor, invalidWebhookUrlReason } from '../../nodes/OmiCall/transport/webhooks';

describe('webhook URL rules', () => {
	it.each([
		'https://crm.example.com/hook',
		'http://127.0.0.1:5678/webhook/abc?key=1',
		' https://a.example.com/x ',
	])('accepts %s', (url) => {
		expect(invalidWebhookUrlReason(url)).toBeUndefined();
	});
	it.each([
		['', 'The webhook URL is empty.'],
		['   ', 'The webhook URL is empty.'],
		[undefined, 'The webhook URL is empty.'],
		[
			'example.com/hook?token=typed-secret',
			'The webhook URL is not an absolute URL. It must start with https:// (or http://).',
		],
		['mailto:someone@example.com', 'The webhook URL must use https:// or http://, not mailto://.'],
	])('rejects %p', (url, reason) => {
		expect(invalidWebhookUrlReason(url)).toBe(reason);
	});
});

describe('events registered for a trigger selection', () => {
	it('registers hangup for the call record and keeps OMICall order', () => {
		expect(callEventsFor(['cdr'])).toEqual(['hangup']);
		expect(callEventsFor(['cdr', 'ringing', 'hangup'])).toEqual(['ringing', 'hangup']);
		expect(callEventsFor(['answered', 'ringing'])).toEqual(['ringing', 'answered']);
	});
});

describe('OMICall envelope helpers', () => {
	it('joins the base URL with or without trailing slashes, and defaults to production', () => {
		expect(joinUrl('https://public-v1-stg.omicall.com//', '/api/auth')).toBe(
			'https://public-v1-stg.omicall.com/api/auth',
		);
		expect(joinUrl('', '/api/auth')).toBe('https://public-v1.omicall.com/api/auth');
	});
	it('finds the error code at the top level or inside payload', () => {
		expect(omiCallMessage({ status_code: -9999, message: 'api_key_invalid' })).toBe(
			'api_key_invalid',
		);
		expect(omiCallMessage({ status_code: -9999, payload: { message: 'date_invalid' } })).toBe(
			'date_invalid',
		);
		expect(omiCallMessage({ status_code: -9999, payload: null })).toBeUndefined();
	});
	it('explains known codes and shows unknown ones as they come', () => {
		expect(explainOmiCallCode('api_key_invalid')).toMatch(/^The API key was not accepted\./);
		expect(explainOmiCallCode('brand_new_code')).toBe(
			'OMICall answered with the error "brand_new_code".',
		);
		expect(explainOmiCallCode(undefined)).toBe('OMICall reported a failure without saying why.');
	});
});
