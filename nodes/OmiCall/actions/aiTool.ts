import type { IExecuteFunctions } from 'n8n-workflow';

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
