/** What the OMICall node shows in n8n's editor, and how it tells that an AI agent runs it. */
import { NodeHelpers } from 'n8n-workflow';
import type { INodeParameters, INodeProperties, INodeTypeDescription } from 'n8n-workflow';

import { isAiToolNodeType, OmiCall } from '../../nodes/OmiCall/OmiCall.node';

const plain = new OmiCall().description;
/** n8n names the tool version of a usableAsTool node "<name>Tool" (convertNodeToAiTool). */
const tool: INodeTypeDescription = { ...plain, name: `${plain.name}Tool` };
const node = { typeVersion: 1 };

function property(name: string): INodeProperties {
	const found = plain.properties.find((p) => p.name === name);
	if (!found) throw new Error(`no parameter ${name}`);
	return found;
}

/** The top-level parameters the editor shows for these values. */
function shown(description: INodeTypeDescription, values: INodeParameters): string[] {
	return description.properties
		.filter((p) => NodeHelpers.displayParameter(values, p, node, description))
		.map((p) => p.displayName);
}

/** The options the editor offers in the Options collection for these values. */
function options(values: INodeParameters): string[] {
	// Each operation has its own Options collection; the editor shows the one whose conditions hold.
	const collection = plain.properties.find(
		(p) => p.name === 'options' && NodeHelpers.displayParameter(values, p, node, plain),
	);
	if (!collection) return [];
	return (collection.options as INodeProperties[])
		.filter((o) => NodeHelpers.displayParameter({}, o, node, plain, values))
		.map((o) => o.displayName);
}

describe('the Show Full URLs option', () => {
	it('is offered for List and Destroy, off by default, and warns about secrets', () => {
		expect(options({ resource: 'webhook', operation: 'list' })).toEqual(['Show Full URLs', 'Type']);
		expect(options({ resource: 'webhook', operation: 'destroy' })).toEqual(['Show Full URLs']);
		expect(options({ resource: 'webhook', operation: 'register' })).toEqual([]);
		const option = (property('options').options as INodeProperties[]).find(
			(o) => o.name === 'showFullUrls',
		);
		expect(option).toMatchObject({ type: 'boolean', default: false });
		expect(option?.description).toMatch(/secrets/);
	});
});

describe('the Allow AI Agents to Change Webhooks parameter', () => {
	it('is shown in the tool version for Register and Destroy only, off by default', () => {
		const allow = 'Allow AI Agents to Change Webhooks';
		expect(
			shown(tool, { resource: 'webhook', operation: 'register', webhookType: 'call' }),
		).toContain(allow);
		expect(
			shown(tool, { resource: 'webhook', operation: 'destroy', webhookType: 'call' }),
		).toContain(allow);
		expect(shown(tool, { resource: 'webhook', operation: 'list' })).not.toContain(allow);
		expect(
			shown(plain, { resource: 'webhook', operation: 'register', webhookType: 'call' }),
		).not.toContain(allow);
		expect(property('allowAiWebhookChanges')).toMatchObject({ type: 'boolean', default: false });
	});
});

describe('telling that an AI agent runs the node', () => {
	it.each([
		['n8n-nodes-omicall.omiCallTool', true],
		['CUSTOM.omiCallTool', true],
		['omiCallTool', true],
		['n8n-nodes-omicall.omiCall', false],
		['n8n-nodes-omicall.omiCallTrigger', false],
		['', false],
	])('%p → %p', (type, expected) => {
		expect(isAiToolNodeType(type)).toBe(expected);
	});
});
