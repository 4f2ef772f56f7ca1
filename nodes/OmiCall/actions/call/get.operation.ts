import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	callIdField,
	callItem,
	callNotFound,
	getCall,
	outputOption,
	readBinaryField,
	readCallId,
	recordingFieldOption,
} from './shared';
import { readOutput } from '../common';

const properties: INodeProperties[] = [
	callIdField('get', 'The call to get'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Attach Recording',
				name: 'attachRecordings',
				type: 'boolean',
				default: false,
				description:
					'Whether to download the recording, when the call has one, and attach it as binary data',
			},
			outputOption,
			recordingFieldOption,
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['call'], operation: ['get'] } },
	properties,
);

/**
 * Under Continue On Fail, a call that does not exist gives one empty item ({}), paired with its
 * input: one output per input keeps Merge by position and $('…').item lookups aligned, and an
 * IF on "is empty" tells it apart. Any other failure is an {error} item, so a rate limit or a
 * refused key is never mistaken for "no such call".
 */
export async function execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
	const id = readCallId(this, i);
	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	const output = readOutput(options.output);
	const recordingField =
		options.attachRecordings === true
			? readBinaryField(this, options.recordingField ?? 'data', i)
			: undefined;
	const record = await getCall(this, id, i);
	if (!record) {
		if (this.continueOnFail()) return [{ json: {} }];
		throw callNotFound(this, id, i);
	}
	return [await callItem(this, record, output, i, recordingField)];
}
