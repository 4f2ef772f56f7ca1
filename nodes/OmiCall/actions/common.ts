import type {
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
