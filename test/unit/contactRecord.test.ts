import type { IDataObject } from 'n8n-workflow';

import { simplifyContact, toIsoDate } from '../../nodes/OmiCall/contactRecord';
import { documentedContact } from '../harness/simulator';

const documented = documentedContact() as unknown as IDataObject;

describe('simplifyContact', () => {
	it('flattens every field type of the documented contact by its field code', () => {
		expect(simplifyContact(documented)).toEqual({
			contactId: '63b44e47a2523f37e3709c59',
			refId: 'CRM-42',
			fullName: 'KH PV (sửa)',
			phones: [
				{ number: '0367085685', kind: 'personal' },
				{ number: '02873000111', kind: 'office' },
				{ number: '02838002222', kind: 'home' },
			],
			emails: [{ email: 'kh.pv@example.vn', kind: 'office' }],
			gender: 'female',
			birthday: '1991-03-07',
			address: '12 Lê Lợi, Quận 1, TP.HCM',
			jobTitle: 'Trưởng phòng',
			note: 'Gọi sau 17h\nƯu tiên',
			tags: ['VIP', 'Đại lý'],
			ownerEmail: 'it@dctech.com.vn',
			customFields: {
				passport: '079091000123',
				more_infomation: ['Khách sỉ', 'Miền Nam'],
				avatar: 'https://cdn.example/a.png',
			},
			createdAt: '2023-01-03T15:48:23.265Z',
			updatedAt: '2023-01-03T16:02:43.435Z',
		});
	});

	it('still reads value_text and value of older payloads, and direct fields', () => {
		const older = {
			contact_id: 'c2',
			phone_number: '0901234567',
			attribute_structure: [
				{ field_code: 'full_name', value_text: 'Bùi Thị Hoa' },
				{ field_code: 'phone_number', value: [{ value_text: '0911' }, { value: '0922' }] },
				{ field_code: 'mail', value: 'hoa@example.vn' },
			],
		};
		expect(simplifyContact(older)).toMatchObject({
			fullName: 'Bùi Thị Hoa',
			phones: [
				{ number: '0901234567', kind: null },
				{ number: '0911', kind: null },
				{ number: '0922', kind: null },
			],
			emails: [{ email: 'hoa@example.vn', kind: null }],
			gender: null,
			birthday: null,
			createdAt: null,
		});
	});

	it('takes no other field for the named fields: look-alikes stay custom fields', () => {
		const contact = {
			contact_id: 'c3',
			attribute_structure: [
				{ field_code: 'username', value_text: 'an.nguyen' },
				{ field_code: 'full_name_unsigned', value_text: 'nguyen van an' },
				{ field_code: 'phone_type', value_text: 'mobile' },
				{ field_code: 'email_verified', value_text: 'true' },
				{ field_code: 'mailing_address', value_text: '12 Lê Lợi, Quận 1' },
				{ field_code: 'birthday_note', value_text: '01/01/1990' },
				{ name: 'full_name', value_text: 'not a field code' },
			],
		};
		expect(simplifyContact(contact)).toMatchObject({
			fullName: null,
			phones: [],
			emails: [],
			address: null,
			birthday: null,
			customFields: {
				username: 'an.nguyen',
				full_name_unsigned: 'nguyen van an',
				phone_type: 'mobile',
				email_verified: 'true',
				mailing_address: '12 Lê Lợi, Quận 1',
				birthday_note: '01/01/1990',
			},
		});
	});
});

describe('toIsoDate', () => {
	it.each([
		['07/03/1991', '1991-03-07'],
		['7/3/1991', '1991-03-07'],
		['1991-03-07', '1991-03-07'],
		['1991-03-07T00:00:00', '1991-03-07'],
		// 2026-11-28 20:00 UTC is already the 29th in Vietnam.
		[Date.UTC(2026, 10, 28, 20), '2026-11-29'],
		['31/02/1991', null],
		['1991-13-01', null],
		['hôm qua', null],
		['', null],
		[undefined, null],
	])('%p → %p', (input, expected) => {
		expect(toIsoDate(input)).toBe(expected);
	});
});
