import { describePhoneInput, toOmiCallPhone } from '../../nodes/OmiCall/phone';

describe('toOmiCallPhone: what people paste → what OMICall gets', () => {
	test.each([
		['+84 912 345 678', '0912345678'],
		['84912345678', '0912345678'],
		['0084912345678', '0912345678'],
		['0912.345.678', '0912345678'],
		['0912-345-678', '0912345678'],
		['(+84) 912 345 678', '0912345678'],
		['\u00a00912 345 678\n', '0912345678'],
		['0395187319', '0395187319'],
		['024 3999 9999', '02439999999'],
		['+84 24 3999 9999', '02439999999'],
		['842439999999', '02439999999'],
		[912345678, '0912345678'],
		['912345678', '0912345678'],
		['1900 123456', '1900123456'],
		['1800 1234', '18001234'],
		['+1 (415) 555-2671', '+14155552671'],
		['+44 20 7946 0958', '+442079460958'],
		// The README's examples, and hotlines as OMICall lists them and as people type them.
		['(091) 234-5678', '0912345678'],
		['0084 912 345 678', '0912345678'],
		['+65 6123 4567', '+6561234567'],
		['842899959300', '02899959300'],
		['028 9995 9300', '02899959300'],
	])('%j → %s', (input, expected) => {
		expect(toOmiCallPhone(input)).toBe(expected);
	});

	test.each([
		[''],
		['   '],
		['abc'],
		['0912 345 67x'],
		['12345'],
		['101'],
		['091234567'],
		['091234567890'],
		['+84'],
		['+0912345678'],
		['++84912345678'],
		['0912345678; 0987654321'],
		[null],
		[undefined],
		[{ phone: '0912345678' }],
		[['0912345678']],
		[-912345678],
		[9.12e8 + 0.5],
	])('%j is not a phone number', (input) => {
		expect(toOmiCallPhone(input)).toBeNull();
	});

	test('describes a rejected value briefly', () => {
		expect(describePhoneInput('')).toBe('nothing');
		expect(describePhoneInput('abc')).toBe('"abc"');
		expect(describePhoneInput('x'.repeat(60))).toBe(`"${'x'.repeat(40)}…"`);
		expect(describePhoneInput({ a: 1 })).toBe('"{"a":1}"');
	});
});
