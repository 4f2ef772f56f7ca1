import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { allowAiCallsField, refuseAiAgentCallsUnlessAllowed } from '../aiTool';
import {
	extensionField,
	hotlineField,
	hotlinesOf,
	readExtension,
	listedHotline,
} from '../callCenter';
import { inputError, readPhone, readRequiredLocator } from '../input';
import { place, placing } from '../placement';

/** Click-to-call (omicall-api.md 5): OMICall rings the agent's extension, then dials the customer. */
const CLICK2CALL_PATH = '/api/click2call';

const properties: INodeProperties[] = [
	extensionField,
	hotlineField({
		description:
			'The number the customer sees. Only the hotlines the extension may call out on are accepted; the list shows them once an extension is chosen.',
	}),
	{
		displayName: 'Phone Number',
		name: 'phoneNumber',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 0912 345 678',
		description:
			'The customer\'s number. "+84 912 345 678", "84912345678" and "0912.345.678" are all sent as 0912345678.',
	},
	allowAiCallsField,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['call'], operation: ['make'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
	return await placing(this, 'call', i, async () => await makeCall.call(this, i));
}

async function makeCall(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
	refuseAiAgentCallsUnlessAllowed(this, 'place calls', i);
	const extension = readExtension(this, i);
	const hotline = readRequiredLocator(
		this,
		'hotline',
		i,
		'Hotline',
		'enter the hotline to call out on, or pick one from the list.',
	);
	const phoneNumber = readPhone(
		this,
		i,
		this.getNodeParameter('phoneNumber', i, ''),
		'Phone Number',
	);
	if (!phoneNumber) throw inputError(this, i, "enter the customer's phone number.");

	// Observed practice: check the hotline first, so a wrong one is explained instead of refused as number_call_out_invalid.
	const allowed = await hotlinesOf(this, extension, i);
	const known = listedHotline(
		this,
		hotline,
		allowed,
		{ name: `Extension ${extension}`, ask: 'which hotlines this extension may use' },
		i,
	);

	const { id: callId } = await place(
		this,
		'call',
		CLICK2CALL_PATH,
		{ extension, hotline: known, phone_number: phoneNumber },
		i,
	);
	return [{ json: { callId, extension, hotline: known, phoneNumber } }];
}
