import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { callIdOf, isObject } from '../../callRecord';
import {
	asNodeError,
	httpCodeOf,
	omiCallRequest,
	isNotFoundCode,
	omiCallCodeOf,
} from '../../transport';
import { readText, readTextList } from '../input';
import {
	callIdField,
	callNotFound,
	CHANGE_PATH,
	getCall,
	outputOption,
	readCallId,
	toJson,
} from './shared';
import { readOutput } from '../common';

const properties: INodeProperties[] = [
	callIdField('update', 'The call to annotate'),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Note',
				name: 'note',
				type: 'string',
				typeOptions: { rows: 3 },
				default: '',
				description: "The call's note; it replaces the note there was. Empty clears it.",
			},
			{
				displayName: 'Tags',
				name: 'tags',
				type: 'string',
				default: '',
				placeholder: 'e.g. Khách hàng VIP, Gọi lại',
				description:
					"Tag names, separated by commas; they replace the call's tags. Empty removes all tags. OMICall creates tags it does not know yet.",
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [outputOption],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['call'], operation: ['update'] } },
	properties,
);

const METHOD_MISSING = new Set([404, 405]);

function notFoundOr(context: IExecuteFunctions, error: unknown, id: string, i: number) {
	return isNotFoundCode(omiCallCodeOf(error))
		? callNotFound(context, id, i)
		: asNodeError(context.getNode(), error, i);
}

export async function execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
	const id = readCallId(this, i);
	const fields = this.getNodeParameter('updateFields', i, {}) as IDataObject;
	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	const body: IDataObject = {};
	if ('note' in fields) body.note = readText(this, i, fields.note, 'Note');
	if ('tags' in fields) body.tag = readTextList(this, i, fields.tags, 'Tags');
	if (!Object.keys(body).length) {
		throw new NodeOperationError(
			this.getNode(),
			'Nothing to update: add a Note or Tags under Update Fields.',
			{ itemIndex: i },
		);
	}
	const path = `${CHANGE_PATH}${encodeURIComponent(id)}`;
	let answer: unknown;
	try {
		answer = await omiCallRequest.call(this, 'POST', path, { body }, i);
	} catch (error) {
		// Documented: POST. Observed: PATCH in one client. HTTP 404/405 may mean the method is not there.
		if (!METHOD_MISSING.has(httpCodeOf(error) ?? 0)) throw notFoundOr(this, error, id, i);
		try {
			answer = await omiCallRequest.call(this, 'PATCH', path, { body }, i);
		} catch (patchError) {
			throw notFoundOr(this, patchError, id, i);
		}
	}
	// Documented: OMICall answers the updated call. Anything else: read the call again.
	const record =
		isObject(answer) && callIdOf(answer) !== null ? answer : await getCall(this, id, i);
	if (!record) throw callNotFound(this, id, i);
	return [{ json: toJson(record, readOutput(options.output)) }];
}
