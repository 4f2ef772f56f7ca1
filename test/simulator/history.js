'use strict';
/**
 * The simulator's call history (shared/omicall-api.md section 4): the item shapes, a seeded
 * generator of large histories and the v3 search. Labels as in omicall-api.md: documented, vendor,
 * observed, inferred.
 *
 * One item per transaction_id (inferred: getByTransactionId and detail/{id} return one call). The
 * cdr hook can fire once per leg of a transferred call (observed); the history keeps the last one,
 * and a transferred call is one item whose transfer_histories lists the transfers.
 */
const { callFields, AGENTS, DEFAULT_HOTLINE, fold, hexId } = require('./call-events');

const DAY_MS = 24 * 60 * 60 * 1000;
const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;

/** The tenant's tags (inferred ids); the change endpoint adds any other name it is given. */
const SEED_TAGS = ['Khiếu nại', 'Tư vấn', 'Đơn hàng', 'Bảo hành', 'Khách hàng VIP', 'Gọi lại'];
const NOTES = [
	'Khách hàng hỏi về đơn hàng',
	'Khách hàng muốn đổi địa chỉ giao hàng',
	'Hẹn gọi lại vào buổi chiều',
	'Khách phàn nàn giao hàng chậm',
	'Tư vấn gói cước mới',
	'',
];
const FAMILY = [
	'Nguyễn',
	'Trần',
	'Lê',
	'Phạm',
	'Hoàng',
	'Huỳnh',
	'Phan',
	'Vũ',
	'Võ',
	'Đặng',
	'Bùi',
	'Đỗ',
	'Hồ',
	'Ngô',
	'Dương',
	'Lý',
];
const MIDDLE = [
	'Văn',
	'Thị',
	'Hữu',
	'Đức',
	'Minh',
	'Thanh',
	'Ngọc',
	'Quang',
	'Thu',
	'Hoàng',
	'Xuân',
	'Kim',
];
const GIVEN = [
	'An',
	'Bình',
	'Cường',
	'Dung',
	'Giang',
	'Hà',
	'Hải',
	'Hương',
	'Khánh',
	'Linh',
	'Long',
	'Mai',
	'Nam',
	'Nga',
	'Phương',
	'Quân',
	'Sơn',
	'Tâm',
	'Thảo',
	'Tùng',
	'Uyên',
	'Việt',
	'Xuân',
	'Yến',
	'Đông',
	'Ánh',
];
/** Vietnamese mobile prefixes (Viettel, Vinaphone, Mobifone, Vietnamobile). */
const MOBILE_PREFIXES = [
	'032',
	'033',
	'034',
	'035',
	'036',
	'037',
	'038',
	'039',
	'070',
	'076',
	'077',
	'078',
	'079',
	'081',
	'082',
	'083',
	'084',
	'085',
	'086',
	'088',
	'089',
	'090',
	'091',
	'093',
	'094',
	'096',
	'097',
	'098',
];
const HOTLINES = [DEFAULT_HOTLINE, '842473005588', '842871099999', '19006868'];

/** mulberry32: a small, fast, seeded PRNG returning [0, 1). */
function seededRandom(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/**
 * A history item (the v2 item of section 4; v3's is not documented and taken to be the same,
 * inferred) from a cdr record: the webhook record without `state` and `send_num_retry` (those
 * describe the delivery, not the call), plus the fields section 4 lists for v2 items.
 */
function toHistoryItem(cdr) {
	// A copy key by key: `{...rest, more}` is about ten times slower here, and 10,000 calls must be quick.
	const item = {};
	for (const key of Object.keys(cdr))
		if (key !== 'state' && key !== 'send_num_retry') item[key] = cdr[key];
	return addHistoryFields(item);
}

/** Turns a record's fields (callFields) into a history item in place. */
function addHistoryFields(item) {
	const answered = item.answer_sec > 0;
	item.hotline = null; // documented (v2): null in history; sip_number keeps the hotline
	item.call_uuid = item.transaction_id; // documented (3.1): call_uuid equals transaction_id
	item.time_ringing_start = item.time_start_call; // documented field, value inferred
	item.time_answer_start = item.time_start_to_answer; // documented field, value inferred
	item.recording_file = item.recording_file_url; // documented field, value inferred
	item.recording_data = null; // documented field, meaning unknown
	item.autocall_id = item.autocall_id ?? null; // documented
	item.autocall_uuid = item.autocall_uuid ?? null; // documented
	item.bill_sec_forward_out = 0; // documented field
	item.invite_failure_status = null; // documented field
	// Documented (call_transaction/search items), values from the documented examples:
	item.is_missed_call = !answered;
	item.hangup_cause = answered ? 'NORMAL_CLEARING' : 'ORIGINATOR_CANCEL';
	item.dial_status = answered ? 'ANSWER' : 'CANCEL';
	// Documented (v2): user[] adds note and tag[{name}].
	item.user = (item.user ?? []).map((u) => ({ ...u, note: '', tag: [] }));
	return item;
}

/** The v1 shape of detail/{id} (documented, v1): `recording_file` instead of `recording_file_url`. */
function toV1Item(item) {
	const { recording_file_url, ...rest } = item;
	return {
		...rest,
		recording_file: recording_file_url,
		disposition: item.answer_sec > 0 ? 'answered' : 'cancelled',
	};
}

/**
 * `count` calls starting within the `days` before `endAt`, all chosen by `seed`: the same seed and
 * endAt give the same calls. Mostly within business hours, Vietnam time (inferred, realistic).
 * @param {{count?: number, days?: number, seed?: number, endAt?: number, recordingBaseUrl: string,
 *   tagId: (name: string) => string}} options
 */
function generateCalls({
	count = 1000,
	days = 90,
	seed = 1,
	endAt = Date.now(),
	recordingBaseUrl,
	tagId,
}) {
	const random = seededRandom(seed);
	const pick = (list) => list[Math.floor(random() * list.length)];
	const chance = (p) => random() < p;
	const windowMs = days * DAY_MS;
	const windowStart = endAt - windowMs;
	// A pool of customers, so that some call more than once (a keyword search finds several calls).
	const customers = Array.from({ length: Math.max(1, Math.ceil(count / 5)) }, () => ({
		name: `${pick(FAMILY)} ${pick(MIDDLE)} ${pick(GIVEN)}`,
		number: `${pick(MOBILE_PREFIXES)}${String(Math.floor(random() * 1e7)).padStart(7, '0')}`,
	}));
	const autocallIds = [hexId(random), hexId(random), hexId(random)];

	const items = new Array(count);
	for (let i = 0; i < count; i++) {
		let at = windowStart + Math.floor(random() * windowMs);
		// Night calls (20:00–08:00 Vietnam time) mostly move 12 hours, into the day.
		const hour = Math.floor(((at + VIETNAM_OFFSET_MS) % DAY_MS) / 3_600_000);
		if ((hour < 8 || hour >= 20) && chance(0.85)) {
			if (at - DAY_MS / 2 >= windowStart) at -= DAY_MS / 2;
			else if (at + DAY_MS / 2 < endAt) at += DAY_MS / 2;
		}
		const roll = random();
		const direction = roll < 0.5 ? 'inbound' : roll < 0.92 ? 'outbound' : 'local';
		const auto = direction === 'outbound' && chance(0.05);
		const answered = chance(direction === 'inbound' ? 0.75 : direction === 'outbound' ? 0.6 : 0.85);
		const agent = auto ? null : pick(AGENTS);
		// A local call: agent to agent; the other agent stands where the customer would (inferred).
		const other =
			direction === 'local'
				? AGENTS[
						(AGENTS.indexOf(agent) + 1 + Math.floor(random() * (AGENTS.length - 1))) % AGENTS.length
					]
				: null;
		const customer = other ? { name: other.name, number: other.extension } : pick(customers);
		const fields = callFields({
			random,
			direction,
			answered,
			startedAt: at,
			agent,
			localExtension: other?.extension,
			customerNumber: customer.number,
			customerName: customer.name,
			hotline: direction === 'local' ? DEFAULT_HOTLINE : pick(HOTLINES),
			ringSec: 2 + Math.floor(random() * 20),
			talkSec: auto ? 15 + Math.floor(random() * 30) : 10 + Math.floor(random() * random() * 900),
			transfers:
				answered && direction === 'inbound' && chance(0.04) ? 1 + Math.floor(random() * 2) : 0,
			notes: answered ? pick(NOTES) : '',
			recordingBaseUrl,
			autocallId: auto ? pick(autocallIds) : undefined,
		});
		const item = addHistoryFields(fields);
		if (answered && item.user.length && chance(0.15)) {
			const names = chance(0.3)
				? [pick(SEED_TAGS), pick(SEED_TAGS)].filter((n, k, all) => all.indexOf(n) === k)
				: [pick(SEED_TAGS)];
			setTags(item, names, tagId);
		}
		items[i] = item;
	}
	return items;
}

/**
 * Tags on a call: `tag` holds the tags' ids (documented, v2) and the agent's entry in user[] their
 * names as [{name}] (documented, v2). Which of the two the change endpoint writes is not
 * documented: both here (inferred).
 */
function setTags(item, names, tagId) {
	item.tag = names.map(tagId);
	if (item.user[0]) item.user[0].tag = names.map((name) => ({ name }));
}

/** Sets the note where a call carries it: `note` (documented, 3.2) and the agent's user[] entry (documented, v2). */
function setNote(item, note) {
	item.note = note;
	if (item.user[0]) item.user[0].note = note;
}

/** The folded name of each item, computed once (keyword search is diacritics-insensitive, inferred). */
const folded = new WeakMap();
function foldedName(item) {
	let name = folded.get(item);
	if (name === undefined) {
		name = fold(item.customer?.full_name ?? '');
		folded.set(item, name);
	}
	return name;
}

const list = (value) => (Array.isArray(value) && value.length ? value.map(String) : null);

/**
 * The items a v3 filter selects (already validated), sorted. Inferred semantics: bounds inclusive,
 * on time_start_call (seconds) against fromDate/toDate (milliseconds); list filters match any of
 * their values; keyword is a substring of the phone number or of the customer's name, whatever
 * the case and the Vietnamese marks; isAnswer true = answer_sec > 0. Ties are broken by
 * transaction_id so pages never overlap.
 */
function searchItems(items, filter, sort) {
	const from = filter.fromDate;
	const to = filter.toDate;
	const directions = list(filter.directions);
	const sipUsers = list(filter.sipUsers);
	const emails = list(filter.agentEmails)?.map((e) => e.toLowerCase());
	const agentIds = list(filter.agentIds);
	const phones = list(filter.phoneNumbers);
	const ids = list(filter.transactionIds);
	const keyword =
		typeof filter.keyword === 'string' && filter.keyword.trim()
			? fold(filter.keyword.trim())
			: null;
	const isAnswer = typeof filter.isAnswer === 'boolean' ? filter.isAnswer : null;

	const found = items.filter((item) => {
		const ms = item.time_start_call * 1000;
		if (ms < from || ms > to) return false;
		if (directions && !directions.includes(item.direction)) return false;
		if (sipUsers && !sipUsers.includes(item.sip_user)) return false;
		if (emails && !item.user.some((u) => emails.includes(String(u.email).toLowerCase())))
			return false;
		if (
			agentIds &&
			!item.user.some((u) => agentIds.includes(u.id)) &&
			!agentIds.includes(item.create_by?.id)
		)
			return false;
		if (phones && !phones.includes(item.phone_number)) return false;
		if (ids && !ids.includes(item.transaction_id)) return false;
		if (isAnswer !== null && item.answer_sec > 0 !== isAnswer) return false;
		if (
			keyword &&
			!String(item.phone_number).includes(keyword) &&
			!foldedName(item).includes(keyword)
		)
			return false;
		return true;
	});
	const field = sort?.field === 'created_date' ? 'created_date' : 'time_start_call';
	const sign = sort?.isAsc === true ? 1 : -1; // newest first unless asked (inferred)
	found.sort(
		(a, b) =>
			sign *
			(a[field] - b[field] ||
				(a.transaction_id < b.transaction_id ? -1 : a.transaction_id > b.transaction_id ? 1 : 0)),
	);
	return found;
}

/**
 * Page meta in either documented spelling (1.4). Values inferred: next/previous page numbers, or
 * null when there is none.
 */
function pageMeta(style, page, size, total) {
	const totalPages = Math.ceil(total / size);
	const hasNext = page < totalPages;
	const hasPrevious = page > 1;
	const meta = [
		page,
		size,
		total,
		totalPages,
		hasNext,
		hasNext ? page + 1 : null,
		hasPrevious,
		hasPrevious ? page - 1 : null,
	];
	const names =
		style === 'snake'
			? [
					'page_number',
					'page_size',
					'total_items',
					'total_pages',
					'has_next',
					'next_page',
					'has_previous',
					'previous_page',
				]
			: [
					'pageNumber',
					'pageSize',
					'totalItems',
					'totalPages',
					'hasNext',
					'nextPage',
					'hasPrevious',
					'previousPage',
				];
	return Object.fromEntries(names.map((name, i) => [name, meta[i]]));
}

module.exports = {
	seededRandom,
	toHistoryItem,
	toV1Item,
	generateCalls,
	setTags,
	setNote,
	searchItems,
	pageMeta,
	SEED_TAGS,
};
