/**
 * Generated requests against OMICall Trigger's webhook() over real HTTP, through n8n-core's
 * WebhookContext, for both trigger modes and both outputs. Whatever comes in: nothing throws
 * (a throw is an HTTP 500 in n8n, a failed execution and an error-workflow run on every
 * OMICall retry), the answer is 200 or 400 (401 without the secret, n8n's own 422 for broken
 * JSON), a run has at least one item and every item can be saved as JSON, and the secret is in
 * no answer.
 *
 * Replay a failure with the seed it prints: FUZZ_SEED=<seed> npx jest --selectProjects integration -t fuzz
 * More requests: FUZZ_COUNT=100000.
 *
 * All requests go over HTTP, one at a time on one keep-alive connection: each run can then be
 * tied to the request that started it, and 10,000 requests still take a few seconds.
 */
import http from 'node:http';

import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { CALL_STATES } from '../../nodes/OmiCall/callEvents';
import { DIRECTIONS } from '../../nodes/OmiCall/callRecord';
import { OmiCallTrigger } from '../../nodes/OmiCall/OmiCallTrigger.node';
import { buildNode, hook, apiKeyStore } from '../harness/n8n-core';
import { type OmiCallSimulator, startSimulator } from '../harness/simulator';
import { startWebhookServer, type WebhookServer } from '../harness/webhook-server';

const SEED = process.env.FUZZ_SEED
	? Number(process.env.FUZZ_SEED) >>> 0
	: Math.floor(Math.random() * 2 ** 32);
const COUNT = Number(process.env.FUZZ_COUNT ?? 10_000);
const API_KEY = 'key-fuzz';
const trigger = new OmiCallTrigger();

// ---- a seeded generator -------------------------------------------------------------------

/** mulberry32: a small, good enough 32-bit PRNG. */
function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

class Gen {
	constructor(readonly next: () => number) {}
	int(max: number): number {
		return Math.floor(this.next() * max);
	}
	chance(p: number): boolean {
		return this.next() < p;
	}
	pick<T>(list: readonly T[]): T {
		return list[this.int(list.length)];
	}
}

/** Number literals JSON.stringify cannot write (1e999 parses to Infinity): swapped in as text. */
const LITERAL = '\u0001lit:';
const literal = (text: string) => `${LITERAL}${text}\u0001`;

const NUMBERS = [
	0,
	-0,
	1,
	-1,
	7,
	1.5,
	-5,
	0.000001,
	1e21,
	-1e21,
	1e300,
	-1e300,
	Number.MAX_VALUE,
	Number.MIN_VALUE,
	Number.MAX_SAFE_INTEGER,
	8.64e15,
	8.64e15 + 1,
	1626693561,
	1626693561000,
	1626693561000000,
	1626693561000000000,
	1626693561.5,
	946684799,
	4133980800,
	1e11,
	literal('1e999'),
	literal('-1e999'),
	literal('1e-999'),
	literal('123456789012345678901234567890'),
	literal('-0.0'),
	literal('1E400'),
];
const STATES = [
	'ringing',
	'ANSWERED',
	' hangup ',
	'Cdr',
	'cdr',
	'early',
	'create',
	'exploded',
	'constructor',
	'__proto__',
];
const DIRECTION_VALUES = [
	'inbound',
	'Inbound',
	' OUTBOUND ',
	'local',
	'LOCAL',
	'sideways',
	'toString',
];
const STRINGS = [
	'',
	' ',
	'0',
	'-5',
	'-1626693561',
	'1626693561',
	' 1626693561000 ',
	'1.6e9',
	'0x1F',
	'NaN',
	'Infinity',
	'-Infinity',
	'1e999',
	'null',
	'true',
	'2026-11-28 10:15:00',
	'2026-11-28T10:15:00+07:00',
	'2026-02-30',
	'01/02/2026',
	'x 2020',
	'2026-11-28 24:00:00',
	'9999-12-31T23:59:59Z',
	...STATES,
	...DIRECTION_VALUES,
	'created',
	'updated',
	' Updated ',
	'full_name',
	'phone_number',
	'mail',
	'Nguyễn Văn An',
	'Khách hàng muốn đổi địa chỉ giao hàng',
	'Trần Thị Bình (sửa)',
	'📞☎️👩🏻‍💼',
	'\ud800',
	'\udfff',
	'a\ud83dz',
	'\u0000',
	'\u202e',
	'<script>alert(1)</script>',
	'"quoted"',
	'\\',
	'{"state":"cdr"}',
	'__proto__',
	'constructor',
	'prototype',
	'toString',
	'https://recording.omicall.example/x.mp3?token=abc',
];
const PROTO_KEYS = [
	'__proto__',
	'constructor',
	'prototype',
	'toString',
	'valueOf',
	'hasOwnProperty',
	'toJSON',
	'__defineGetter__',
];
const CALL_KEYS = [
	'state',
	'transaction_id',
	'call_uuid',
	'direction',
	'from_number',
	'to_number',
	'phone_number',
	'sip_user',
	'hotline',
	'created_time',
	'date_time',
	'time_start_call',
	'time_start_to_answer',
	'time_end_call',
	'created_date',
	'duration',
	'bill_sec',
	'recording_file_url',
	'recording_file',
	'user',
	'customer',
	'send_num_retry',
];
const CONTACT_KEYS = [
	'action',
	'data',
	'contact_id',
	'id',
	'full_name',
	'phone_number',
	'email',
	'attribute_structure',
	'field_code',
	'value',
	'display_value',
	'value_text',
];
const WRAPPERS = ['payload', 'data', 'body'];

/** An own property whatever the key: plain assignment of __proto__ would set the prototype. */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
	Object.defineProperty(target, key, {
		value,
		enumerable: true,
		writable: true,
		configurable: true,
	});
}

function longString(g: Gen): string {
	const unit = g.pick(['ă', 'Nguyễn ', '📞', 'x', '\ud800']);
	return unit.repeat(1_000 + g.int(60_000));
}

function anyValue(g: Gen, depth = 0): unknown {
	const roll = g.int(depth > 3 ? 5 : 8);
	switch (roll) {
		case 0:
			return g.pick(NUMBERS);
		case 1:
		case 2:
			return g.chance(0.02) ? longString(g) : g.pick(STRINGS);
		case 3:
			return null;
		case 4:
			return g.chance(0.5);
		case 5:
			return Array.from({ length: g.int(4) }, () => anyValue(g, depth + 1));
		default: {
			const object: Record<string, unknown> = {};
			for (let i = g.int(5); i > 0; i--)
				put(
					object,
					g.pick([...PROTO_KEYS, ...CALL_KEYS, ...CONTACT_KEYS, ...WRAPPERS, 'x']),
					anyValue(g, depth + 1),
				);
			return object;
		}
	}
}

function callEvent(g: Gen): Record<string, unknown> {
	const live = g.chance(0.4);
	const event: Record<string, unknown> = live
		? {
				state: 'ringing',
				call_uuid: 'fee91d6c',
				direction: 'outbound',
				from_number: '100',
				to_number: '0395187319',
				hotline: '0868694566',
				created_time: 1626693561,
				date_time: 1626693561000,
			}
		: {
				state: 'cdr',
				transaction_id: 'ae5f56fc',
				direction: 'inbound',
				phone_number: '0395187319',
				from_number: '0395187319',
				to_number: '100',
				sip_user: '100',
				duration: 12,
				bill_sec: 6,
				time_start_call: 1697595783,
				time_start_to_answer: 1697595788,
				time_end_call: 1697595795,
				created_date: 1697595795704,
				recording_file_url:
					'https://public-v1-stg.omicrm.com/third_party/recording/uc?id=x&code=ae5f56fc',
				customer: { full_name: 'Mr. Tiến Demo2' },
				user: [{ full_name: 'Trần Văn Tiến 1234' }],
				send_num_retry: 1,
			};
	if (g.chance(0.5)) event.state = g.pick([...STATES, null, '', 7, [], {}, undefined]);
	if (g.chance(0.5)) event.direction = g.pick([...DIRECTION_VALUES, null, 5, {}, undefined]);
	for (let i = g.int(6); i > 0; i--) {
		const key = g.pick([...CALL_KEYS, ...PROTO_KEYS]);
		if (g.chance(0.2)) delete event[key];
		else put(event, key, anyValue(g, 1));
	}
	return event;
}

function contactEvent(g: Gen): Record<string, unknown> {
	const attribute = () => {
		const entry: Record<string, unknown> = {
			field_code: g.pick([
				'full_name',
				'phone_number',
				'mail',
				'username',
				'nickname',
				' FULL_NAME ',
				'job_title',
				null,
				7,
			]),
		};
		const shape = g.int(4);
		if (shape === 0)
			entry.value = Array.from({ length: g.int(3) }, () => ({
				display_value: g.pick(STRINGS),
				value_text: g.chance(0.3) ? g.pick(STRINGS) : undefined,
			}));
		else if (shape === 1) entry.value_text = g.pick(STRINGS);
		else if (shape === 2) entry.value = anyValue(g, 2);
		else put(entry, g.pick(PROTO_KEYS), anyValue(g, 2));
		return entry;
	};
	const contact = () => {
		const c: Record<string, unknown> = {
			contact_id: g.pick(['63b44e47a2523f37e3709c59', 7, null, '']),
			attribute_structure: Array.from({ length: g.int(5) }, attribute),
		};
		if (g.chance(0.3)) c.attribute_structure = anyValue(g, 1);
		if (g.chance(0.2)) put(c, g.pick([...CONTACT_KEYS, ...PROTO_KEYS]), anyValue(g, 1));
		return c;
	};
	const action = g.chance(0.8)
		? g.pick(['created', 'updated', ' Updated ', 'create'])
		: g.pick(['', ' ', null, 5, {}, 'Trần']);
	const event: Record<string, unknown> = {
		action,
		tenant_id: 't',
		data: Array.from({ length: g.int(4) }, contact),
	};
	if (g.chance(0.2)) event.data = g.chance(0.5) ? contact() : anyValue(g, 1);
	if (g.chance(0.2)) put(event, g.pick([...CONTACT_KEYS, ...PROTO_KEYS]), anyValue(g, 1));
	return event;
}

/** Wrappers around the event, several levels, some carrying an empty state of their own. */
function wrap(g: Gen, event: unknown): unknown {
	let body = event;
	for (let levels = g.chance(0.3) ? 1 + g.int(4) : 0; levels > 0; levels--) {
		const wrapper: Record<string, unknown> = {};
		put(wrapper, g.pick(WRAPPERS), body);
		if (g.chance(0.3))
			wrapper[g.pick(['state', 'transaction_id', 'action'])] = g.pick([null, '', ' ']);
		if (g.chance(0.2)) put(wrapper, g.pick(PROTO_KEYS), anyValue(g, 2));
		body = wrapper;
	}
	return body;
}

function deepText(g: Gen): string {
	const levels = g.pick([97, 98, 99, 100, 101, 150, 5_000, 50_000]);
	const [open, close] = g.chance(0.5) ? ['[', ']'] : ['{"a":', '}'];
	return `{"state":"cdr","transaction_id":"t","action":"created","data":[{"x":${open.repeat(levels)}1${close.repeat(levels)}}]}`;
}

const ACCEPTED_TYPES = [
	'application/json',
	'application/json; charset=utf-8',
	'Application/JSON',
	'APPLICATION/JSON;charset=UTF-8',
];
const OTHER_TYPES = [
	'text/json',
	'application/vnd.x+json',
	'text/plain',
	'application/x-www-form-urlencoded',
	'application/xml',
	'',
	'application/json ; charset=utf-8',
];

interface Case {
	target: number;
	query: string;
	rightSecret: boolean;
	contentType: string;
	text: string;
	brokenJson: boolean;
}

function generate(g: Gen, secrets: string[]): Case {
	const target = g.int(TARGETS.length);
	const secret = secrets[target];
	const rightSecret = !g.chance(0.05);
	const query = rightSecret
		? `secret=${secret}`
		: g.pick([
				'',
				'secret=',
				`secret=${secret}&secret=${secret}`,
				`secret=${secret}&secret=x`,
				`secret[]=${secret}`,
				`secret=${secret.toUpperCase()}`,
				`secret=${secret.slice(1)}`,
			]);
	const contentType = g.chance(0.9) ? g.pick(ACCEPTED_TYPES) : g.pick(OTHER_TYPES);
	let text: string;
	let brokenJson = false;
	const roll = g.next();
	if (roll < 0.015) text = deepText(g);
	else if (roll < 0.03) {
		text = g.pick([
			'{',
			'{"state": "cdr",}',
			"{'state': 'cdr'}",
			'{"state": "cdr"} x',
			'NaN',
			'\ud800',
		]);
		brokenJson = true;
	} else if (roll < 0.05) text = '';
	else {
		// Mostly the trigger's own kind of event, sometimes the other kind, sometimes anything.
		const own = g.chance(0.85);
		const call = TARGETS[target].triggerOn === 'call' ? own : !own;
		const event = g.chance(0.1) ? anyValue(g) : call ? callEvent(g) : contactEvent(g);
		text = JSON.stringify(wrap(g, event)).replace(/"\\u0001lit:([^"\\]*)\\u0001"/g, '$1');
	}
	return { target, query, rightSecret, contentType, text, brokenJson };
}

// ---- the triggers under test ---------------------------------------------------------------

const TARGETS: Array<{ triggerOn: 'call' | 'contact'; parameters: INodeParameters }> = [
	{ triggerOn: 'call', parameters: { events: ['ringing', 'answered', 'hangup', 'cdr'] } },
	{
		triggerOn: 'call',
		parameters: {
			events: ['cdr', 'hangup'],
			options: { output: 'raw', direction: ['inbound', 'local'] },
		},
	},
	{
		triggerOn: 'call',
		parameters: { events: ['cdr', 'ringing'], options: { direction: ['outbound'] } },
	},
	{ triggerOn: 'contact', parameters: {} },
	{ triggerOn: 'contact', parameters: { options: { output: 'raw' } } },
];

let simulator: OmiCallSimulator;
let server: WebhookServer;
const urls: string[] = [];
const secrets: string[] = [];

beforeAll(async () => {
	simulator = await startSimulator({ apiKeys: [API_KEY] });
	server = await startWebhookServer();
	const store = apiKeyStore(simulator.url, API_KEY);
	for (const [i, { triggerOn, parameters }] of TARGETS.entries()) {
		const run = buildNode(trigger, { triggerOn, ...parameters }, store, {
			webhookBaseUrl: server.url,
			webhookId: `fuzz-${i}`,
		});
		server.serve({ run, nodeType: trigger });
		await hook(run, trigger, 'create');
		// Each trigger keeps its own secret; the next one takes OMICall's single hook of its type.
		const url = new URL(simulator.hooks.get(triggerOn)!.url);
		secrets.push(url.searchParams.get('secret')!);
		urls.push(`${url.origin}${url.pathname}`);
	}
});
afterAll(async () => {
	await simulator.stop();
	await server.stop();
});

// ---- what every answer must be -------------------------------------------------------------

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
afterAll(() => agent.destroy());

function send(
	url: string,
	contentType: string,
	text: string,
): Promise<{ status: number; text: string }> {
	return new Promise((resolve, reject) => {
		const body = Buffer.from(text, 'utf8');
		const headers: Record<string, string | number> = { 'content-length': body.length };
		if (contentType) headers['content-type'] = contentType;
		const request = http.request(url, { method: 'POST', agent, headers }, (response) => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () =>
				resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
			);
		});
		request.on('error', reject);
		request.end(body);
	});
}

const ISO_OR_NULL = (v: unknown) =>
	v === null ||
	(typeof v === 'string' && /^(20\d\d|2100)-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(v));

/** What is wrong with a run's items, or undefined. */
function checkRun(items: INodeExecutionData[] | undefined, target: number): string | undefined {
	if (!items?.length) return 'a run without items';
	for (const item of items) {
		try {
			JSON.parse(JSON.stringify(item.json));
		} catch (error) {
			return `an item that is not JSON-serialisable: ${(error as Error).message}`;
		}
		const { triggerOn, parameters } = TARGETS[target];
		if ((parameters.options as { output?: string } | undefined)?.output === 'raw') continue;
		const j = item.json;
		if (triggerOn === 'call') {
			if (!(CALL_STATES as unknown[]).includes(j.event)) return `event ${JSON.stringify(j.event)}`;
			if (j.direction !== null && !(DIRECTIONS as unknown[]).includes(j.direction))
				return `direction ${JSON.stringify(j.direction)}`;
			for (const key of ['startedAt', 'answeredAt', 'endedAt'])
				if (!ISO_OR_NULL(j[key])) return `${key} ${JSON.stringify(j[key])}`;
			for (const key of ['durationSec', 'talkSec', 'deliveryAttempt'])
				if (j[key] !== null && !(typeof j[key] === 'number' && j[key] >= 0))
					return `${key} ${JSON.stringify(j[key])}`;
		} else {
			if (typeof j.action !== 'string' || !j.action || j.action !== j.action.trim().toLowerCase())
				return `action ${JSON.stringify(j.action)}`;
			const entries = (list: unknown, key: string) =>
				Array.isArray(list) &&
				list.every(
					(v) =>
						typeof v?.[key] === 'string' &&
						v[key] !== '' &&
						(v.kind === null || typeof v.kind === 'string'),
				);
			if (!entries(j.phones, 'number') || !entries(j.emails, 'email'))
				return 'phones or emails not a list of {number|email, kind}';
		}
	}
	return undefined;
}

function problem(
	c: Case,
	answer: { status: number; text: string },
	run: INodeExecutionData[] | undefined,
): string | undefined {
	if (secrets.some((s) => answer.text.includes(s))) return 'the answer contains a secret';
	const mediaType = c.contentType.split(';')[0].toLowerCase();
	if (c.brokenJson && mediaType === 'application/json')
		return answer.status === 422
			? undefined
			: `broken JSON answered ${answer.status}, not n8n's 422`;
	if (!c.rightSecret)
		return answer.status === 401 && !run
			? undefined
			: `a wrong secret answered ${answer.status}${run ? ' and started a run' : ''}`;
	let parsed: { error?: unknown; received?: unknown; started?: unknown; reason?: unknown } = {};
	if (answer.text) {
		try {
			parsed = JSON.parse(answer.text);
		} catch {
			return `an answer that is not JSON: ${answer.text.slice(0, 200)}`;
		}
	}
	if (answer.status === 400)
		return typeof parsed.error === 'string' && parsed.error && !run
			? undefined
			: 'a 400 without an error text, or with a run';
	if (answer.status !== 200) return `answered ${answer.status}: ${answer.text.slice(0, 300)}`;
	if (!answer.text) return checkRun(run, c.target);
	const ignored =
		parsed.received === true && parsed.started === false && typeof parsed.reason === 'string';
	return ignored && !run
		? undefined
		: `a 200 that is neither a run nor a reasoned "not started": ${answer.text.slice(0, 200)}`;
}

describe('fuzz', () => {
	it(`answers ${COUNT} generated requests with 200, 400, 401 or n8n's 422, never a throw, a wrong run or the secret (FUZZ_SEED=${SEED})`, async () => {
		const g = new Gen(mulberry32(SEED));
		const failures: string[] = [];
		const statuses: Record<number, number> = {};
		const started = Date.now();
		for (let i = 0; i < COUNT && failures.length < 5; i++) {
			const c = generate(g, secrets);
			const before = server.runs.length;
			const answer = await send(`${urls[c.target]}?${c.query}`, c.contentType, c.text);
			const runs = server.runs.slice(before);
			statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
			const wrong = runs.length > 1 ? 'more than one run' : problem(c, answer, runs[0]);
			if (wrong) {
				const shown =
					c.text.length > 400 ? `${c.text.slice(0, 400)}… (${c.text.length} characters)` : c.text;
				failures.push(
					`#${i} (trigger ${c.target}, Content-Type "${c.contentType}", query "${c.query.replace(/[0-9a-f]{40,}/g, '<secret>')}"): ${wrong}\n  body: ${shown}`,
				);
			}
		}
		const seconds = (Date.now() - started) / 1000;
		if (failures.length)
			throw new Error(
				`FUZZ_SEED=${SEED}: ${failures.length} failing request(s):\n${failures.join('\n')}`,
			);
		// Every kind of answer came up, so the generator reaches past the first checks.
		if (COUNT >= 1_000) {
			expect(Object.keys(statuses).sort()).toEqual(['200', '400', '401', '422']);
			expect(server.runs.length).toBeGreaterThan(COUNT / 10);
		}
		process.stdout.write(
			`fuzz: ${COUNT} requests in ${seconds.toFixed(1)} s, FUZZ_SEED=${SEED}, answers ${JSON.stringify(statuses)}, runs ${server.runs.length}\n`,
		);
	}, 120_000);
});
