'use strict';
/**
 * Realistic OMICall call and contact events, shaped as shared/omicall-api.md documents them:
 * live events (ringing, answered, hangup) with times in seconds and date_time in milliseconds,
 * and a full `cdr` record. Used by the simulator, its history generator, the tests and the benchmarks.
 */
const crypto = require('node:crypto');

const foldCache = new Map();
const CUSTOMERS = ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Hoàng Cường', 'Phạm Thu Dung'];

/**
 * The tenant's agents: extensions 100–120 with a name, an email and an id. Inferred: OMICall
 * extensions are short numbers; 24-hex ids as in the documented samples (create_by.id).
 * placeCall() picks from the first two only (tests expect their names); the history generator uses all.
 */
const AGENT_NAMES = [
	'Võ Minh Khoa',
	'Đặng Ngọc Lan',
	'Nguyễn Thị Hồng Nhung',
	'Trần Quốc Bảo',
	'Lê Thị Mai',
	'Phạm Đức Anh',
	'Hoàng Thu Trang',
	'Huỳnh Văn Phúc',
	'Bùi Thị Thảo',
	'Đỗ Minh Tuấn',
	'Ngô Thị Hạnh',
	'Dương Quang Huy',
	'Lý Thị Yến',
	'Phan Thanh Sơn',
	'Vũ Thị Ngọc Ánh',
	'Trịnh Văn Đạt',
	'Đinh Thị Kim Oanh',
	'Mai Xuân Trường',
	'Tạ Thị Loan',
	'Cao Minh Hiếu',
	'Lương Thị Quỳnh',
];
const AGENTS = AGENT_NAMES.map((name, i) => {
	const extension = String(100 + i);
	return {
		extension,
		name,
		// e.g. khoa.100@example.vn: the given name without its marks, so the address is plain ASCII.
		email: `${fold(name.split(' ').pop() ?? '')}.${extension}@example.vn`,
		id: `6209c98561c1cb163ded${extension.padStart(4, '0')}`,
	};
});
const DEFAULT_HOTLINE = '842899959300';
/** The documented recording host (3.3); the simulator passes its own URL instead. */
const DOCUMENTED_RECORDING_BASE = 'https://public-v1-stg.omicrm.com';

/** Lower case, without Vietnamese marks: "Đặng Ngọc Lan" → "dang ngoc lan" (as `full_name_unsigned`, documented). */
function fold(text) {
	const key = String(text);
	let folded = foldCache.get(key);
	if (folded === undefined) {
		folded = key
			.normalize('NFD')
			.replace(/[\u0300-\u036f]/g, '')
			.replace(/đ/g, 'd')
			.replace(/Đ/g, 'D')
			.toLowerCase();
		if (foldCache.size >= 10_000) foldCache.clear();
		foldCache.set(key, folded);
	}
	return folded;
}

/** A 24-hex id, the shape of OMICall's ids (documented samples), from `random`. */
function hexId(random, length = 24) {
	let id = '';
	while (id.length < length)
		id += Math.floor(random() * 0x100000000)
			.toString(16)
			.padStart(8, '0');
	return id.slice(0, length);
}

/** A version 4 UUID from `random` (OMICall's transaction ids are UUIDs, documented). */
function uuidFrom(random) {
	const h = hexId(random, 32);
	const variant = '89ab'[Math.floor(random() * 4)];
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20)}`;
}

/**
 * @param {{direction?: 'inbound'|'outbound'|'local', answered?: boolean, startedAt?: number,
 *   customerNumber?: string, customerName?: string, notes?: string, transfers?: number,
 *   agent?: {extension: string, name: string, email?: string, id?: string}|null, localExtension?: string,
 *   hotline?: string, ringSec?: number, talkSec?: number, transactionId?: string,
 *   recordingBaseUrl?: string, recordingId?: string, autocallId?: string, random?: () => number}} [options]
 *   `random` (a function returning [0, 1)) makes every choice not given reproducible; `agent: null`
 *   is a call no agent took part in (an auto call).
 * @returns {object} the call's final `cdr` record (documented, 3.2)
 */
function buildCallRecord(options = {}) {
	return { state: 'cdr', ...callFields(options), send_num_retry: 1 };
}

/** The fields of a call record, without the delivery's `state` and `send_num_retry`. */
function callFields(options = {}) {
	const random = options.random ?? Math.random;
	const direction = options.direction ?? 'inbound';
	const answered = options.answered ?? true;
	const start = Math.floor((options.startedAt ?? Date.now()) / 1000);
	const ringSec = options.ringSec ?? 5;
	const talkSec = answered ? (options.talkSec ?? 47) : 0;
	const answerAt = start + ringSec;
	const end = answered ? answerAt + talkSec : start + 20;
	const transactionId =
		options.transactionId ?? (options.random ? uuidFrom(random) : crypto.randomUUID());
	const agent = options.agent === undefined ? AGENTS[Math.floor(random() * 2)] : options.agent;
	const customerName = options.customerName ?? CUSTOMERS[Math.floor(random() * CUSTOMERS.length)];
	const customerNumber =
		options.customerNumber ?? `09${String(Math.floor(random() * 1e8)).padStart(8, '0')}`;
	const hotline = options.hotline ?? DEFAULT_HOTLINE;
	const extension = agent ? agent.extension : null;
	const localExtension = options.localExtension ?? '101';
	// Outbound: the agent's extension calls the customer; inbound the other way round. An auto call
	// has no agent: it goes out on the hotline (inferred).
	const from = direction === 'inbound' ? customerNumber : (extension ?? hotline);
	const to =
		direction === 'inbound'
			? (extension ?? hotline)
			: direction === 'local'
				? localExtension
				: customerNumber;
	const autoCall = options.autocallId !== undefined;
	const recordingId = options.recordingId ?? hexId(random);
	const recordingBase = options.recordingBaseUrl ?? DOCUMENTED_RECORDING_BASE;

	const transfers = Array.from({ length: options.transfers ?? 0 }, (_, i) => ({
		from_extension: extension,
		to_extension: String(102 + i),
		time: start + i,
		note: 'Chuyển cuộc gọi cho bộ phận chăm sóc khách hàng',
	}));
	const record = {
		transaction_id: transactionId,
		tenant_id: 'tenant-sim',
		direction,
		phone_number: customerNumber,
		source_number: from,
		destination_number: to,
		from_number: from,
		to_number: to,
		hotline,
		sip_number: hotline,
		sip_user: extension,
		duration: end - start,
		answer_sec: answered ? ringSec : 0,
		bill_sec: talkSec,
		record_seconds: talkSec,
		time_start_call: start,
		time_start_to_answer: answered ? answerAt : null,
		time_end_call: end,
		created_date: start * 1000,
		last_updated_date: end * 1000,
		// Documented (3.3): …/third_party/recording/uc?id=<opaque>&code=<transaction_id>; none for a missed call.
		recording_file_url: answered
			? `${recordingBase}/third_party/recording/uc?id=${recordingId}&code=${transactionId}`
			: null,
		endby_name: answered ? 'end_call_by_customer' : 'end_call_by_timeout',
		disposition: answered ? 'answered' : 'cancelled',
		call_out_price: direction === 'outbound' ? 1200 : 0,
		provider: 'viettel',
		ivr: direction === 'inbound',
		is_auto_call: autoCall,
		is_have_forward_out: false,
		transfer_histories: transfers,
		user: agent
			? [{ id: agent.id, full_name: agent.name, extension: agent.extension, email: agent.email }]
			: [],
		customer: {
			full_name: customerName,
			full_name_unsigned: fold(customerName),
			phone_number: customerNumber,
		},
		// Documented: create_by is {id, name, contact_id}; observed: "create_default_by_tenant" when no agent.
		create_by: agent
			? {
					id: agent.id,
					name: agent.name,
					contact_id: `6209c98c067f745da473${extension?.padStart(4, '0')}`,
				}
			: { id: '6209c98561c1cb163ded25f7', name: 'create_default_by_tenant', contact_id: null },
		note: options.notes ?? 'Khách hàng hỏi về đơn hàng',
		tag: [],
	};
	if (autoCall) {
		// Documented (8): auto call results are ordinary records with is_auto_call, autocall_id, autocall_uuid.
		record.autocall_id = options.autocallId;
		record.autocall_uuid = options.random ? uuidFrom(random) : crypto.randomUUID();
	}
	return record;
}

/**
 * A call's events: the live ones (3.1) and the final record.
 * @param {Parameters<typeof buildCallRecord>[0]} [options]
 * @returns {object[]} ringing, answered (when answered), hangup and cdr, in that order
 */
function buildCallEvents(options = {}) {
	const cdr = buildCallRecord(options);
	const live = (state, at) => ({
		state,
		call_uuid: cdr.transaction_id,
		direction: cdr.direction,
		from_number: cdr.from_number,
		to_number: cdr.to_number,
		hotline: cdr.hotline,
		created_time: at,
		date_time: at * 1000,
	});
	const events = [live('ringing', cdr.time_start_call)];
	if (cdr.time_start_to_answer !== null) events.push(live('answered', cdr.time_start_to_answer));
	events.push(live('hangup', cdr.time_end_call), cdr);
	return events;
}

/** @param {{action?: 'created'|'updated'}} [options] */
function buildContactEvent(options = {}) {
	const name = CUSTOMERS[Math.floor(Math.random() * CUSTOMERS.length)];
	return {
		action: options.action ?? 'created',
		tenant_id: 'tenant-sim',
		// options.contact: a contact as OMICall holds it (contacts.js), e.g. one just written through the API.
		data: [
			options.contact ?? {
				contact_id: crypto.randomUUID(),
				attribute_structure: [
					{ field_code: 'full_name', value_text: name },
					{ field_code: 'phone_number', value_text: '0395187319' },
					{ field_code: 'mail', value_text: 'khachhang@example.vn' },
				],
			},
		],
	};
}

module.exports = {
	buildCallEvents,
	buildCallRecord,
	callFields,
	buildContactEvent,
	AGENTS,
	DEFAULT_HOTLINE,
	fold,
	hexId,
	uuidFrom,
};
