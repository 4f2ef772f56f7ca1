import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { simplifyRecord } from '../../callRecord';
import {
	callIdField,
	callNotFound,
	getCall,
	readBinaryField,
	readCallId,
	recordingOf,
} from './shared';

const properties: INodeProperties[] = [
	callIdField('downloadRecording', 'The call whose recording to download'),
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the output binary field to put the file in',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['call'], operation: ['downloadRecording'] } },
	properties,
);

/**
 * Reads the call first (Get), then downloads its recording_file_url: a fresh record gives a
 * current link (whether links expire is not known, omicall-api.md open question 7), and the
 * item's JSON is the call. Under Continue On Fail a call without a recording gives its item
 * without binary data.
 */
export async function execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
	const id = readCallId(this, i);
	const field = readBinaryField(this, this.getNodeParameter('binaryPropertyName', i, 'data'), i);
	const record = await getCall(this, id, i);
	if (!record) throw callNotFound(this, id, i);
	const json: IDataObject = simplifyRecord(record);
	const binary = await recordingOf(this, record, i);
	if (!binary) {
		if (this.continueOnFail()) return [{ json }];
		throw new NodeOperationError(this.getNode(), `The call "${id}" has no recording.`, {
			itemIndex: i,
			description:
				'OMICall records answered calls only, and only where recording is switched on for the extension or the hotline.',
		});
	}
	return [{ json, binary: { [field]: binary } }];
}
