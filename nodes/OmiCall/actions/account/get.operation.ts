import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { isObject, text, toIsoTime } from '../../callRecord';
import { tenantDetail } from '../callCenter';
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

/** A number as OMICall gives it (a number or numeric text), or null. */
function amount(value: unknown): number | null {
	const n = typeof value === 'string' && value.trim() ? Number(value) : value;
	return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

/** tenant/detail (documented fields, omicall-api.md 6) with readable names; dates as ISO 8601. */
export function simplifyAccount(tenant: IDataObject): IDataObject {
	const pack = isObject(tenant.service_package) ? tenant.service_package : {};
	const numbers = Array.isArray(tenant.public_numbers) ? tenant.public_numbers : [];
	return {
		name: text(tenant.full_name),
		email: text(tenant.email),
		domain: text(tenant.domain),
		status: text(tenant.status),
		paidType: text(tenant.paid_type),
		currency: text(tenant.currency),
		balance: amount(tenant.balance),
		expiresAt: toIsoTime(tenant.expire_date),
		servicePackage: {
			code: text(pack.code_name),
			name: text(pack.service_name),
			agents: amount(pack.staff_num),
			customers: amount(pack.customer_num),
			expiresAt: toIsoTime(pack.expiry_date),
		},
		publicNumbers: numbers.map((entry) =>
			isObject(entry)
				? {
						number: text(entry.number),
						provider: text(entry.provider),
						status: text(entry.status),
						expiresAt: toIsoTime(entry.expire_date),
					}
				: { number: text(entry), provider: null, status: null, expiresAt: null },
		),
	};
}

export async function execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	const tenant = await tenantDetail(this, i);
	return [{ json: shapeOutput(tenant, readOutput(options.output), simplifyAccount) }];
}
