/** What the OMICall node shows in n8n's editor. */
import { NodeHelpers } from 'n8n-workflow';
import type { INodeParameters, INodeProperties } from 'n8n-workflow';

import { OmiCall } from '../../nodes/OmiCall/OmiCall.node';

const plain = new OmiCall().description;
const node = { typeVersion: 1 };

function property(name: string): INodeProperties {
	const found = plain.properties.find((p) => p.name === name);
	if (!found) throw new Error(`no parameter ${name}`);
	return found;
}

/** The options the editor offers in the Options collection for these values. */
function options(values: INodeParameters): string[] {
	const collection = property('options');
	if (!NodeHelpers.displayParameter(values, collection, node, plain)) return [];
	return (collection.options as INodeProperties[]).filter((o) => NodeHelpers.displayParameter({}, o, node, plain, values)).map((o) => o.displayName);
}

describe('the Show Full URLs option', () => {
	it('is offered for List and Destroy, off by default, and warns about secrets', () => {
		expect(options({ resource: 'webhook', operation: 'list' })).toEqual(['Show Full URLs', 'Type']);
		expect(options({ resource: 'webhook', operation: 'destroy' })).toEqual(['Show Full URLs']);
		expect(options({ resource: 'webhook', operation: 'register' })).toEqual([]);
		const option = (property('options').options as INodeProperties[]).find((o) => o.name === 'showFullUrls');
		expect(option).toMatchObject({ type: 'boolean', default: false });
		expect(option?.description).toMatch(/secrets/);
	});
});
