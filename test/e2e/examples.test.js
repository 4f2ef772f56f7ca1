'use strict';
/**
 * The example workflows of examples/*.json, each imported into a real n8n through its public
 * API exactly as the file is, the way a user imports one: n8n finds the credential by its name
 * ("OMICall account", here pointing at the simulator), and files are written to a folder of the
 * test. Each is then activated or run by hand, driven (simulated calls, a schedule run started
 * from the editor's "Execute workflow", a form post, a CRM's webhook call) and checked for what its
 * user would get: the recording's bytes handed to the transcription step, the CSV file's rows, the
 * auto calls and their outcomes, the alert email a mail server stand-in received, the call placed
 * for a lead and the note written back, the contacts a CRM's calls leave in OMICall.
 *
 * Adding an example: put its file in examples/, add a describe block below that calls
 * importExample('<file>.json') and drives it; stand-ins for outside services start in beforeAll.
 */
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const { ROOT, nodeOutput, waitFor } = require('./n8n');
const { startStack } = require('./stack');
const { buildCallRecord } = require('../simulator/call-events');

jest.setTimeout(180_000);

const API_KEY = 'e2e-examples-key-16';
/** The credential name the examples refer to (by name, with a null id). */
const CREDENTIAL_NAME = 'OMICall account';
const DAY_MS = 24 * 60 * 60 * 1000;

let simulator;
let n8n;
let credential;
let stack;
const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'omicall-e2e-examples-'));
/** n8n runs here, so a workflow's relative path ".n8n-files/…" lands in this test's folder. */
const workFolder = path.join(userFolder, 'work');
const filesFolder = path.join(workFolder, '.n8n-files');

/** Imports examples/<file> through n8n's public API, exactly as the file is. */
async function importExample(file) {
	const json = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8'));
	return await n8n.api('POST', '/workflows', json);
}

/**
 * Creates the Header Auth credential (`header`: {name, value}) an example's Webhook refers to by
 * name, then imports and publishes the example and waits until n8n serves its `route`.
 */
async function publishWebhookExample(file, route, credentialName, header) {
	await n8n.createCredential(credentialName, header, 'httpHeaderAuth');
	const workflow = await importExample(file);
	await n8n.activate(workflow.id);
	await n8n.webhookReady(route);
	return workflow;
}

/** The items of a node's first run, with their binary data. */
function nodeItems(execution, nodeName) {
	return execution.data?.resultData?.runData?.[nodeName]?.[0]?.data?.main?.[0] ?? [];
}

/**
 * The bytes of a binary of an execution: n8n 2.x keeps them in its binary data store (the item
 * holds an id), n8n 1.x by default in the execution itself (base64 in `data`).
 */
async function binaryBytes(binary) {
	if (!binary.id) return Buffer.from(binary.data, 'base64');
	const query = new URLSearchParams({ id: binary.id, action: 'download' });
	const response = await fetch(`${n8n.url}/rest/binary-data?${query}`, {
		headers: { cookie: n8n.cookie },
	});
	expect(response.status).toBe(200);
	return Buffer.from(await response.arrayBuffer());
}

/** A CSV file's rows as objects keyed by its header (RFC 4180 quoting). */
function parseCsv(text) {
	const rows = [];
	let row = [];
	let field = '';
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (quoted) {
			if (c === '"' && text[i + 1] === '"') ((field += '"'), i++);
			else if (c === '"') quoted = false;
			else field += c;
		} else if (c === '"') quoted = true;
		else if (c === ',') (row.push(field), (field = ''));
		else if (c === '\n' || c === '\r') {
			if (c === '\r' && text[i + 1] === '\n') i++;
			(row.push(field), rows.push(row), (row = []), (field = ''));
		} else field += c;
	}
	if (field || row.length) (row.push(field), rows.push(row));
	const [header, ...body] = rows;
	return {
		header,
		rows: body.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i]]))),
	};
}

/**
 * A mail server stand-in on loopback: just enough SMTP (RFC 5321) for n8n's Send Email node
 * (nodemailer): greeting, EHLO/HELO, MAIL FROM, RCPT TO, DATA, RSET, NOOP, QUIT. No STARTTLS, no
 * AUTH. Every message it accepts is kept, its headers and text decoded, in `messages`.
 */
async function startMailServer() {
	const messages = [];
	const server = net.createServer((socket) => {
		let buffer = '';
		let lines = null; // the message's lines while in DATA
		let envelope = { from: '', to: [] };
		const reply = (line) => socket.write(`${line}\r\n`);
		reply('220 mail.stand-in ESMTP');
		socket.on('error', () => undefined);
		socket.on('data', (chunk) => {
			buffer += chunk.toString('latin1'); // bytes as they came: the message is decoded whole
			let end;
			while ((end = buffer.indexOf('\r\n')) >= 0) {
				const line = buffer.slice(0, end);
				buffer = buffer.slice(end + 2);
				if (lines) {
					if (line !== '.') lines.push(line.startsWith('.') ? line.slice(1) : line);
					else {
						messages.push({ envelope, ...parseMail(lines.join('\r\n')) });
						((lines = null), (envelope = { from: '', to: [] }));
						reply('250 OK: queued');
					}
					continue;
				}
				const verb = line.split(/[ :]/)[0].toUpperCase();
				if (verb === 'EHLO' || verb === 'HELO') reply('250 mail.stand-in');
				else if (verb === 'MAIL') ((envelope.from = addressIn(line)), reply('250 OK'));
				else if (verb === 'RCPT') (envelope.to.push(addressIn(line)), reply('250 OK'));
				else if (verb === 'DATA') ((lines = []), reply('354 End data with <CR><LF>.<CR><LF>'));
				else if (verb === 'RSET' || verb === 'NOOP') reply('250 OK');
				else if (verb === 'QUIT') (reply('221 Bye'), socket.end());
				else reply('502 Command not implemented');
			}
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		port: /** @type {net.AddressInfo} */ (server.address()).port,
		messages,
		stop: () => new Promise((resolve) => server.close(resolve)),
	};
}

const addressIn = (line) => /<([^>]*)>/.exec(line)?.[1] ?? '';

/** Bytes written as =XX (quoted-printable, RFC 2045; Q-encoded words, RFC 2047), as UTF-8 text. */
const fromQuoted = (text) =>
	Buffer.from(
		text.replace(/=([0-9A-F]{2})/gi, (_, hex) => String.fromCharCode(parseInt(hex, 16))),
		'latin1',
	).toString('utf8');

/** A header's value with its encoded words (=?UTF-8?Q?…?= or ?B?) decoded. */
function decodeHeader(value) {
	return value
		.replace(/(\?=)\s+(=\?)/g, '$1$2')
		.replace(/=\?[^?]+\?([QB])\?([^?]*)\?=/gi, (_, encoding, word) =>
			encoding.toUpperCase() === 'B'
				? Buffer.from(word, 'base64').toString('utf8')
				: fromQuoted(word.replace(/_/g, ' ')),
		);
}

/** A single-part message: its headers (lower-case names, decoded) and its text (line ends as \n). */
function parseMail(raw) {
	const split = raw.indexOf('\r\n\r\n');
	const headers = {};
	for (const line of raw
		.slice(0, split)
		.replace(/\r\n[ \t]+/g, ' ')
		.split('\r\n')) {
		const colon = line.indexOf(':');
		headers[line.slice(0, colon).trim().toLowerCase()] = decodeHeader(line.slice(colon + 1).trim());
	}
	const body = raw.slice(split + 4);
	const encoding = (headers['content-transfer-encoding'] ?? '').toLowerCase();
	const text =
		encoding === 'quoted-printable'
			? fromQuoted(body.replace(/=\r\n/g, ''))
			: encoding === 'base64'
				? Buffer.from(body.replace(/\s/g, ''), 'base64').toString('utf8')
				: Buffer.from(body, 'latin1').toString('utf8');
	return { headers, text: text.replace(/\r\n/g, '\n') };
}

/**
 * Unpublishes a workflow with an OMICall Trigger and waits until its call hook is gone: OMICall
 * keeps one call hook per account, so the next example's trigger must not find this one's.
 */
async function deactivateTrigger(workflow) {
	await n8n.deactivate(workflow.id);
	await waitFor(() => !simulator.hooks.get('call'), { what: 'the call hook to be removed' });
}

/** A contact as OMICall holds it, with a name, personal phone numbers (one or a list) and tags. */
function seedContact(contactId, name, phones, tags = []) {
	simulator.contactStore.seed({
		contact_id: contactId,
		contact_type: 'contact',
		ref_id: null,
		tags,
		created_date: Date.now() - DAY_MS,
		last_updated_date: Date.now() - DAY_MS,
		attribute_structure: [
			{ field_code: 'full_name', field_type: 'single_text', value: [{ display_value: name }] },
			{
				field_code: 'phone_number',
				field_type: 'phone',
				value: [phones]
					.flat()
					.map((phone) => ({ display_value: phone, value_type: 'Cá nhân', data_type: 'personal' })),
			},
		],
	});
}

/** A stored contact's full name (OMICall's shape). */
const fullNameOf = (contact) =>
	contact?.attribute_structure.find((e) => e.field_code === 'full_name')?.value[0]?.display_value;

beforeAll(async () => {
	fs.mkdirSync(filesFolder, { recursive: true });
	stack = await startStack({
		apiKey: API_KEY,
		userFolder,
		credentialName: CREDENTIAL_NAME,
		n8nOptions: {
			cwd: workFolder,
			// n8n 2.x's default lets workflows touch only ~/.n8n-files; here, the test's own folder.
			env: { N8N_RESTRICT_FILE_ACCESS_TO: filesFolder },
		},
	});
	({ simulator, n8n, credential } = stack);
});

afterAll(async () => {
	await stack?.stop();
});

/**
 * The node types n8n serves a webhook for. n8n 2.x's public API gives an imported node without a
 * webhookId one of its own; n8n 1.x's (and `n8n import:workflow`) does not, and then puts the
 * workflow's ID and the node's name in front of the path: /webhook/crm-contacts is not served,
 * and 1.x answers 404 to the OMICall Trigger's URL (the name's space is encoded in it). So each
 * such node carries a webhookId in the file.
 */
const WEBHOOK_NODE_TYPES = [
	'n8n-nodes-base.webhook',
	'n8n-nodes-base.formTrigger',
	'n8n-nodes-omicall.omiCallTrigger',
];

test("every example's OMICall nodes get the user's credential by its name when imported, and its webhook nodes keep the file's webhookId", async () => {
	const webhookIds = [];
	for (const file of fs
		.readdirSync(path.join(ROOT, 'examples'))
		.filter((f) => f.endsWith('.json'))) {
		const workflow = await importExample(file);
		const omicall = workflow.nodes.filter((node) => node.type.startsWith('n8n-nodes-omicall.'));
		expect(omicall.length).toBeGreaterThan(0);
		for (const node of omicall)
			expect(node.credentials).toEqual({
				omiCallApi: { id: credential.id, name: CREDENTIAL_NAME },
			});
		for (const node of workflow.nodes.filter((n) => WEBHOOK_NODE_TYPES.includes(n.type)))
			webhookIds.push(node.webhookId);
		await n8n.api('DELETE', `/workflows/${workflow.id}`);
	}
	// Each webhook node keeps the file's own webhookId, none shared between examples.
	expect(webhookIds.length).toBe(6);
	for (const id of webhookIds)
		expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
	expect(new Set(webhookIds).size).toBe(webhookIds.length);
});

describe('examples/recording-for-transcription.json', () => {
	const TRANSCRIBE = 'Transcribe (replace with your provider)';
	let workflow;
	let answered;
	let missed;
	let executions;

	beforeAll(async () => {
		workflow = await importExample('recording-for-transcription.json');
		await n8n.activate(workflow.id);
		await waitFor(() => simulator.hooks.get('call'), { what: "the trigger's hook" });
		answered = (await simulator.placeCall({ direction: 'inbound', answered: true })).transactionId;
		missed = (await simulator.placeCall({ direction: 'inbound', answered: false })).transactionId;
		await n8n.waitForExecutions(workflow.id, 2);
		// OMICall sends the answered call's record again (another leg, a retried delivery).
		const record = simulator.deliveries.find(
			(d) => d.body.state === 'cdr' && d.body.transaction_id === answered,
		).body;
		await simulator.deliver(simulator.hooks.get('call').url, { ...record });
		executions = await n8n.waitForExecutions(workflow.id, 3);
	});

	afterAll(async () => {
		await deactivateTrigger(workflow);
	});

	test('each call record starts a run, and every run succeeds', () => {
		expect(executions.map((e) => e.status)).toEqual(['success', 'success', 'success']);
		expect(executions.map((e) => nodeOutput(e, 'OMICall Trigger')[0].callId)).toEqual([
			answered,
			missed,
			answered,
		]);
	});

	test('the answered call\'s record sent again is not transcribed again: its run stops at "Once per call"', () => {
		expect(nodeOutput(executions[2], 'Has a recording')).toHaveLength(1);
		expect(nodeOutput(executions[2], 'Once per call')).toEqual([]);
		expect(executions[2].data.resultData.runData['Download Recording']).toBeUndefined();
		expect(executions[2].data.resultData.runData[TRANSCRIBE]).toBeUndefined();
	});

	test('the answered call reaches the transcription step with its recording: <callId>.mp3, audio/mpeg, byte for byte what OMICall served', async () => {
		const [item] = nodeItems(executions[0], TRANSCRIBE);
		expect(item.json).toMatchObject({ callId: answered, answered: true, direction: 'inbound' });
		expect(item.binary.data).toMatchObject({
			fileName: `${answered}.mp3`,
			fileExtension: 'mp3',
			mimeType: 'audio/mpeg',
		});
		expect((await binaryBytes(item.binary.data)).equals(simulator.recording)).toBe(true);
	});

	test('the missed call has no recording: its run stops at "Has a recording" and downloads nothing', () => {
		expect(nodeOutput(executions[1], 'Has a recording')).toEqual([]);
		expect(executions[1].data.resultData.runData['Download Recording']).toBeUndefined();
		expect(simulator.count('/third_party/recording/uc')).toBe(1);
	});
});

describe('examples/nightly-call-report.json', () => {
	const SCHEDULE = 'Every night at 1:00';
	/** Yesterday in the workflow's time zone, Asia/Ho_Chi_Minh (UTC+7, no daylight saving time). */
	const VIETNAM_MS = 7 * 60 * 60 * 1000;
	let yesterday;
	let execution;
	let csv;

	beforeAll(async () => {
		// Three days of calls up to now: the report must take yesterday's, and only them.
		simulator.generateHistory({ count: 400, days: 3, seed: 16, endAt: Date.now() });
		const workflow = await importExample('nightly-call-report.json');
		const today = Math.floor((Date.now() + VIETNAM_MS) / DAY_MS) * DAY_MS - VIETNAM_MS;
		yesterday = { from: today - DAY_MS, to: today - 1 };
		// Two auto calls of yesterday on two hotlines: no agent took them, so they make one row.
		for (const [hour, hotline] of [
			[10, '842899959300'],
			[11, '842871099999'],
		])
			await simulator.placeCall({
				requireHook: false,
				direction: 'outbound',
				agent: null,
				autocallId: `nightly-${hour}`,
				hotline,
				startedAt: yesterday.from + hour * 60 * 60 * 1000,
			});
		// The editor's "Execute workflow": a run from the Schedule Trigger, now.
		await n8n.runFromTrigger(workflow.id, SCHEDULE);
		[execution] = await n8n.waitForExecutions(workflow.id, 1);
		const date = new Date(yesterday.from + VIETNAM_MS).toISOString().slice(0, 10);
		csv = path.join(filesFolder, `call-report-${date}.csv`);
	});

	test('the run succeeds and Get Many finds every call of yesterday (Vietnam time), and no other', () => {
		expect(execution.status).toBe('success');
		const expected = simulator.calls
			.filter((c) => c.time_start_call * 1000 >= yesterday.from)
			.filter((c) => c.time_start_call * 1000 <= yesterday.to)
			.map((c) => c.transaction_id);
		expect(expected.length).toBeGreaterThan(50);
		const found = nodeOutput(execution, "Yesterday's calls").map((call) => call.callId);
		expect([...found].sort()).toEqual([...expected].sort());
	});

	test('the CSV file has one row per agent and direction: calls, answered calls and talk minutes, names as OMICall has them', () => {
		// Worked out from OMICall's own call history (the simulator's records), not from what the
		// example read: a field the example took wrongly cannot agree with itself here.
		const calls = simulator.calls
			.filter((c) => c.time_start_call * 1000 >= yesterday.from)
			.filter((c) => c.time_start_call * 1000 <= yesterday.to);
		/** The summary worked out here from the calls (Summarize orders it its own way: compared sorted). */
		const groups = new Map();
		for (const call of calls) {
			// A call no agent took (an auto call) has no agent and no extension.
			const [agent] = call.user;
			const key = [agent?.full_name || '(no agent)', agent?.extension || '', call.direction];
			const id = JSON.stringify(key);
			const group = groups.get(id) ?? { key, calls: 0, answered: 0, talkSec: 0 };
			group.calls += 1;
			group.answered += call.disposition === 'answered' ? 1 : 0;
			group.talkSec += call.bill_sec;
			groups.set(id, group);
		}
		expect([...groups.keys()].some((id) => id.includes('(no agent)'))).toBe(true);
		const expected = [...groups.values()].map((g) => ({
			Agent: g.key[0],
			Extension: g.key[1],
			Direction: g.key[2],
			Calls: String(g.calls),
			Answered: String(g.answered),
			// Whole seconds are summed, then rounded to a tenth of a minute once: no float drift.
			'Talk minutes': String(Math.round(g.talkSec / 6) / 10),
		}));

		const text = fs.readFileSync(csv, 'utf8');
		// A byte order mark first, so that spreadsheet programs read the Vietnamese names as UTF-8.
		expect(text.startsWith('\uFEFF')).toBe(true);
		const { header, rows } = parseCsv(text.slice(1));
		expect(header).toEqual([
			'Agent',
			'Extension',
			'Direction',
			'Calls',
			'Answered',
			'Talk minutes',
		]);
		const byGroup = (a, b) =>
			`${a.Agent} ${a.Extension} ${a.Direction}`.localeCompare(
				`${b.Agent} ${b.Extension} ${b.Direction}`,
			);
		expect(rows.length).toBe(expected.length);
		expect([...rows].sort(byGroup)).toEqual(expected.sort(byGroup));
		// Vietnamese agent names pass through unchanged.
		expect(
			rows.some((row) => /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽềềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i.test(row.Agent)),
		).toBe(true);
	});

	test('the CSV is also the binary of the last step, named for the day', () => {
		const [item] = nodeItems(execution, 'Write the CSV file');
		expect(item.binary.data).toMatchObject({
			fileName: path.basename(csv),
			fileExtension: 'csv',
			mimeType: 'text/csv',
		});
	});
});

describe('examples/reminder-robocall.json', () => {
	const WEBHOOK = 'appointment-reminders';
	const SCHEDULE = 'Next morning at 9:00';
	const KEY_HEADER = 'X-Reminder-Key';
	const KEY = `reminder-key-${Date.now()}`;
	const LONG_PLACE =
		'Bệnh viện Đa khoa Quốc tế Hoà Bình, khu khám bệnh theo yêu cầu, tầng 3, phòng 305, số 12 đường Lê Lợi, phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh, gửi xe ở tầng hầm B2, đi thang máy số 4';
	const LONG_NAME = 'Công ty Trách nhiệm Hữu hạn Thương mại Dịch vụ Xuất nhập khẩu Hoà Bình';
	const answered = [
		{
			name: 'Nguyễn Thị Mai',
			phone: '0912 345 678',
			time: '2026-12-01T09:30:00+07:00',
			place: 'Phòng khám Hoà Bình, 12 Lê Lợi',
		},
		// In UTC: read out in the workflow's time zone (14:00 in Vietnam). A place too long to read whole.
		{
			name: 'Trần Văn Đức',
			phone: '+84 983 456 789',
			time: '2026-12-01T07:00:00Z',
			place: LONG_PLACE,
		},
		{
			name: 'Lê Hoa',
			phone: '12',
			time: '2026-12-01T10:00:00+07:00',
			place: 'Phòng khám Hoà Bình',
		},
		// A booking system's SQL time, no zone: read in Vietnam time.
		{
			name: 'Võ Thị Sáu',
			phone: '0905 111 222',
			time: '2026-12-01 09:30',
			place: 'Nha khoa Sài Gòn',
		},
		// A name too long to read whole: its first 40 characters are read.
		{
			name: LONG_NAME,
			phone: '0906 222 333',
			time: '2026-12-01T11:00:00+07:00',
			place: 'Phòng khám Hoà Bình',
		},
		// No time, and no name: neither is called, each is answered with its error.
		{ name: 'Đỗ Văn Nam', phone: '0907 333 444', place: 'Phòng khám Hoà Bình' },
		{ phone: '0908 444 555', time: '2026-12-01T15:00:00+07:00', place: 'Phòng khám Hoà Bình' },
	];
	const notAnswered = [
		{
			name: 'Phạm Quốc Bảo',
			phone: '0987654321',
			time: '2026-12-02T08:00:00+07:00',
			place: 'Nha khoa Sài Gòn',
		},
	];
	let workflow;
	let refused;
	let autoCallsBefore;
	let firstAnswer;
	let secondAnswer;
	let requests;
	let readBack;

	const post = (body, headers = { [KEY_HEADER]: KEY }) =>
		fetch(`${n8n.url}/webhook/${WEBHOOK}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...headers },
			body: JSON.stringify(body),
		});

	beforeAll(async () => {
		workflow = await publishWebhookExample(
			'reminder-robocall.json',
			WEBHOOK,
			'Reminder webhook key',
			{
				name: KEY_HEADER,
				value: KEY,
			},
		);
		autoCallsBefore = simulator.callCenter.autoCalls.length;

		refused = await post({ appointments: answered }, { [KEY_HEADER]: 'wrong' });
		firstAnswer = await post({ appointments: answered });
		firstAnswer = { status: firstAnswer.status, body: await firstAnswer.json() };
		await simulator.callCenter.idle();
		simulator.callCenter.customersAnswer = false;
		try {
			secondAnswer = await post({ appointments: notAnswered });
			secondAnswer = { status: secondAnswer.status, body: await secondAnswer.json() };
			await simulator.callCenter.idle();
		} finally {
			simulator.callCenter.customersAnswer = true;
		}
		requests = simulator.callCenter.autoCalls.slice(autoCallsBefore);
		await n8n.waitForExecutions(workflow.id, 2);

		// The next morning's run, started by hand as from the editor: the calls above are in the last 24 hours.
		await n8n.runFromTrigger(workflow.id, SCHEDULE);
		readBack = (await n8n.waitForExecutions(workflow.id, 3))[2];
	});

	afterAll(async () => {
		await n8n.deactivate(workflow.id);
	});

	test('a request without the webhook key is refused and calls nobody', () => {
		expect(refused.status).toBe(403);
		// Not the wrong number, not the appointments without a time or a name.
		expect(requests.map((r) => r.phone_number_list)).toEqual([
			['0912345678'],
			['0983456789'],
			['0905111222'],
			['0906222333'],
			['0987654321'],
		]);
	});

	test('each appointment starts its own campaign with its message read aloud, the Vietnamese text unchanged', () => {
		expect(requests[0]).toMatchObject({
			name: expect.stringMatching(/^Appointment reminder \d{4}-\d{2}-\d{2}$/),
			template_dialplans: [{ target_type: 'Text_variable' }],
			variables: [
				'Xin chào Nguyễn Thị Mai. Quý khách có lịch hẹn lúc 09:30 ngày 01/12 tại Phòng khám Hoà Bình, 12 Lê Lợi. Cần đổi lịch, xin gọi lại số này. Xin cảm ơn.',
			],
			voice: 'banmai',
			num_retry: 1,
			distance_retry: 300,
		});
		expect(requests[4].variables).toEqual([
			'Xin chào Phạm Quốc Bảo. Quý khách có lịch hẹn lúc 08:00 ngày 02/12 tại Nha khoa Sài Gòn. Cần đổi lịch, xin gọi lại số này. Xin cảm ơn.',
		]);
	});

	test('a place too long to read whole is cut to its first 100 characters: the message stays within 300', () => {
		const [message] = requests[1].variables;
		expect(message).toBe(
			`Xin chào Trần Văn Đức. Quý khách có lịch hẹn lúc 14:00 ngày 01/12 tại ${LONG_PLACE.slice(0, 100)}. Cần đổi lịch, xin gọi lại số này. Xin cảm ơn.`,
		);
		expect([...LONG_PLACE].length).toBeGreaterThan(150);
		expect([...message].length).toBeLessThanOrEqual(300);
	});

	test('a time in the SQL form (2026-12-01 09:30) is read in Vietnam time', () => {
		expect(requests[2].variables).toEqual([
			'Xin chào Võ Thị Sáu. Quý khách có lịch hẹn lúc 09:30 ngày 01/12 tại Nha khoa Sài Gòn. Cần đổi lịch, xin gọi lại số này. Xin cảm ơn.',
		]);
	});

	test('a name too long to read whole is cut to its first 40 characters', () => {
		const name = [...LONG_NAME].slice(0, 40).join('');
		expect([...LONG_NAME].length).toBeGreaterThan(40);
		expect(requests[3].variables).toEqual([
			`Xin chào ${name}. Quý khách có lịch hẹn lúc 11:00 ngày 01/12 tại Phòng khám Hoà Bình. Cần đổi lịch, xin gọi lại số này. Xin cảm ơn.`,
		]);
	});

	test("the booking system is answered with each campaign's autoCallId, and the error of each appointment that cannot be called (last)", () => {
		expect(firstAnswer.status).toBe(200);
		/** What the webhook answers for the campaign of request `i`, as OMICall's call history has it. */
		const campaign = (i) => {
			const [phone] = requests[i].phone_number_list;
			return {
				autoCallId: simulator.calls.find((c) => c.phone_number === phone && c.autocall_id)
					?.autocall_id,
				name: requests[i].name,
				phoneNumbers: [phone],
				messageType: 'text',
			};
		};
		expect(firstAnswer.body).toEqual([
			campaign(0),
			campaign(1),
			{ error: 'Item 2: "12" in the Phone Numbers is not a phone number.' },
			campaign(2),
			campaign(3),
			{
				error:
					'The appointment of Đỗ Văn Nam has no time in a form this workflow reads (null), so it was not called. Send e.g. 2026-12-01T09:30:00+07:00, or 2026-12-01 09:30 in Vietnam time.',
			},
			{ error: 'The appointment for 0908 444 555 has no name, so it was not called.' },
		]);
		// Nothing was read aloud with a broken time or an empty name.
		for (const request of requests) {
			expect(request.variables[0]).not.toMatch(/Invalid DateTime|Xin chào \./);
		}
		expect(secondAnswer).toMatchObject({ status: 200, body: [{ phoneNumbers: ['0987654321'] }] });
	});

	test("the next morning's run reads each auto call of the last 24 hours back from the call history: one outcome per number", () => {
		expect(readBack.status).toBe('success');
		const campaigns = [...firstAnswer.body, ...secondAnswer.body]
			.filter((c) => c.autoCallId)
			.map((c) => c.autoCallId);
		const outcomes = nodeOutput(readBack, 'Outcome per number');
		const ours = outcomes.filter((o) => campaigns.includes(o.autoCallId));
		expect(ours.sort((a, b) => a.phone.localeCompare(b.phone))).toEqual([
			expect.objectContaining({
				phone: '0905111222',
				outcome: 'answered',
				talkSec: 47,
				autoCallId: campaigns[2],
			}),
			expect.objectContaining({
				phone: '0906222333',
				outcome: 'answered',
				talkSec: 47,
				autoCallId: campaigns[3],
			}),
			expect.objectContaining({
				phone: '0912345678',
				outcome: 'answered',
				talkSec: 47,
				autoCallId: campaigns[0],
			}),
			expect.objectContaining({
				phone: '0983456789',
				outcome: 'answered',
				talkSec: 47,
				autoCallId: campaigns[1],
			}),
			expect.objectContaining({
				phone: '0987654321',
				outcome: 'not answered',
				talkSec: 0,
				autoCallId: campaigns[4],
			}),
		]);
		for (const outcome of ours) expect(Date.parse(outcome.calledAt)).not.toBeNaN();
		// Every auto call of the last 24 hours (the nightly report's generated history has some), and
		// none of the calls agents placed.
		const readAt =
			readBack.data.resultData.runData['Outbound calls of the last 24 hours'][0].startTime;
		const since = readAt - DAY_MS;
		const expected = simulator.calls
			.filter((c) => c.autocall_id && c.time_start_call * 1000 >= since)
			.map((c) => c.autocall_id);
		expect(outcomes.map((o) => o.autoCallId).sort()).toEqual(expected.sort());
		expect(Object.keys(outcomes[0]).sort()).toEqual(
			['autoCallId', 'calledAt', 'outcome', 'phone', 'talkSec'].sort(),
		);
	});
});

describe('examples/missed-call-alert.json', () => {
	const CALLER = { name: 'Nguyễn Thị Hồng Nhung', phone: '0912345678' };
	const UNKNOWN = '0977000111';
	const NO_TIME = '0977000222';
	/** 14:05 on 29 November 2026 in Vietnam (UTC+7). */
	const AT = Date.UTC(2026, 10, 29, 7, 5);
	let mail;
	let workflow;
	let executions;
	let missedKnown;
	let missedUnknown;

	beforeAll(async () => {
		mail = await startMailServer();
		await n8n.createCredential(
			'SMTP account',
			{
				host: '127.0.0.1',
				port: mail.port,
				secure: false,
				disableStartTls: true,
				user: '',
				password: '',
			},
			'smtp',
		);
		seedContact('64aa00000000000000001601', CALLER.name, CALLER.phone);
		workflow = await importExample('missed-call-alert.json');
		await n8n.activate(workflow.id);
		await waitFor(() => simulator.hooks.get('call'), { what: "the trigger's hook" });
		// An outbound call nobody answered: not a missed call of the hotline; the trigger ignores it.
		await simulator.placeCall({ direction: 'outbound', answered: false, customerNumber: UNKNOWN });
		missedKnown = await simulator.placeCall({
			direction: 'inbound',
			answered: false,
			customerNumber: CALLER.phone,
			startedAt: AT,
		});
		missedUnknown = await simulator.placeCall({
			direction: 'inbound',
			answered: false,
			customerNumber: UNKNOWN,
			hotline: '02473001234',
			startedAt: AT + 60 * 60 * 1000,
		});
		await simulator.placeCall({
			direction: 'inbound',
			answered: true,
			customerNumber: CALLER.phone,
		});
		// A hidden caller: a number the contact lookup cannot take.
		await simulator.placeCall({
			direction: 'inbound',
			answered: false,
			customerNumber: 'anonymous',
			hotline: '02473009999',
			startedAt: AT,
		});
		// A call record without any time (OMICall's record fields can be null).
		const timeless = buildCallRecord({
			direction: 'inbound',
			answered: false,
			customerNumber: NO_TIME,
		});
		Object.assign(timeless, { time_start_call: null, created_date: null });
		await simulator.deliver(simulator.hooks.get('call').url, timeless);
		executions = await n8n.waitForExecutions(workflow.id, 5);
	});

	afterAll(async () => {
		await deactivateTrigger(workflow);
		await mail?.stop();
	});

	test('each inbound call record starts a run (the outbound one none), and every run succeeds', () => {
		expect(executions.map((e) => e.status)).toEqual(Array(5).fill('success'));
		expect(executions.map((e) => nodeOutput(e, 'OMICall Trigger')[0].direction)).toEqual(
			Array(5).fill('inbound'),
		);
	});

	test('a hidden caller ("anonymous"), which no contact lookup can take, is still mailed as "Unknown caller"', () => {
		const message = mail.messages.find((m) => m.text.includes('Number: anonymous'));
		expect(message?.headers.subject).toBe('Missed call from Unknown caller (anonymous)');
		expect(message.text).toContain('Caller: Unknown caller\n');
		expect(message.text).toContain('Hotline: 02473009999\n');
		expect(message.text).toContain('Time: 14:05, 29/11/2026 (Vietnam time)\n');
		expect(nodeOutput(executions[3], 'OMICall Trigger')[0].customerNumber).toBe('anonymous');
	});

	test('a call record without a time says so, rather than "Invalid DateTime"', () => {
		const message = mail.messages.find((m) => m.text.includes(`Number: ${NO_TIME}`));
		expect(nodeOutput(executions[4], 'OMICall Trigger')[0].startedAt).toBeNull();
		expect(message?.text).toContain('Time: not given by OMICall\n');
		expect(message.text).not.toContain('Invalid');
	});

	test('a missed call from a contact: an email in plain English naming the caller as OMICall has them, the number, the hotline and the time in Vietnam', () => {
		const message = mail.messages.find((m) => m.text.includes(`Number: ${CALLER.phone}`));
		expect(message.envelope.to).toEqual(['sales-team@example.com']);
		expect(message.headers.subject).toBe(`Missed call from ${CALLER.name} (${CALLER.phone})`);
		expect(message.text.trim()).toBe(
			[
				'Nobody answered a call to your hotline.',
				'',
				`Caller: ${CALLER.name}`,
				`Number: ${CALLER.phone}`,
				'Hotline: 842899959300',
				'Time: 14:05, 29/11/2026 (Vietnam time)',
				'',
				'Please call them back.',
			].join('\n'),
		);
		expect(nodeOutput(executions[0], 'Find the caller')[0]).toMatchObject({
			contactId: '64aa00000000000000001601',
			fullName: CALLER.name,
		});
		expect(nodeOutput(executions[0], 'OMICall Trigger')[0].callId).toBe(missedKnown.transactionId);
	});

	test('a missed call from a number OMICall has no contact for: the email says "Unknown caller"', () => {
		const message = mail.messages.find((m) => m.text.includes(`Number: ${UNKNOWN}`));
		expect(message.headers.subject).toBe(`Missed call from Unknown caller (${UNKNOWN})`);
		expect(message.text).toContain('Caller: Unknown caller\n');
		expect(message.text).toContain('Hotline: 02473001234\n');
		expect(message.text).toContain('Time: 15:05, 29/11/2026 (Vietnam time)\n');
		expect(nodeOutput(executions[1], 'Find the caller')).toEqual([{}]);
		expect(nodeOutput(executions[1], 'OMICall Trigger')[0].callId).toBe(
			missedUnknown.transactionId,
		);
	});

	test('an answered call sends nothing: its run stops at "Not answered"', () => {
		expect(mail.messages).toHaveLength(4);
		expect(executions[2].data.resultData.runData['Find the caller']).toBeUndefined();
		expect(nodeOutput(executions[2], 'OMICall Trigger')[0].answered).toBe(true);
	});
});

describe('examples/speed-to-lead.json', () => {
	const FORM = 'call-me-back';
	/** A customer OMICall already has: two phones and a tag the form must not touch. */
	const CUSTOMER = {
		contactId: '64aa00000000000000001602',
		name: 'Hoàng Thị Thu Trang',
		phones: ['0903111222', '0938444555'],
		tags: ['Khách hàng VIP'],
	};
	const LEADS = [
		{ name: 'Trần Thị Bích Ngọc', phone: '+84 912 000 111', number: '0912000111', answers: true },
		{ name: 'Lê Văn Tám', phone: '0987.111.222', number: '0987111222', answers: false },
		// The first lead again, from another page: the same contact, called again.
		{ name: 'Trần Thị Bích Ngọc', phone: '0912 000 111', number: '0912000111', answers: true },
		// The customer, with a short name and their second number: called on that number, unchanged.
		{ name: 'Trang', phone: '0938 444 555', number: '0938444555', answers: true },
		// Numbers a stranger could make the account pay for: a premium line, a foreign number.
		{ name: 'Spam', phone: '1900 123456', number: null },
		{ name: 'Spam', phone: '+44 20 7946 0958', number: null },
	];
	const CALLED = LEADS.filter((lead) => lead.number);
	let workflow;
	let contactsBefore;
	let customerBefore;
	let clickToCallsBefore;
	let answers;
	let executions;

	/** Posts the form as the browser does: multipart, its fields named field-0, field-1 (n8n's form page). */
	const submit = async (lead) => {
		const form = new FormData();
		form.append('field-0', lead.name);
		form.append('field-1', lead.phone);
		const response = await fetch(`${n8n.url}/form/${FORM}`, { method: 'POST', body: form });
		return { status: response.status, text: await response.text() };
	};

	beforeAll(async () => {
		seedContact(CUSTOMER.contactId, CUSTOMER.name, CUSTOMER.phones, CUSTOMER.tags);
		customerBefore = JSON.stringify(simulator.contactStore.findByPhone(CUSTOMER.phones[0]));
		workflow = await importExample('speed-to-lead.json');
		await n8n.activate(workflow.id);
		await waitFor(() => simulator.hooks.get('call'), { what: "the trigger's hook" });
		await waitFor(async () => (await fetch(`${n8n.url}/form/${FORM}`)).status === 200, {
			what: 'the form',
		});
		contactsBefore = simulator.contactStore.contacts.length;
		clickToCallsBefore = simulator.callCenter.clickToCalls.length;
		answers = [];
		let runs = 0;
		let calls = 0;
		try {
			for (const lead of LEADS) {
				simulator.callCenter.customersAnswer = lead.answers ?? true;
				answers.push(await submit(lead));
				// The form's run places the call; the call's record starts the second part.
				runs += lead.number ? 2 : 1;
				if (lead.number) {
					calls += 1;
					await waitFor(
						() => simulator.callCenter.clickToCalls.length - clickToCallsBefore >= calls,
						{
							what: 'the click-to-call',
						},
					);
					await simulator.callCenter.idle();
				}
				await n8n.waitForExecutions(workflow.id, runs);
			}
		} finally {
			simulator.callCenter.customersAnswer = true;
		}
		executions = await n8n.waitForExecutions(workflow.id, runs);
	});

	afterAll(async () => {
		await deactivateTrigger(workflow);
	});

	/** The callId "Call the lead" gave for each form post that placed a call, in order. */
	const placedCalls = () =>
		executions
			.filter((e) => e.data.resultData.runData['Call the lead'])
			.map((e) => nodeOutput(e, 'Call the lead')[0]?.callId);

	test('the form is accepted and every run succeeds', () => {
		expect(answers.map((a) => a.status)).toEqual(LEADS.map(() => 200));
		expect(executions.map((e) => e.status)).toEqual(
			Array(LEADS.length + CALLED.length).fill('success'),
		);
	});

	test('each new lead is an OMICall contact, named as typed and tagged "Web lead"; the returning lead is not added twice', () => {
		const store = simulator.contactStore;
		expect(store.contacts.length - contactsBefore).toBe(2);
		for (const lead of LEADS.slice(0, 3)) {
			const contact = store.findByPhone(lead.number);
			expect(fullNameOf(contact)).toBe(lead.name);
			expect(contact.tags).toEqual(['Web lead']);
		}
	});

	test('an existing customer who fills the form is left exactly as they were: name, both phones, tags', () => {
		const customer = simulator.contactStore.findByPhone(CUSTOMER.phones[1]);
		expect(JSON.stringify(customer)).toBe(customerBefore);
		expect(fullNameOf(customer)).toBe(CUSTOMER.name);
		expect(customer.tags).toEqual(CUSTOMER.tags);
	});

	test("OMICall is asked to ring the agent's extension and dial the number typed in the form, in its own form", () => {
		expect(simulator.callCenter.clickToCalls.slice(clickToCallsBefore)).toEqual(
			CALLED.map((lead) => ({
				extension: '100',
				hotline: '842899959300',
				phone_number: lead.number,
			})),
		);
		expect(placedCalls()).toHaveLength(CALLED.length);
		expect(placedCalls().every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
	});

	test('a premium (1900…) or foreign number places no call and saves no contact: the run stops at the number check', () => {
		const stopped = executions.filter(
			(e) => e.data.resultData.runData['Lead form'] && !e.data.resultData.runData['Call the lead'],
		);
		expect(stopped.map((e) => nodeOutput(e, 'Lead form')[0].Phone)).toEqual([
			'1900 123456',
			'+44 20 7946 0958',
		]);
		for (const execution of stopped) {
			expect(nodeOutput(execution, 'Vietnamese mobile numbers only')).toEqual([]);
			expect(execution.data.resultData.runData['Find the contact']).toBeUndefined();
		}
		expect(simulator.contactStore.findByPhone('1900123456')).toBeFalsy();
	});

	test("when each call ends, how it ended is added to the call's note in OMICall, after the agent's note", () => {
		const notes = placedCalls().map((id) => simulator.findCall(id)?.note);
		expect(notes).toEqual([
			'Khách hàng hỏi về đơn hàng\nSpeed to lead: answered, talked 47 s.',
			'Khách hàng hỏi về đơn hàng\nSpeed to lead: not answered.',
			'Khách hàng hỏi về đơn hàng\nSpeed to lead: answered, talked 47 s.',
			'Khách hàng hỏi về đơn hàng\nSpeed to lead: answered, talked 47 s.',
		]);
	});
});

describe('examples/contacts-from-crm.json', () => {
	const ROUTE = 'crm-contacts';
	const KEY_HEADER = 'X-CRM-Key';
	const KEY = `crm-key-${Date.now()}`;
	const CUSTOMER = { id: 'CRM-1042', name: 'Đặng Ngọc Lan', phone: '+84 93 555 0101' };
	let workflow;

	const post = async (body, headers = { [KEY_HEADER]: KEY }) => {
		const response = await fetch(`${n8n.url}/webhook/${ROUTE}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...headers },
			body: JSON.stringify(body),
		});
		const text = await response.text();
		// n8n answers a refused request in plain text, the workflow's answer in JSON.
		return { status: response.status, body: response.ok ? JSON.parse(text) : text };
	};
	/** What the contact API was asked to write since `from` (an index into the request log). */
	const writesSince = (from) =>
		simulator.requests.slice(from).filter((r) => /\/(add|update)$/.test(r.path));

	beforeAll(async () => {
		workflow = await publishWebhookExample('contacts-from-crm.json', ROUTE, 'CRM webhook key', {
			name: KEY_HEADER,
			value: KEY,
		});
	});

	afterAll(async () => {
		await n8n.deactivate(workflow.id);
	});

	test('a customer is created with its reference ID; sent again, nothing changes and nothing is written', async () => {
		const store = simulator.contactStore;
		const before = store.contacts.length;
		const first = await post(CUSTOMER);
		expect(first).toMatchObject({
			status: 200,
			body: {
				refId: 'CRM-1042',
				fullName: 'Đặng Ngọc Lan',
				phones: [{ number: '0935550101', kind: 'personal' }],
			},
		});
		expect(store.contacts.length).toBe(before + 1);
		const writes = store.writes.length;
		const requests = simulator.requests.length;

		const second = await post(CUSTOMER);
		expect(second).toEqual(first);
		expect(store.contacts.length).toBe(before + 1);
		expect(store.writes.length).toBe(writes);
		expect(writesSince(requests)).toEqual([]);
	});

	test('a changed customer updates the same contact', async () => {
		const store = simulator.contactStore;
		const before = store.contacts.length;
		const writes = store.writes.length;
		const answer = await post({ ...CUSTOMER, name: 'Đặng Ngọc Lan Anh' });
		expect(answer).toMatchObject({
			status: 200,
			body: { refId: 'CRM-1042', fullName: 'Đặng Ngọc Lan Anh' },
		});
		expect(store.contacts.length).toBe(before);
		expect(store.writes.slice(writes).map((w) => w.action)).toEqual(['updated']);
		expect(fullNameOf(store.findByRefId('CRM-1042'))).toBe('Đặng Ngọc Lan Anh');
	});

	test('a customer without a phone number is created all the same, with no phone', async () => {
		const store = simulator.contactStore;
		const before = store.contacts.length;
		const answer = await post({ id: 'CRM-3001', name: 'Bùi Thị Hạnh' });
		expect(answer).toMatchObject({
			status: 200,
			body: { refId: 'CRM-3001', fullName: 'Bùi Thị Hạnh' },
		});
		expect(answer.body.error).toBeUndefined();
		expect(store.contacts.length).toBe(before + 1);
		expect(fullNameOf(store.findByRefId('CRM-3001'))).toBe('Bùi Thị Hạnh');
	});

	test('a wrong phone number is answered with a plain-English error and writes nothing; a request without the key is refused', async () => {
		const store = simulator.contactStore;
		const writes = store.writes.length;
		const requests = simulator.requests.length;
		const bad = await post({ id: 'CRM-2001', name: 'Phạm Quốc Bảo', phone: '12' });
		expect(bad.status).toBe(200);
		expect(bad.body.error).toMatch(/"12" in the Phones is not a phone number/);
		const refused = await post({ ...CUSTOMER, name: 'Someone else' }, { [KEY_HEADER]: 'wrong' });
		expect(refused.status).toBe(403);
		expect(store.writes.length).toBe(writes);
		expect(writesSince(requests)).toEqual([]);
		expect(fullNameOf(store.findByRefId('CRM-1042'))).toBe('Đặng Ngọc Lan Anh');
	});
});
