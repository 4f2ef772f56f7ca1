/**
 * What OMICall Trigger does with each incoming request, through n8n-core's WebhookContext over
 * real HTTP: the simulator places calls against the URL the trigger registered.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { OmiCallTrigger } from '../../nodes/OmiCall/OmiCallTrigger.node';
import { buildNode, hook, apiKeyStore } from '../harness/n8n-core';
import { buildCallEvents, type OmiCallSimulator, startSimulator } from '../harness/simulator';
import { post, startWebhookServer, type WebhookServer } from '../harness/webhook-server';

const API_KEY = 'key-trigger-events';
const trigger = new OmiCallTrigger();

let simulator: OmiCallSimulator;
let server: WebhookServer;
let hookUrl: string;

beforeEach(async () => {
	simulator = await startSimulator({ apiKeys: [API_KEY], retryDelayMs: 5 });
	server = await startWebhookServer();
});
afterEach(async () => {
	await simulator.stop();
	await server.stop();
});

/** Activates a trigger with `parameters` and points the endpoint at it. */
async function activeTrigger(parameters: INodeParameters = {}): Promise<void> {
	const store = apiKeyStore(simulator.url, API_KEY);
	const run = buildNode(
		trigger,
		{ triggerOn: 'call', events: ['ringing', 'answered', 'hangup', 'cdr'], ...parameters },
		store,
		{
			webhookBaseUrl: server.url,
			webhookId: 'events-test',
		},
	);
	await hook(run, trigger, 'create');
	server.serve({ run, nodeType: trigger });
	hookUrl = simulator.hooks.get(parameters.triggerOn === 'contact' ? 'contact' : 'call')!.url;
}

const items = () => server.runs.map((run) => run.map((item) => item.json));

describe('a simulated inbound call', () => {
	it('starts one run per selected event, answered 200 at once, with simplified items', async () => {
		await activeTrigger();
		const placed = await simulator.placeCall({ direction: 'inbound' });
		expect(placed.events.map((e) => [e.state, e.status, e.attempts])).toEqual([
			['ringing', 200, 1],
			['answered', 200, 1],
			['hangup', 200, 1],
			['cdr', 200, 1],
		]);
		expect(server.runs.map((run) => run.length)).toEqual([1, 1, 1, 1]);

		const [ringing, answered, hangup, record] = items().map((run) => run[0]);
		const sent = simulator.deliveries.map((d) => d.body);
		const cdr = sent[3] as IDataObject;
		const customer = cdr.phone_number;
		const agent = cdr.sip_user;

		expect(ringing).toMatchObject({
			event: 'ringing',
			direction: 'inbound',
			customerNumber: customer,
			agentExtension: agent,
			callId: cdr.transaction_id,
		});
		expect(ringing.startedAt).toBe(new Date((cdr.time_start_call as number) * 1000).toISOString());
		expect([ringing.answeredAt, ringing.endedAt, ringing.durationSec]).toEqual([null, null, null]);
		expect(answered).toMatchObject({
			event: 'answered',
			startedAt: null,
			answeredAt: new Date((cdr.time_start_to_answer as number) * 1000).toISOString(),
		});
		expect(hangup).toMatchObject({
			event: 'hangup',
			endedAt: new Date((cdr.time_end_call as number) * 1000).toISOString(),
		});

		expect(record).toEqual({
			event: 'cdr',
			callId: cdr.transaction_id,
			direction: 'inbound',
			customerNumber: customer,
			agentExtension: agent,
			hotline: '842899959300',
			startedAt: new Date((cdr.time_start_call as number) * 1000).toISOString(),
			answeredAt: new Date((cdr.time_start_to_answer as number) * 1000).toISOString(),
			endedAt: new Date((cdr.time_end_call as number) * 1000).toISOString(),
			durationSec: 52,
			talkSec: 47,
			recordingUrl: cdr.recording_file_url,
			agentName: (cdr.user as IDataObject[])[0].full_name,
			customerName: (cdr.customer as IDataObject).full_name,
			answered: true,
			note: cdr.note,
			tags: [],
			autoCallId: null,
			deliveryAttempt: 1,
			raw: cdr,
		});
		expect(record.agentName).toMatch(/^(Võ Minh Khoa|Đặng Ngọc Lan)$/);
	});

	it('swaps customer and agent for an outbound call', async () => {
		await activeTrigger({ events: ['ringing'] });
		const [ringing] = buildCallEvents({ direction: 'outbound', customerNumber: '0395187319' });
		await post(hookUrl, ringing);
		expect(items()[0][0]).toMatchObject({
			direction: 'outbound',
			customerNumber: '0395187319',
			agentExtension: ringing.from_number,
		});
		expect(ringing.to_number).toBe('0395187319');
	});

	it('reads times given in milliseconds as well as in seconds', async () => {
		await activeTrigger({ events: ['cdr'] });
		const record = buildCallEvents({
			direction: 'outbound',
			startedAt: Date.UTC(2026, 10, 28, 3, 0, 0),
		}).pop()!;
		await post(hookUrl, { ...record, time_start_call: 1795834800000, time_end_call: '1795834852' });
		const [item] = items()[0];
		expect(item.startedAt).toBe('2026-11-28T03:00:00.000Z');
		expect(item.endedAt).toBe('2026-11-28T03:00:52.000Z');
	});

	it('gives null, not a failed request, for times no Date can hold or in an unknown unit, and reads zone-less text as Vietnam time', async () => {
		await activeTrigger({ events: ['cdr'] });
		const record = buildCallEvents({ direction: 'outbound' }).pop()!;
		const answer = await post(hookUrl, {
			...record,
			time_start_call: 9e15,
			time_start_to_answer: '-5',
			time_end_call: '2026-11-28 10:15:52',
			created_date: 1e300,
		});
		expect(answer.status).toBe(200);
		expect(items()[0][0]).toMatchObject({
			startedAt: null,
			answeredAt: null,
			endedAt: '2026-11-28T03:15:52.000Z',
		});
	});

	it('reads a record without state but with transaction_id as a call record, and unwraps one level', async () => {
		await activeTrigger({ events: ['cdr'] });
		const record = buildCallEvents({ direction: 'inbound' }).pop()!;
		delete record.state;
		await post(hookUrl, { data: record });
		await post(hookUrl, { payload: { ...record, state: 'cdr' } });
		expect(items().map((run) => [run[0].event, run[0].callId])).toEqual([
			['cdr', record.transaction_id],
			['cdr', record.transaction_id],
		]);
		expect(items()[0][0].raw).toEqual({ data: record });
	});

	it('outputs the body as received with the Raw option, Vietnamese text unchanged', async () => {
		await activeTrigger({ events: ['cdr'], options: { output: 'raw' } });
		const record = buildCallEvents({
			direction: 'inbound',
			notes: 'Khách hàng muốn đổi địa chỉ giao hàng',
		}).pop()!;
		await post(hookUrl, record);
		expect(items()[0]).toEqual([record]);
		expect(items()[0][0].note).toBe('Khách hàng muốn đổi địa chỉ giao hàng');
	});
});

describe('large bodies', () => {
	it('pass long Vietnamese text through unchanged, whatever chunks it arrives in', async () => {
		await activeTrigger({ events: ['cdr'], options: { output: 'raw' } });
		const note = 'Khách hàng muốn đổi địa chỉ giao hàng 📦 '.repeat(20_000);
		const record = buildCallEvents({ direction: 'inbound', notes: note }).pop()!;
		expect((await post(hookUrl, record)).status).toBe(200);
		expect(items()[0][0].note).toBe(note);
	});
});

describe('filters', () => {
	it('answers 200 without a run for events that are not selected', async () => {
		await activeTrigger({ events: ['cdr'] });
		const placed = await simulator.placeCall({ direction: 'inbound' });
		expect(placed.events.map((e) => e.status)).toEqual([200, 200, 200, 200]);
		expect(items().map((run) => run[0].event)).toEqual(['cdr']);
	});

	it('answers 200 without a run for calls in directions that are not selected', async () => {
		await activeTrigger({ events: ['cdr'], options: { direction: ['outbound'] } });
		await simulator.placeCall({ direction: 'inbound' });
		await simulator.placeCall({ direction: 'local' });
		await simulator.placeCall({ direction: 'outbound' });
		expect(items().map((run) => run[0].direction)).toEqual(['outbound']);
		const ignored = await post(hookUrl, {
			state: 'cdr',
			transaction_id: 'x',
			direction: 'inbound',
		});
		expect(ignored).toEqual({
			status: 200,
			body: { received: true, started: false, reason: 'inbound calls are not selected.' },
		});
	});

	it('reads the direction whatever its case, for the filter and the item', async () => {
		await activeTrigger({ events: ['cdr'], options: { direction: ['inbound'] } });
		const record = buildCallEvents({ direction: 'inbound', customerNumber: '0395187319' }).pop()!;
		const answer = await post(hookUrl, {
			...record,
			direction: 'Inbound',
			phone_number: undefined,
			sip_user: undefined,
		});
		expect(answer.status).toBe(200);
		expect(items()[0][0]).toMatchObject({
			direction: 'inbound',
			customerNumber: '0395187319',
			agentExtension: record.to_number,
		});
	});

	it('ignores calls without a known direction only when some directions are deselected', async () => {
		await activeTrigger({ events: ['cdr'], options: { direction: ['outbound', 'inbound'] } });
		for (const direction of [undefined, 'sideways']) {
			const ignored = await post(hookUrl, { state: 'cdr', transaction_id: 'x', direction });
			expect(ignored).toEqual({
				status: 200,
				body: {
					received: true,
					started: false,
					reason:
						'The call has no known direction (inbound, outbound or local), and not all directions are selected.',
				},
			});
		}
		expect(server.runs).toHaveLength(0);
	});

	it('starts a run for calls without a known direction when all directions are selected', async () => {
		await activeTrigger({ events: ['cdr'] });
		await post(hookUrl, { state: 'cdr', transaction_id: 'x' });
		await post(hookUrl, { state: 'cdr', transaction_id: 'y', direction: 'sideways' });
		expect(items().map((run) => [run[0].callId, run[0].direction])).toEqual([
			['x', null],
			['y', null],
		]);
	});

	it('accepts the early and create states integrators have seen, without a run', async () => {
		await activeTrigger();
		const early = await post(hookUrl, { state: 'early', call_uuid: 'u-1', direction: 'inbound' });
		expect(early.status).toBe(200);
		expect(server.runs).toHaveLength(0);
	});
});

describe('bad requests get 400 with a reason and start nothing', () => {
	it.each([
		// n8n 2.40 leaves an empty webhook body undefined (parseRequestBody reads no bytes).
		['an empty body', '', 'application/json', /got an empty body\.$/],
		['an empty object', {}, 'application/json', /got an empty body or an empty JSON object/],
		['an array', [{ state: 'cdr' }], 'application/json', /got a JSON array/],
		['a JSON string', '"cdr"', 'application/json', /got text that is not a JSON object/],
		['a number', '42', 'application/json', /got a JSON number/],
		[
			'an unknown state',
			{ state: 'exploded', call_uuid: 'x' },
			'application/json',
			/Unknown call state "exploded"/,
		],
		[
			'an object that is no call',
			{ hello: 'world' },
			'application/json',
			/no "state" and no "transaction_id"/,
		],
		[
			'a form body',
			'state=cdr',
			'application/x-www-form-urlencoded',
			/Expected Content-Type: application\/json, got "application\/x-www-form-urlencoded"/,
		],
		['plain text', 'cdr', 'text/plain', /Expected Content-Type: application\/json/],
	])('%s', async (_name, body, contentType, message) => {
		await activeTrigger();
		const answer = await post(hookUrl, body, contentType);
		expect(answer.status).toBe(400);
		expect(String(answer.body.error)).toMatch(message);
		expect(server.runs).toHaveLength(0);
	});

	// n8n parses only application/json as JSON and gives any other type's body as {}.
	it.each([
		'text/json',
		'application/vnd.x+json',
		'application/json-patch+json',
		'application/jsonx',
	])('a call event sent as %s says the type is the problem', async (contentType) => {
		await activeTrigger();
		const answer = await post(hookUrl, buildCallEvents().pop()!, contentType);
		expect(answer).toEqual({
			status: 400,
			body: {
				error: `Expected Content-Type: application/json, got "${contentType}". n8n reads only application/json bodies as JSON.`,
			},
		});
		expect(server.runs).toHaveLength(0);
	});

	it('a call event sent with a space before the ";" of its Content-Type, which n8n does not read as JSON', async () => {
		await activeTrigger();
		const answer = await post(
			hookUrl,
			buildCallEvents().pop()!,
			'application/json ; charset=utf-8',
		);
		expect(answer).toEqual({
			status: 400,
			body: {
				error:
					'Expected Content-Type: application/json, got "application/json ; charset=utf-8". n8n reads only application/json bodies as JSON (with no space before ";").',
			},
		});
	});

	it.each(['simplified', 'raw'])(
		'a call event nested 10,000 levels deep, which n8n could not save (%s output)',
		async (output) => {
			await activeTrigger({ events: ['cdr'], options: { output } });
			const deep = `${'{"a":['.repeat(5_000)}1${']}'.repeat(5_000)}`;
			const answer = await post(hookUrl, `{"state":"cdr","transaction_id":"t","extra":${deep}}`);
			expect(answer).toEqual({
				status: 400,
				body: { error: 'The body is nested more than 100 levels deep.' },
			});
			expect(server.runs).toHaveLength(0);
		},
	);

	it('a call event with no Content-Type', async () => {
		await activeTrigger();
		const response = await fetch(hookUrl, {
			method: 'POST',
			body: new TextEncoder().encode(JSON.stringify(buildCallEvents().pop())),
		});
		expect([response.status, await response.json()]).toEqual([
			400,
			{
				error:
					'Expected Content-Type: application/json, got none. n8n reads only application/json bodies as JSON.',
			},
		]);
	});
});

describe('Content-Type', () => {
	it.each([
		'application/json; charset=utf-8',
		'Application/JSON',
		'APPLICATION/JSON;charset=UTF-8',
	])('%s starts a run', async (contentType) => {
		await activeTrigger({ events: ['cdr'] });
		const record = buildCallEvents().pop()!;
		const answer = await post(hookUrl, record, contentType);
		expect(answer.status).toBe(200);
		expect(items()[0][0].callId).toBe(record.transaction_id);
	});
});

describe('the secret', () => {
	it('given twice, even correctly, gets 401 and no run', async () => {
		await activeTrigger({ events: ['cdr'] });
		const secret = new URL(hookUrl).searchParams.get('secret')!;
		const twice = (second: string) => {
			const url = new URL(hookUrl);
			url.searchParams.append('secret', second);
			return url.toString();
		};
		for (const url of [twice(secret), twice('wrong')]) {
			const answer = await post(url, buildCallEvents().pop()!);
			expect(answer).toEqual({
				status: 401,
				body: {
					error:
						'Missing or wrong secret: this URL only accepts events from the OMICall account that registered it.',
				},
			});
		}
		expect(server.runs).toHaveLength(0);
	});
});

describe('OMICall retries', () => {
	it('retries a refused delivery a bounded number of times with send_num_retry counting up', async () => {
		await activeTrigger({ events: ['cdr'] });
		simulator.hooks.set('call', {
			url: hookUrl.replace(/secret=\w+/, 'secret=stale'),
			type: 'call',
			status: 'actived',
			events: null,
		});
		const placed = await simulator.placeCall({ direction: 'inbound' });
		expect(placed.events.at(-1)).toEqual({ state: 'cdr', status: 401, attempts: 3 });
		const cdrAttempts = simulator.deliveries.filter((d) => d.body.state === 'cdr');
		expect(cdrAttempts.map((d) => [d.body.send_num_retry, d.status])).toEqual([
			[1, 401],
			[2, 401],
			[3, 401],
		]);
		expect(server.runs).toHaveLength(0);
	});

	it('reports the delivery attempt in the item', async () => {
		await activeTrigger({ events: ['cdr'] });
		const record = { ...buildCallEvents().pop()!, send_num_retry: 2 };
		await post(hookUrl, record);
		expect(items()[0][0].deliveryAttempt).toBe(2);
	});
});

describe('contact changes', () => {
	it('starts one run with an item per contact', async () => {
		await activeTrigger({ triggerOn: 'contact' });
		const placed = await simulator.changeContact({ action: 'updated' });
		expect(placed.events[0].status).toBe(200);
		const sent = simulator.deliveries[0].body as { data: IDataObject[] };
		expect(items()).toEqual([
			[
				{
					action: 'updated',
					contactId: sent.data[0].contact_id,
					refId: null,
					fullName: expect.stringMatching(
						/^(Nguyễn Văn An|Trần Thị Bình|Lê Hoàng Cường|Phạm Thu Dung)$/,
					),
					phones: [{ number: '0395187319', kind: null }],
					emails: [{ email: 'khachhang@example.vn', kind: null }],
					gender: null,
					birthday: null,
					address: null,
					jobTitle: null,
					note: null,
					tags: [],
					ownerEmail: null,
					customFields: {},
					createdAt: null,
					updatedAt: null,
					raw: sent.data[0],
				},
			],
		]);
	});

	it('handles several contacts, direct fields and rejects bodies without action', async () => {
		await activeTrigger({ triggerOn: 'contact' });
		await post(hookUrl, {
			action: 'created',
			data: [
				{
					contact_id: 'c1',
					full_name: 'Bùi Thị Hoa',
					phone_number: '0901234567',
					email: 'hoa@example.vn',
				},
				{
					contact_id: 'c2',
					attribute_structure: [
						{ field_code: 'phone_number', value: [{ value_text: '0911' }, { value_text: '0922' }] },
					],
				},
			],
		});
		expect(items()[0].map((i) => [i.contactId, i.fullName, i.phones, i.emails])).toEqual([
			[
				'c1',
				'Bùi Thị Hoa',
				[{ number: '0901234567', kind: null }],
				[{ email: 'hoa@example.vn', kind: null }],
			],
			[
				'c2',
				null,
				[
					{ number: '0911', kind: null },
					{ number: '0922', kind: null },
				],
				[],
			],
		]);
		const bad = await post(hookUrl, { data: [] });
		expect(bad.status).toBe(400);
		expect(bad.body.error).toBe('The body has no "action": it is not an OMICall contact change.');
	});

	it.each(['simplified', 'raw'])(
		'answers a change listing no contacts without a run (%s output)',
		async (output) => {
			await activeTrigger({ triggerOn: 'contact', options: { output } });
			const answer = await post(hookUrl, { action: 'updated', tenant_id: 't', data: [] });
			expect(answer).toEqual({
				status: 200,
				body: { received: true, started: false, reason: 'The contact change lists no contacts.' },
			});
			expect(server.runs).toHaveLength(0);
		},
	);
});
