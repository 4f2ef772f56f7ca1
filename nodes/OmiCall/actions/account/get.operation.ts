import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { isObject, numberOf, text, toIsoTime } from '../../callRecord';
import { publicNumbers, tenantDetail } from '../callCenter';
import { outputOption, readOutput, shapeOutput } from '../common';

const properties: INodeProperties[] = [
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			outputOption(
				'The package, balance and public numbers with readable names',
				'The account exactly as OMICall returns it',
			),
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['account'], operation: ['get'] } },
	properties,
);

/** tenant/detail (documented fields, omicall-api.md 6) with readable names; dates as ISO 8601. */
function simplifyAccount(tenant: IDataObject): IDataObject {
	const pack = isObject(tenant.service_package) ? tenant.service_package : {};
	return {
		name: text(tenant.full_name),
		email: text(tenant.email),
		domain: text(tenant.domain),
		status: text(tenant.status),
		paidType: text(tenant.paid_type),
		currency: text(tenant.currency),
		balance: numberOf(tenant.balance),
		expiresAt: toIsoTime(tenant.expire_date),
		servicePackage: {
			code: text(pack.code_name),
			name: text(pack.service_name),
			agents: numberOf(pack.staff_num),
			customers: numberOf(pack.customer_num),
			expiresAt: toIsoTime(pack.expiry_date),
		},
		publicNumbers: publicNumbers(tenant),
	};
}

export async function execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	const tenant = await tenantDetail(this, i);
	return [{ json: shapeOutput(tenant, readOutput(options.output), simplifyAccount) }];
}
