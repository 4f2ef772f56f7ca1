import type {
	IDataObject,
	INodeProperties,
	INodePropertyMode,
	INodePropertyModeTypeOptions,
} from 'n8n-workflow';

/** n8n's Return All / Limit pair, for every Get Many operation. */
export const returnAllAndLimit: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
];

export type Output = 'simplified' | 'raw';

/** n8n's Simplify choice, as an Output option: each resource says what its two forms hold. */
export function outputOption(simplified: string, raw: string): INodeProperties {
	return {
		displayName: 'Output',
		name: 'output',
		type: 'options',
		options: [
			{ name: 'Simplified', value: 'simplified', description: simplified },
			{ name: 'Raw', value: 'raw', description: raw },
		],
		default: 'simplified',
	};
}

/** The Output option's value: Simplified unless Raw is chosen. */
export function readOutput(value: unknown): Output {
	return value === 'raw' ? 'raw' : 'simplified';
}

/** A record in the chosen output: as OMICall gave it, or through the resource's simplifier. */
export function shapeOutput(
	record: IDataObject,
	output: Output,
	simplify: (record: IDataObject) => IDataObject,
): IDataObject {
	return output === 'raw' ? record : simplify(record);
}

/**
 * A required resource locator (written out in full where it is used, so that n8n's scanner checks
 * it): picked from a searchable list, the first mode, or typed in its own `modes` (By ID and the like).
 */
export function listLocator(
	parameter: INodeProperties & { modes: INodePropertyMode[] },
	list: { placeholder: string; typeOptions: INodePropertyModeTypeOptions },
): INodeProperties {
	return {
		required: true,
		...parameter,
		modes: [{ displayName: 'From List', name: 'list', type: 'list', ...list }, ...parameter.modes],
	};
}
