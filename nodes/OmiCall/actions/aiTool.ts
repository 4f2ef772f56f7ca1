import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * Whether n8n runs this node as an AI agent's tool. n8n 2.40 then runs the tool version it
 * generates, whose type ends in "Tool" (n8n/dist/tool-generation/ai-tools.js, convertNodeToAiTool):
 * in a SupplyDataContext for Agents V1/V2 and the MCP Server Trigger, but in a plain
 * ExecuteContext for Agent V3's engine requests, where isToolExecution() is always false
 * (n8n-core/dist/execution-engine/node-execution-context/execute-context.js). So the type decides.
 */
export function isAiToolNodeType(type: string): boolean {
	return (type.split('.').pop() ?? '').endsWith('Tool');
}

export function runsAsAiTool(context: IExecuteFunctions): boolean {
	return (
		isAiToolNodeType(context.getNode().type) ||
		(typeof context.isToolExecution === 'function' && context.isToolExecution())
	);
}

/**
 * Refuses an operation to an AI agent unless `parameter`, a switch shown only in the tool version
 * of the node, is on in the node itself (not set by an expression): the one rule for every
 * operation whose effect an agent should not choose alone (webhooks that move a whole account's
 * events, calls that cost money and ring people).
 */
export function refuseAiAgentUnless(
	context: IExecuteFunctions,
	parameter: string,
	i: number,
	refusal: string,
): void {
	// The switch as saved, not evaluated: an expression ($fromAI, whose "=" n8n keeps even under
	// noDataExpression: n8n-workflow node-helpers.js getNodeParameters) would let the model turn it on.
	if (!runsAsAiTool(context) || context.getNode().parameters[parameter] === true) return;
	throw new NodeOperationError(context.getNode(), refusal, { itemIndex: i });
}

export const allowAiCallsField: INodeProperties = {
	displayName: 'Allow AI Agents to Place Calls',
	name: 'allowAiCalls',
	type: 'boolean',
	default: false,
	noDataExpression: true,
	description:
		'Whether an AI agent may place calls or start auto calls with this tool. Calls cost money and ring real people.',
	// '@tool': shown only in the tool version n8n generates (n8n-workflow/dist/cjs/node-helpers.js, getPropertyValues).
	displayOptions: { show: { '@tool': [true] } },
};

/** Make and Auto Call → Start: an AI agent needs the node's explicit leave. */
export function refuseAiAgentCallsUnlessAllowed(
	context: IExecuteFunctions,
	what: string,
	i: number,
): void {
	refuseAiAgentUnless(
		context,
		allowAiCallsField.name,
		i,
		`An AI agent may not ${what} unless this node allows it: calls cost money and ring real people's phones. Turn on "${allowAiCallsField.displayName}" in the node to allow it.`,
	);
}
