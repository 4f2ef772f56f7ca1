import type { IExecuteFunctions } from 'n8n-workflow';

import {
	MAX_TEXT_LENGTH,
	readChoice,
	readLimit,
	readNumber,
	readText,
	readTextList,
} from '../../nodes/OmiCall/actions/input';

/** Just what the readers use of an execution context: the node, and parameters for the Limit. */
function context(parameters: Record<string, unknown> = {}): IExecuteFunctions {
	return {
		getNode: () => ({ name: 'OMICall', type: 'n8n-nodes-omicall.omiCall', typeVersion: 1 }),
		getNodeParameter: (name: string, _i: number, fallback: unknown) =>
			name in parameters ? parameters[name] : fallback,
	} as unknown as IExecuteFunctions;
}

describe('readText: a text parameter, whatever an expression gives', () => {
	it.each([
		['  Nguyễn Văn An ', 'Nguyễn Văn An'],
		[912345678, '912345678'],
		[0, '0'],
		[null, ''],
		[undefined, ''],
	])('%j → %j', (value, expected) => {
		expect(readText(context(), 0, value, 'Name')).toBe(expected);
	});

	it.each([
		[{ a: 1 }, 'Item 2: the Name is an object ({"a":1}), not text.'],
		[['Xin', 'chào'], 'Item 2: the Name is a list (["Xin","chào"]), not text.'],
		[true, 'Item 2: the Name is true/false (true), not text.'],
		[NaN, 'Item 2: the Name is not a number (NaN), not text.'],
		[Infinity, 'Item 2: the Name is not a number (Infinity), not text.'],
	])('%j fails the item, naming the field', (value, message) => {
		expect(() => readText(context(), 2, value, 'Name')).toThrow(message);
	});

	it(`refuses text longer than ${MAX_TEXT_LENGTH} characters, saying how long it is`, () => {
		expect(readText(context(), 0, 'a'.repeat(MAX_TEXT_LENGTH), 'Name')).toHaveLength(
			MAX_TEXT_LENGTH,
		);
		expect(() => readText(context(), 0, 'a'.repeat(200_000), 'Name')).toThrow(
			'Item 0: the Name is 200000 characters long; at most 10,000 are accepted.',
		);
	});

	it('without an item (a trigger poll) the error starts with the field', () => {
		expect(() => readText(context(), undefined, { a: 1 }, 'Hotlines filter')).toThrow(
			/^The Hotlines filter is an object/,
		);
	});
});

describe('readTextList: filters typed with commas or given as a list', () => {
	it.each([
		['0395187319, 0912345678', ['0395187319', '0912345678']],
		[' 100 ;101\n102 ,, ', ['100', '101', '102']],
		[
			['a', ' b ', 'a'],
			['a', 'b'],
		],
		[
			['a, b', 'c'],
			['a', 'b', 'c'],
		],
		[395187319, ['395187319']],
		[
			[912345678, '0395187319'],
			['912345678', '0395187319'],
		],
		['', []],
		[undefined, []],
		[null, []],
	])('%j → %j', (value, expected) => {
		expect(readTextList(context(), 0, value, 'Agent Extensions filter')).toEqual(expected);
	});

	it.each([
		[{ a: 1 }, 'an object'],
		[true, 'true/false'],
		[['100', { ext: '101' }], 'an object'],
		[['100', null], 'an empty entry'],
		[[['100']], 'a list'],
		[NaN, 'not a number'],
	])('%j fails the item, naming the field', (value, kind) => {
		expect(() => readTextList(context(), 1, value, 'Agent Extensions filter')).toThrow(
			`Item 1: the Agent Extensions filter `,
		);
		expect(() => readTextList(context(), 1, value, 'Agent Extensions filter')).toThrow(kind);
	});
});

describe('readChoice: an options parameter read at run time', () => {
	it('takes a known value and refuses any other, listing the known ones', () => {
		expect(readChoice(context(), 0, 'phone', ['refId', 'phone'], 'Match On')).toBe('phone');
		expect(() => readChoice(context(), 3, 'email', ['refId', 'phone'], 'Match On')).toThrow(
			'Item 3: the Match On "email" is not known. Use one of: refId, phone.',
		);
		expect(() => readChoice(context(), 0, { a: 1 }, ['call', 'contact'], 'Type')).toThrow(
			'the Type "{"a":1}" is not known',
		);
	});
});

describe('readLimit: Return All / Limit', () => {
	it.each([
		[{ returnAll: true, limit: 0 }, Infinity],
		[{ limit: 7 }, 7],
		[{ limit: '12' }, 12],
		[{}, 50],
	])('%j → %d', (parameters, expected) => {
		expect(readLimit(context(parameters), 0)).toBe(expected);
	});

	it.each([[0], [-1], [''], [NaN], [null], [2.5], ['ten'], [{ a: 1 }]])(
		'Limit %j fails the item',
		(limit) => {
			expect(() => readLimit(context({ limit }), 4)).toThrow(
				/^Item 4: the Limit is .*; it must be a whole number, 1 or more\.$/,
			);
		},
	);
});

describe('readNumber: one range check for every number parameter', () => {
	const range = { min: 0, max: 2160 };
	it.each([
		[5, 5],
		[' 2.5 ', 2.5],
		[2160, 2160],
		[0, 0],
	])('%j → %j', (value, expected) => {
		expect(readNumber(context(), 0, value, 'Hours option', range)).toBe(expected);
	});

	test('nothing stands for the given default, and fails without one', () => {
		expect(readNumber(context(), 0, '', 'Hours option', { ...range, empty: 60 })).toBe(60);
		expect(() => readNumber(context(), 1, null, 'Hours option', range)).toThrow(
			'Item 1: the Hours option is empty; it must be a number from 0 to 2160.',
		);
	});

	it.each([[-1], [2161], [NaN], [true], ['1h'], [[1]]])('%j fails, naming the field', (value) => {
		expect(() => readNumber(context(), 2, value, 'Hours option', range)).toThrow(
			/^Item 2: the Hours option is ".*"; it must be a number from 0 to 2160\.$/,
		);
	});

	test('a whole number when asked; a trigger poll has no item', () => {
		expect(() =>
			readNumber(context(), undefined, 1.5, 'Retries option', { min: 0, integer: true }),
		).toThrow('The Retries option is "1.5"; it must be a whole number, 0 or more.');
	});
});
