'use strict';
/**
 * OMICall's contacts (omicall-api.md 7) for the simulator: one store, served by both API
 * generations, each answer labelled documented / observed / inferred.
 *
 * Invariants of the store:
 * - a phone number or an email belongs to at most one contact: add and update refuse another
 *   contact's with `phone_or_email_assigned_on_other_contact` (observed, 7);
 * - a refId names at most one contact (inferred: it is the caller's own record id);
 * - every contact is kept in OMICall's own shape, `attribute_structure` by field code (3.4), and
 *   `last_updated_date` moves only when a write changed something (inferred);
 * - every create and every changing update is announced to the registered `contact` hook (3.4).
 */
const crypto = require('node:crypto');
const { fold } = require('./call-events');
const { pageMeta } = require('./history');

const V1 = {
	list: '/api/contacts/list',
	add: '/api/contacts/add',
	update: '/api/contacts/update',
	get: '/api/contacts/get',
	details: '/api/contacts/details/',
	delete: '/api/contacts/delete/',
};
const V2 = {
	add: '/api/v2/contact/add',
	search: '/api/v2/contact/search',
	update: '/api/v2/contact/update',
};
const V1_PATHS = [V1.list, V1.add, V1.update, V1.get];
const V1_PREFIXES = [V1.details, V1.delete];
const V2_PATHS = Object.values(V2);
const DUPLICATE = 'phone_or_email_assigned_on_other_contact';
const NOT_FOUND = 'resource_not_found'; // vendor code (1.3); inferred for contacts
/** Inferred: the portal's Vietnamese labels of the documented phone kinds (the sample shows "Cá nhân"). */
const KIND_LABELS = { personal: 'Cá nhân', home: 'Nhà riêng', office: 'Công ty' };

/** The documented contact (3.4) with one entry of every field type it names: phone, email, date, radio, text, custom. */
function documentedContact() {
	return {
		contact_id: '63b44e47a2523f37e3709c59',
		contact_type: 'contact',
		ref_id: 'CRM-42',
		user_owner_email: 'it@dctech.com.vn',
		is_deleted: false,
		tags: ['VIP', { name: 'Đại lý' }],
		create_by: { name: 'P.Cung Ứng', id: '6348daf0662a784a01660927' },
		last_update_by: { name: 'P.Cung Ứng', id: '6348daf0662a784a01660927' },
		created_date: 1672760903265,
		last_updated_date: 1672761763435,
		attribute_structure: [
			entry('full_name', 'single_text', [{ display_value: 'KH PV (sửa)', value_id: 'v1' }]),
			entry('phone_number', 'phone', [
				{ display_value: '0367085685', value_type: 'Cá nhân', data_type: 'personal' },
				{ display_value: '02873000111', value_type: 'Công ty', data_type: 'office' },
				{ display_value: '02838002222', value_type: 'Nhà riêng', data_type: 'home' },
			]),
			entry('mail', 'email', [{ display_value: 'kh.pv@example.vn', data_type: 'office' }]),
			entry('gender', 'radio', [{ display_value: 'Nữ' }]),
			entry('birthday', 'date', [{ display_value: '07/03/1991' }]),
			entry('ref_id', 'single_text', [{ display_value: 'CRM-42' }]),
			entry('job_title', 'single_text', [{ display_value: 'Trưởng phòng' }]),
			entry('passport', 'single_text', [{ display_value: '079091000123' }]),
			entry('address', 'single_text', [{ display_value: '12 Lê Lợi, Quận 1, TP.HCM' }]),
			entry('more_infomation', 'customize', [
				{ display_value: 'Khách sỉ', value_type: 'Loại khách' },
				{ display_value: 'Miền Nam', value_type: 'Khu vực' },
			]),
			entry('note', 'multi_text', [{ display_value: 'Gọi sau 17h\nƯu tiên' }]),
			entry('avatar', 'image', [{ display_value: 'https://cdn.example/a.png' }]),
			entry('attach_file', 'file', []),
		],
	};
}

/**
 * A contact whose phones are held in international form, as one typed in the portal or sent by
 * another integration may be (inferred: OMICall keeps a number as it was given).
 */
function internationalContact() {
	return {
		...documentedContact(),
		contact_id: '63b44e47a2523f37e3709c60',
		ref_id: 'CRM-84',
		attribute_structure: [
			entry('full_name', 'single_text', [{ display_value: 'Trần Quốc Bảo' }]),
			entry('phone_number', 'phone', [
				{ display_value: '+84912345678', value_type: 'Cá nhân', data_type: 'personal' },
				{ display_value: '842873000999', value_type: 'Công ty', data_type: 'office' },
			]),
		],
	};
}

function entry(fieldCode, fieldType, value) {
	return {
		field_code: fieldCode,
		field_type: fieldType,
		attribute_id: crypto.createHash('md5').update(fieldCode).digest('hex').slice(0, 24),
		value,
	};
}

function valuesOf(contact, fieldCode) {
	const found = contact.attribute_structure.find((e) => e.field_code === fieldCode);
	return found ? found.value.map((v) => v.display_value) : [];
}

/** Replaces (or, with no values, removes) the entry of a field code. */
function setEntry(contact, fieldCode, fieldType, value) {
	const list = contact.attribute_structure.filter((e) => e.field_code !== fieldCode);
	if (value.length) list.push(entry(fieldCode, fieldType, value));
	contact.attribute_structure = list;
}

const text = (v) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/**
 * The fields a write body sets, by generation; a field left out is absent (and kept on update).
 * v1 (documented): phones `{data, value: kind, valueType}`, `job_title`, `user_owner_email`.
 * v2 (documented for add, observed for update): phones `{data, type, valueType}`, `jobTitlte`
 * (sic, documented; `jobTitle` accepted too, inferred), `userOwnerEmail`. Emails: the phones'
 * shape (inferred). Birthday: dd/MM/yyyy (documented for v1; inferred for v2).
 */
function fieldsOf(body, generation) {
	const v2 = generation === 'v2';
	const fields = {};
	const take = (name, ...keys) => {
		for (const key of keys) if (key in body) return void (fields[name] = body[key]);
	};
	take('fullName', 'fullName');
	take('gender', 'gender');
	take('birthday', 'birthday');
	take('address', 'address');
	take('passport', 'passport');
	take('note', 'note');
	take('tags', 'tags');
	take('refId', 'refId');
	take('refCode', 'refCode');
	if (v2) {
		take('jobTitle', 'jobTitlte', 'jobTitle');
		take('ownerEmail', 'userOwnerEmail');
	} else {
		take('jobTitle', 'job_title');
		take('ownerEmail', 'user_owner_email');
	}
	const kindKey = v2 ? 'type' : 'value';
	const list = (items) =>
		Array.isArray(items)
			? items
					.map((item) => ({
						data: text(item?.data)?.trim(),
						kind: text(item?.[kindKey]) ?? 'personal',
					}))
					.filter((item) => item.data)
			: undefined;
	if ('phones' in body) fields.phones = list(body.phones);
	if ('emails' in body) fields.emails = list(body.emails);
	return fields;
}

/** Why a write's fields are refused, as OMICall's code (inferred codes unless noted), or undefined. */
function invalid(fields, creating) {
	if (creating && !(typeof fields.fullName === 'string' && fields.fullName.trim()))
		return 'full_name_is_required'; // documented for agents; inferred for contacts
	if (fields.phones === undefined && 'phones' in fields) return 'phone_invalid';
	for (const phone of fields.phones ?? [])
		if (!/^\+?\d{6,15}$/.test(phone.data)) return 'invalid_phone_number'; // vendor code
	for (const mail of fields.emails ?? [])
		if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(mail.data)) return 'email_invalid';
	if (
		fields.birthday !== undefined &&
		fields.birthday !== '' &&
		!/^\d{2}\/\d{2}\/\d{4}$/.test(fields.birthday)
	)
		return 'birthday_invalid';
	if (
		fields.gender !== undefined &&
		fields.gender !== '' &&
		!['male', 'female', 'other'].includes(fields.gender)
	)
		return 'gender_invalid';
	return undefined;
}

const GENDER_LABELS = { male: 'Nam', female: 'Nữ', other: 'Khác' }; // inferred: the radio's display values

/** Writes the given fields onto a stored contact, in OMICall's shape. */
function applyFields(contact, fields) {
	const single = (code, type, value) =>
		setEntry(contact, code, type, text(value) ? [{ display_value: text(value) }] : []);
	if ('fullName' in fields) single('full_name', 'single_text', fields.fullName);
	if ('gender' in fields)
		setEntry(
			contact,
			'gender',
			'radio',
			fields.gender
				? [{ display_value: GENDER_LABELS[fields.gender], value_code: fields.gender }]
				: [],
		);
	if ('birthday' in fields) single('birthday', 'date', fields.birthday);
	if ('address' in fields) single('address', 'single_text', fields.address);
	if ('passport' in fields) single('passport', 'single_text', fields.passport);
	if ('jobTitle' in fields) single('job_title', 'single_text', fields.jobTitle);
	if ('note' in fields) single('note', 'multi_text', fields.note);
	if ('refId' in fields) {
		contact.ref_id = text(fields.refId) ?? null;
		single('ref_id', 'single_text', fields.refId);
	}
	if ('refCode' in fields) single('ref_code', 'single_text', fields.refCode);
	if ('tags' in fields)
		contact.tags = Array.isArray(fields.tags)
			? fields.tags.filter((t) => typeof t === 'string')
			: [];
	if ('ownerEmail' in fields) contact.user_owner_email = text(fields.ownerEmail) ?? null;
	const kinds = (items) =>
		items.map((item) => ({
			display_value: item.data,
			value_type: KIND_LABELS[item.kind] ?? item.kind,
			data_type: item.kind,
		}));
	if (fields.phones) setEntry(contact, 'phone_number', 'phone', kinds(fields.phones));
	if (fields.emails) setEntry(contact, 'mail', 'email', kinds(fields.emails));
}

class ContactStore {
	/**
	 * @param {{ announce: (action: 'created'|'updated', contact: object) => void }} options
	 *   `announce` sends a contact change to the registered contact hook (the simulator's deliver path).
	 */
	constructor({ announce }) {
		this.announce = announce;
		/** Stored contacts in OMICall's own shape, oldest first. */
		this.contacts = [];
		/** Which generations answer; drop 'v2' to play a tenant where v2 is missing (HTTP 404). */
		this.generations = ['v1', 'v2'];
		/**
		 * Inferred, off by default: a search that ignores `page` and answers the first page for every
		 * page number. OMICall documents no paging for contact searches, so a client must not rely on it.
		 */
		this.ignoresPage = false;
		/** Every write, in order: what it did to which contact ('unchanged' when nothing differed). */
		this.writes = [];
	}

	handles(path) {
		return (
			V1_PATHS.includes(path) ||
			V1_PREFIXES.some((prefix) => path.startsWith(prefix)) ||
			V2_PATHS.includes(path)
		);
	}

	/** Adds a contact as OMICall would hold it (e.g. documentedContact()), without announcing it. */
	seed(contact) {
		this.contacts.push(structuredClone(contact));
	}

	find(id) {
		return this.contacts.find((c) => c.contact_id === id);
	}

	findByRefId(refId) {
		return this.contacts.find((c) => c.ref_id === refId);
	}

	findByPhone(phone) {
		return this.contacts.find((c) => valuesOf(c, 'phone_number').includes(phone));
	}

	/** The other contact that already holds one of these phones or emails. */
	holderOf(fields, self) {
		const phones = new Set((fields.phones ?? []).map((p) => p.data));
		const emails = new Set((fields.emails ?? []).map((e) => e.data.toLowerCase()));
		return this.contacts.find(
			(c) =>
				c !== self &&
				(valuesOf(c, 'phone_number').some((p) => phones.has(p)) ||
					valuesOf(c, 'mail').some((e) => emails.has(String(e).toLowerCase()))),
		);
	}

	create(fields) {
		const now = Date.now();
		const contact = {
			contact_id: crypto.randomBytes(12).toString('hex'),
			contact_type: 'contact',
			ref_id: null,
			user_owner_email: null,
			is_deleted: false,
			tags: [],
			create_by: { name: 'API', id: 'api' },
			last_update_by: { name: 'API', id: 'api' },
			created_date: now,
			last_updated_date: now,
			attribute_structure: [],
		};
		applyFields(contact, fields);
		this.contacts.push(contact);
		this.writes.push({ action: 'created', id: contact.contact_id });
		this.announce('created', webhookContact(contact));
		return contact;
	}

	update(contact, fields) {
		const before = JSON.stringify(contact);
		applyFields(contact, fields);
		if (JSON.stringify(contact) === before) {
			this.writes.push({ action: 'unchanged', id: contact.contact_id });
			return contact;
		}
		contact.last_updated_date = Math.max(Date.now(), contact.last_updated_date + 1);
		this.writes.push({ action: 'updated', id: contact.contact_id });
		this.announce('updated', webhookContact(contact));
		return contact;
	}

	/**
	 * Inferred: the keyword matches the name (without case or Vietnamese marks), a phone, an
	 * email (substring) or the refId (exactly); newest first. An empty keyword lists everything.
	 */
	search(keyword) {
		const wanted = fold(String(keyword ?? '').trim());
		const found = !wanted
			? [...this.contacts]
			: this.contacts.filter(
					(c) =>
						c.ref_id === String(keyword).trim() ||
						fold(valuesOf(c, 'full_name').join(' ')).includes(wanted) ||
						valuesOf(c, 'phone_number').some((p) => p.includes(wanted)) ||
						valuesOf(c, 'mail').some((e) => fold(e).includes(wanted)),
				);
		return found.reverse();
	}

	/** Answers a contact request; the token has been checked. */
	answer({ req, url, rawBody, send, envelope, failure }) {
		const path = url.pathname;
		const generation = V2_PATHS.includes(path) ? 'v2' : 'v1';
		const missing = () => send(404, envelope(null, { status_code: -9999, message: 'not_found' }));
		if (!this.generations.includes(generation)) return missing();
		if (generation === 'v2' && !req.headers['x-api-key']) return failure('api_key_is_required'); // observed: v2 needs x-api-key
		let body = {};
		if (rawBody.trim()) {
			try {
				body = JSON.parse(rawBody);
			} catch {
				return failure('request_body_required');
			}
		}
		const method = req.method ?? 'GET';
		const page = Number(url.searchParams.get('page') ?? 1);
		const size = Number(url.searchParams.get('size') ?? 50);

		if (path === V2.search || path === V1.list) {
			if (method !== 'POST') return missing();
			if (!Number.isInteger(page) || page < 1) return failure('page_invalid');
			if (!Number.isInteger(size) || size < 1 || size > 50) return failure('size_invalid');
			const found = this.search(body.keyword);
			const first = this.ignoresPage ? 0 : (page - 1) * size;
			const items = found.slice(first, first + size);
			// Observed (7): v2 answers {items, total_items} of {id, ref_id, user_owner_id, attribute_structure}.
			if (path === V2.search)
				return send(200, envelope({ items: items.map(v2Item), total_items: found.length }));
			// Documented (7): v1 lists with snake_case page meta and public_id.
			return send(
				200,
				envelope({ items: items.map(v1Item), ...pageMeta('snake', page, size, found.length) }),
			);
		}
		if (path === V1.get) {
			if (method !== 'GET') return missing();
			const contact = this.findByPhone(url.searchParams.get('phone') ?? '');
			return contact
				? send(200, envelope({ ...v1Item(contact), _id: contact.contact_id }))
				: failure(NOT_FOUND); // observed: a contact with _id
		}
		if (path.startsWith(V1.details)) {
			if (method !== 'GET') return missing();
			const contact = this.find(decodeURIComponent(path.slice(V1.details.length)));
			return contact ? send(200, envelope(v1Item(contact))) : failure(NOT_FOUND); // observed
		}
		if (path.startsWith(V1.delete)) {
			if (method !== 'DELETE') return missing();
			const contact = this.find(decodeURIComponent(path.slice(V1.delete.length)));
			if (!contact) return failure(NOT_FOUND);
			this.contacts = this.contacts.filter((c) => c !== contact);
			this.writes.push({ action: 'deleted', id: contact.contact_id });
			return send(200, envelope(true)); // documented: true
		}
		if (method !== 'POST') return missing();
		if (!body || typeof body !== 'object' || Array.isArray(body))
			return failure('request_body_required');
		const fields = fieldsOf(body, generation);

		if (path === V1.add || path === V2.add) {
			const problem = invalid(fields, true);
			if (problem) return failure(problem);
			if (this.holderOf(fields)) return failure(DUPLICATE);
			if (fields.refId && this.findByRefId(fields.refId)) return failure('ref_id_exists'); // inferred
			const contact = this.create(fields);
			// Documented: v2 add answers true; v1 add answers the contact.
			return send(200, envelope(generation === 'v2' ? true : v1Item(contact)));
		}

		// Update. Observed (v2): _id identifies the contact, else refId. Documented (v1): refId
		// identifies the contact, so a refId some contact has picks that contact, whatever else the
		// body says; inferred: otherwise v1 takes publicId, and the body's refId becomes its new one.
		const id = generation === 'v2' ? text(body._id) : text(body.publicId);
		const refId = text(body.refId);
		const contact =
			generation === 'v2'
				? id
					? this.find(id)
					: refId
						? this.findByRefId(refId)
						: undefined
				: ((refId && this.findByRefId(refId)) ?? (id ? this.find(id) : undefined));
		if (!id && !refId) return failure('ref_id_is_required'); // inferred
		if (!contact) return failure(NOT_FOUND);
		const problem = invalid(fields, false);
		if (problem) return failure(problem);
		if (this.holderOf(fields, contact)) return failure(DUPLICATE);
		if (fields.refId) {
			const other = this.findByRefId(fields.refId);
			if (other && other !== contact) return failure('ref_id_exists'); // inferred
		}
		this.update(contact, fields);
		// Documented (v1): a camelCase contact; v2's answer is not known (inferred: true).
		return send(200, envelope(generation === 'v2' ? true : v1UpdateAnswer(contact)));
	}
}

/** The contact as the contact hook carries it (3.4). */
function webhookContact(contact) {
	return structuredClone(contact);
}

/** v1 list and details (documented for the list): public_id for the id. */
function v1Item(contact) {
	const { contact_id, ...rest } = structuredClone(contact);
	return { public_id: contact_id, ...rest };
}

/** v2 search (observed: id, ref_id, user_owner_id, attribute_structure; the rest inferred). */
function v2Item(contact) {
	const { contact_id, ...rest } = structuredClone(contact);
	return { id: contact_id, user_owner_id: contact.user_owner_email ? 'agent-id' : null, ...rest };
}

/** v1 update's documented camelCase answer. */
function v1UpdateAnswer(contact) {
	return {
		publicId: contact.contact_id,
		fullName: valuesOf(contact, 'full_name')[0] ?? null,
		displayName: valuesOf(contact, 'full_name')[0] ?? null,
		phones: valuesOf(contact, 'phone_number'),
		emails: valuesOf(contact, 'mail'),
		contactType: contact.contact_type,
	};
}

module.exports = { ContactStore, documentedContact, internationalContact, V1, V2, DUPLICATE };
