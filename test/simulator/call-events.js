'use strict';
/**
 * Realistic OMICall call and contact events, shaped as shared/omicall-api.md documents them:
 * live events (ringing, answered, hangup) with times in seconds and date_time in milliseconds,
 * and a full `cdr` record. Used by the simulator, the tests and the benchmarks.
 */
const crypto = require('node:crypto');

const CUSTOMERS = ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Hoàng Cường', 'Phạm Thu Dung'];
const AGENTS = [
	{ extension: '100', name: 'Võ Minh Khoa' },
	{ extension: '101', name: 'Đặng Ngọc Lan' },
];

/**
 * @param {{direction?: 'inbound'|'outbound'|'local', answered?: boolean, startedAt?: number,
 *   customerNumber?: string, notes?: string, transfers?: number}} [options]
 * @returns {object[]} ringing, answered (when answered), hangup and cdr, in that order
 */
function buildCallEvents(options = {}) {
	const direction = options.direction ?? 'inbound';
	const answered = options.answered ?? true;
	const start = Math.floor((options.startedAt ?? Date.now()) / 1000);
	const ringSec = 5;
	const talkSec = answered ? 47 : 0;
	const answerAt = start + ringSec;
	const end = answered ? answerAt + talkSec : start + 20;
	const transactionId = crypto.randomUUID();
	const agent = AGENTS[Math.floor(Math.random() * AGENTS.length)];
	const customerName = CUSTOMERS[Math.floor(Math.random() * CUSTOMERS.length)];
	const customerNumber = options.customerNumber ?? `09${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
	const hotline = '842899959300';
	// Outbound: the agent's extension calls the customer; inbound the other way round.
	const from = direction === 'outbound' ? agent.extension : direction === 'local' ? agent.extension : customerNumber;
	const to = direction === 'inbound' ? agent.extension : direction === 'local' ? '101' : customerNumber;

	const live = (state, at) => ({
		state,
		call_uuid: transactionId,
		direction,
		from_number: from,
		to_number: to,
		hotline,
		created_time: at,
		date_time: at * 1000,
	});
	const events = [live('ringing', start)];
	if (answered) events.push(live('answered', answerAt));
	events.push(live('hangup', end));

	const transfers = Array.from({ length: options.transfers ?? 0 }, (_, i) => ({
		from_extension: agent.extension,
		to_extension: String(102 + i),
		time: start + i,
		note: 'Chuyển cuộc gọi cho bộ phận chăm sóc khách hàng',
	}));
	events.push({
		state: 'cdr',
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
		sip_user: agent.extension,
		duration: end - start,
		answer_sec: answered ? ringSec : 0,
		bill_sec: talkSec,
		record_seconds: talkSec,
		time_start_call: start,
		time_start_to_answer: answered ? answerAt : null,
		time_end_call: end,
		created_date: start * 1000,
		last_updated_date: end * 1000,
		recording_file_url: answered ? `https://recording.omicall.example/recording/${transactionId}.mp3` : null,
		endby_name: answered ? 'end_call_by_customer' : 'end_call_by_timeout',
		disposition: answered ? 'answered' : 'cancelled',
		call_out_price: direction === 'outbound' ? 1200 : 0,
		provider: 'viettel',
		ivr: direction === 'inbound',
		is_auto_call: false,
		is_have_forward_out: false,
		transfer_histories: transfers,
		user: [{ full_name: agent.name, extension: agent.extension }],
		customer: { full_name: customerName, phone_number: customerNumber },
		create_by: { full_name: agent.name },
		note: options.notes ?? 'Khách hàng hỏi về đơn hàng',
		tag: [],
		send_num_retry: 1,
	});
	return events;
}

/** @param {{action?: 'created'|'updated'}} [options] */
function buildContactEvent(options = {}) {
	const name = CUSTOMERS[Math.floor(Math.random() * CUSTOMERS.length)];
	return {
		action: options.action ?? 'created',
		tenant_id: 'tenant-sim',
		data: [
			{
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

module.exports = { buildCallEvents, buildContactEvent };
