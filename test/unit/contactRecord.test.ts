import { simplifyContact, toIsoDate } from '../../nodes/OmiCall/contactRecord';

// The documented contact (shared/omicall-api.md 3.4) with one entry of every field type it names.
export const documentedContact = {
	contact_id: '63b44e47a2523f37e3709c59',
	contact_type: 'contact',
	user_owner_email: 'it@dctech.com.vn',
	is_deleted: false,
	tags: ['VIP', { name: 'Đại lý' }],
	create_by: { name: 'P.Cung Ứng', id: '6348daf0662a784a01660927' },
	created_date: 1672760903265,
	last_updated_date: 1672761763435,
	attribute_structure: [
		{
			field_code: 'full_name',
			field_type: 'single_text',
			attribute_id: 'a1',
			value: [{ display_value: 'KH PV (sửa)', value_id: 'v1' }],
		},
		{
			field_code: 'phone_number',
			field_type: 'phone',
			value: [
				{ display_value: '0367085685', value_type: 'Cá nhân', data_type: 'personal' },
				{ display_value: '02873000111', value_type: 'Công ty', data_type: 'office' },
				{ display_value: '0283800222', value_type: 'Nhà riêng', data_type: 'home' },
			],
		},
		{
			field_code: 'mail',
			field_type: 'email',
			value: [{ display_value: 'kh.pv@example.vn', data_type: 'office' }],
		},
		{ field_code: 'gender', field_type: 'radio', value: [{ display_value: 'Nữ' }] },
		{ field_code: 'birthday', field_type: 'date', value: [{ display_value: '07/03/1991' }] },
		{ field_code: 'ref_id', field_type: 'single_text', value: [{ display_value: 'CRM-42' }] },
		{
			field_code: 'job_title',
			field_type: 'single_text',
			value: [{ display_value: 'Trưởng phòng' }],
		},
		{
			field_code: 'passport',
			field_type: 'single_text',
			value: [{ display_value: '079091000123' }],
		},
		{
			field_code: 'address',
			field_type: 'single_text',
			value: [{ display_value: '12 Lê Lợi, Quận 1, TP.HCM' }],
		},
		{
			field_code: 'more_infomation',
			field_type: 'customize',
			value: [
				{ display_value: 'Khách sỉ', value_type: 'Loại khách' },
				{ display_value: 'Miền Nam', value_type: 'Khu vực' },
			],
		},
		{
			field_code: 'note',
			field_type: 'multi_text',
			value: [{ display_value: 'Gọi sau 17h\nƯu tiên' }],
		},
		{
			field_code: 'avatar',
			field_type: 'image',
			value: [{ display_value: 'https://cdn.example/a.png' }],
		},
		{ field_code: 'attach_file', field_type: 'file', value: [] },
	],
};

describe('simplifyContact', () => {
	it('flattens every field type of the documented contact by its field code', () => {
		expect(simplifyContact(documentedContact)).toEqual({
			contactId: '63b44e47a2523f37e3709c59',
			refId: 'CRM-42',
			fullName: 'KH PV (sửa)',
			phones: [
				{ number: '0367085685', kind: 'personal' },
				{ number: '02873000111', kind: 'office' },
				{ number: '0283800222', kind: 'home' },
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
