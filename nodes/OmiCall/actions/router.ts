import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { asNodeError } from '../transport';
import * as account from './account/Account.resource';
import * as autoCall from './autoCall/AutoCall.resource';
import * as call from './call/Call.resource';
import * as contact from './contact/Contact.resource';
import * as webhook from './webhook/Webhook.resource';

type Operation = (this: IExecuteFunctions, i: number) => Promise<INodeExecutionData[]>;

const resources: Record<string, Record<string, { execute: Operation }>> = {
	account: account.operations,
	autoCall: autoCall.operations,
	call: call.operations,
	contact: contact.operations,
	webhook: webhook.operations,
};

/** Runs each input item through its resource's operation; a failed item becomes { error } under Continue On Fail. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const output: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const resource = this.getNodeParameter('resource', i) as string;
			const operation = this.getNodeParameter('operation', i) as string;
			const run = resources[resource]?.[operation]?.execute;
			if (!run)
				throw new NodeOperationError(
					this.getNode(),
					`The operation "${operation}" of "${resource}" is not known.`,
					{ itemIndex: i },
				);
			for (const item of await run.call(this, i)) output.push({ ...item, pairedItem: { item: i } });
		} catch (error) {
			if (!this.continueOnFail()) throw asNodeError(this.getNode(), error, i);
			output.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
		}
	}
	return [output];
}
