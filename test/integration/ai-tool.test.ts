/**
 * The OMICall node run as an AI agent's tool, the two ways n8n 2.40 runs a tool, over real HTTP
 * to the simulator:
 * - Agent V3 sends an engine request and n8n runs the tool node in a plain ExecuteContext
 *   (n8n-core/dist/execution-engine/requests-response.js, workflow-execute.js runNode);
 * - Agents V1/V2 and the MCP Server Trigger get a LangChain tool from getInputConnectionData,
 *   which runs the node in a SupplyDataContext
 *   (n8n-core/dist/execution-engine/node-execution-context/utils/get-input-connection-data.js).
 * Either way the workflow node is the tool version n8n generates, whose type ends in "Tool".
 */
import { createRunExecutionData, deepCopy, NodeConnectionTypes, Workflow } from 'n8n-workflow';
import type {
	IDataObject,
	INode,
	INodeParameters,
	INodeProperties,
	INodeType,
	INodeTypes,
} from 'n8n-workflow';
import { ExecuteContext } from 'n8n-core';

import { OmiCall } from '../../nodes/OmiCall/OmiCall.node';
import { buildNode, CredentialStore, executeNode, apiKeyStore } from '../harness/n8n-core';
import { type OmiCallSimulator, startSimulator } from '../harness/simulator';

const API_KEY = 'key-0123456789abcdef';
const FOREIGN = 'https://bob:hunter2@crm.example.com/omicall/calls?token=crm-secret-123';

/**
 * The tool version n8n 2.40 makes of a usableAsTool node: the same execute() under a description
 * renamed to "…Tool", with an ai_tool output and a tool description
 * (n8n/dist/tool-generation/ai-tools.js convertNodeToAiTool, n8n/dist/node-types.js).
 */
function asAiTool(base: INodeType): INodeType {
	const description = deepCopy(base.description);
	description.name += 'Tool';
	description.displayName += ' Tool';
	description.inputs = [];
	description.outputs = [NodeConnectionTypes.AiTool];
	delete description.usableAsTool;
	const descriptionType: INodeProperties = {
		displayName: 'Tool Description',
		name: 'descriptionType',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Set Automatically', value: 'auto' },
			{ name: 'Set Manually', value: 'manual' },
		],
		default: 'auto',
	};
	const toolDescription: INodeProperties = {
		displayName: 'Description',
		name: 'toolDescription',
		type: 'string',
		default: description.description,
		displayOptions: { show: { descriptionType: ['manual'] } },
	};
	description.properties = [descriptionType, toolDescription, ...description.properties];
	return Object.create(base, { description: { value: description } }) as INodeType;
}

const toolType = asAiTool(new OmiCall());

let simulator: OmiCallSimulator;
let store: CredentialStore;

beforeEach(async () => {
	simulator = await startSimulator({ apiKeys: [API_KEY] });
	store = apiKeyStore(simulator.url, API_KEY);
	simulator.hooks.set('call', {
		url: FOREIGN,
		type: 'call',
		status: 'actived',
		events: ['hangup'],
	});
});
afterEach(async () => simulator.stop());

/** Agent V3's way: the tool node runs in an ExecuteContext, as the workflow's "…Tool" node. */
async function runAsAgentV3Tool(parameters: INodeParameters, toolArguments: IDataObject = {}) {
	const built = buildNode(toolType, { resource: 'webhook', ...parameters }, store);
	return await executeNode(built, toolType, [{ json: { toolCallId: 'call-1', ...toolArguments } }]);
}

/**
 * Agents V1/V2 and the MCP Server Trigger: an agent node asks n8n-core for its tools and
 * invokes the OMICall one, which runs in a SupplyDataContext. Returns what the agent receives.
 */
async function invokeAsLangChainTool(
	parameters: INodeParameters,
	toolArguments: IDataObject = {},
): Promise<string> {
	const agentType: INodeType = {
		description: {
			displayName: 'Agent',
			name: 'agent',
			group: ['transform'],
			version: 1,
			description: '',
			defaults: { name: 'Agent' },
			inputs: [NodeConnectionTypes.Main, NodeConnectionTypes.AiTool],
			outputs: [NodeConnectionTypes.Main],
			properties: [],
		},
	};
	const tool = buildNode(toolType, { resource: 'webhook', ...parameters }, store);
	const agent: INode = {
		id: 'agent-1',
		name: 'Agent',
		type: 'test.agent',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const toolNode: INode = { ...tool.node, name: 'OMICall Tool' };
	const nodeTypes: INodeTypes = {
		getByName: (type) => (type === agent.type ? agentType : toolType),
		getByNameAndVersion: (type) => (type === agent.type ? agentType : toolType),
		getKnownTypes: () => ({}),
	};
	const workflow = new Workflow({
		id: 'wf-agent',
		nodes: [agent, toolNode],
		connections: {
			'OMICall Tool': {
				[NodeConnectionTypes.AiTool]: [
					[{ node: 'Agent', type: NodeConnectionTypes.AiTool, index: 0 }],
				],
			},
		},
		active: false,
		nodeTypes,
	});
	const agentNode = workflow.getNode('Agent') as INode;
	const items = [{ json: { chatInput: 'please move the call webhook' } }];
	const inputData = { main: [items] };
	const context = new ExecuteContext(
		workflow,
		agentNode,
		tool.additionalData,
		'manual',
		createRunExecutionData(),
		0,
		items,
		inputData,
		{ node: agentNode, data: inputData, source: null },
		[],
	);
	const tools = (await context.getInputConnectionData(NodeConnectionTypes.AiTool, 0)) as Array<{
		invoke(args: object): Promise<string>;
	}>;
	expect(tools).toHaveLength(1);
	return await tools[0].invoke(toolArguments);
}

async function failure(promise: Promise<unknown>): Promise<Error> {
	const error = await promise.then(
		() => undefined,
		(e: Error) => e,
	);
	if (!error) throw new Error('expected the tool to fail');
	return error;
}

const REFUSED =
	/^An AI agent may not (register|destroy) OMICall webhooks unless this node allows it:.*Turn on "Allow AI Agents to Change Webhooks"/;

describe('run by an AI agent (Agent V3: the tool node in an ExecuteContext)', () => {
	it('refuses Register and Destroy before any request unless "Allow AI Agents to Change Webhooks" is on', async () => {
		const register = await failure(
			runAsAgentV3Tool({
				operation: 'register',
				webhookType: 'call',
				url: 'https://attacker.example.net/x',
			}),
		);
		expect(register.message).toMatch(REFUSED);
		expect(register.message).toContain('register');
		const destroy = await failure(runAsAgentV3Tool({ operation: 'destroy', webhookType: 'call' }));
		expect(destroy.message).toMatch(REFUSED);
		expect(destroy.message).toContain('destroy');
		expect(simulator.requests).toEqual([]);
		expect(simulator.hooks.get('call')?.url).toBe(FOREIGN);

		const registered = await runAsAgentV3Tool({
			operation: 'register',
			webhookType: 'call',
			url: 'https://crm.example.com/agent',
			allowAiWebhookChanges: true,
		});
		expect(registered.map((i) => i.json)).toEqual([
			{ type: 'call', url: 'https://crm.example.com/agent', status: 'actived' },
		]);
		const destroyed = await runAsAgentV3Tool({
			operation: 'destroy',
			webhookType: 'call',
			allowAiWebhookChanges: true,
		});
		expect(destroyed.map((i) => i.json)).toEqual([
			{ type: 'call', destroyed: true, url: 'https://crm.example.com/agent' },
		]);
		expect(simulator.hooks.has('call')).toBe(false);
	});

	it('lists, with the URLs redacted, since the answer goes to the AI model', async () => {
		const out = await runAsAgentV3Tool({ operation: 'list' });
		expect(out.map((i) => i.json)).toEqual([
			{
				type: 'call',
				url: 'https://***@crm.example.com/omicall/calls?token=***',
				status: 'actived',
			},
		]);
	});
});

describe('run by an AI agent (Agents V1/V2, MCP Server Trigger: a LangChain tool)', () => {
	it('refuses Register and Destroy, and the agent is told why', async () => {
		const register = await failure(
			invokeAsLangChainTool({
				operation: 'register',
				webhookType: 'call',
				url: 'https://attacker.example.net/x',
			}),
		);
		expect(register.message).toMatch(REFUSED);
		const destroy = await failure(
			invokeAsLangChainTool({ operation: 'destroy', webhookType: 'call' }),
		);
		expect(destroy.message).toMatch(REFUSED);
		expect(simulator.requests).toEqual([]);
		expect(simulator.hooks.get('call')?.url).toBe(FOREIGN);
	});

	it('registers when allowed, and lists redacted URLs', async () => {
		const answer = await invokeAsLangChainTool({
			operation: 'register',
			webhookType: 'contact',
			url: 'https://crm.example.com/contacts',
			allowAiWebhookChanges: true,
		});
		expect(JSON.parse(answer)).toEqual([
			{ type: 'contact', url: 'https://crm.example.com/contacts', status: 'actived' },
		]);
		const listed = JSON.parse(await invokeAsLangChainTool({ operation: 'list' })) as Array<{
			url: string;
		}>;
		expect(listed.map((h) => h.url)).toEqual([
			'https://***@crm.example.com/omicall/calls?token=***',
			'https://crm.example.com/contacts',
		]);
	});
});

describe('run by an AI agent: placing calls costs money and rings real people', () => {
	const CALLS_REFUSED =
		/^An AI agent may not (place calls|start auto calls) unless this node allows it: calls cost money and ring real people's phones\. Turn on "Allow AI Agents to Place Calls"/;
	const make = {
		resource: 'call',
		operation: 'make',
		extension: { __rl: true, mode: 'id', value: '100' },
		hotline: { __rl: true, mode: 'id', value: '842899959300' },
		phoneNumber: '0912345678',
	};
	const start = {
		resource: 'autoCall',
		operation: 'start',
		name: 'Nhắc lịch hẹn',
		phoneNumbers: '0912345678, 0912345679',
		messageType: 'text',
		message: 'Quý khách có lịch hẹn lúc 9 giờ sáng mai.',
	};

	it('refuses Make and Auto Call → Start before any request, both ways n8n runs a tool', async () => {
		for (const parameters of [make, start]) {
			const v3 = await failure(runAsAgentV3Tool(parameters));
			expect(v3.message).toMatch(CALLS_REFUSED);
			const langChain = await failure(invokeAsLangChainTool(parameters));
			expect(langChain.message).toMatch(CALLS_REFUSED);
		}
		expect(simulator.requests).toEqual([]);
		expect(simulator.callCenter.clickToCalls).toEqual([]);
		expect(simulator.callCenter.autoCalls).toEqual([]);
	});

	it('places the call and starts the auto call when "Allow AI Agents to Place Calls" is on', async () => {
		const [placed] = await runAsAgentV3Tool({ ...make, allowAiCalls: true });
		expect(placed.json).toMatchObject({ callId: expect.any(String), phoneNumber: '0912345678' });
		const started = JSON.parse(await invokeAsLangChainTool({ ...start, allowAiCalls: true }));
		expect(started).toEqual([
			expect.objectContaining({ autoCallId: expect.any(String), name: 'Nhắc lịch hẹn' }),
		]);
		expect(simulator.callCenter.clickToCalls).toHaveLength(1);
		expect(simulator.callCenter.autoCalls).toHaveLength(1);
		await simulator.callCenter.idle();
	});

	it('the switch shows only in the tool version of the node', async () => {
		const switchField = new OmiCall().description.properties.filter(
			(p) => p.name === 'allowAiCalls',
		);
		expect(switchField.length).toBeGreaterThan(0);
		for (const field of switchField) expect(field.displayOptions?.show?.['@tool']).toEqual([true]);
	});
});

describe('run by an AI agent: the model cannot turn the switches on itself', () => {
	const fromAi = (key: string) => `={{ $fromAI('${key}', 'Allow it?', 'boolean') }}`;
	const cases: Array<[string, INodeParameters, RegExp]> = [
		[
			'Make, allowAiCalls from $fromAI',
			{
				resource: 'call',
				operation: 'make',
				extension: { __rl: true, mode: 'id', value: '100' },
				hotline: { __rl: true, mode: 'id', value: '842899959300' },
				phoneNumber: '0912345678',
				allowAiCalls: fromAi('allow'),
			},
			/^An AI agent may not place calls unless this node allows it/,
		],
		[
			'Auto Call → Start, allowAiCalls from an expression',
			{
				resource: 'autoCall',
				operation: 'start',
				name: 'x',
				phoneNumbers: '0912345678',
				messageType: 'text',
				message: 'Xin chào',
				allowAiCalls: '={{ $json.allow }}',
			},
			/^An AI agent may not start auto calls unless this node allows it/,
		],
		[
			'Register, allowAiWebhookChanges from $fromAI',
			{
				operation: 'register',
				webhookType: 'call',
				url: 'https://attacker.example.net/x',
				allowAiWebhookChanges: fromAi('allow'),
			},
			REFUSED,
		],
	];

	it.each(cases)(
		'%s: refused both ways n8n runs a tool, even when it says true',
		async (_, parameters, refused) => {
			const v3 = await failure(runAsAgentV3Tool(parameters, { allow: true }));
			expect(v3.message).toMatch(refused);
			const langChain = await failure(invokeAsLangChainTool(parameters, { allow: true }));
			expect(langChain.message).toMatch(refused);
			expect(simulator.requests).toEqual([]);
			expect(simulator.callCenter.clickToCalls).toEqual([]);
			expect(simulator.callCenter.autoCalls).toEqual([]);
			expect(simulator.hooks.get('call')?.url).toBe(FOREIGN);
		},
	);

	it('the switches take no expression in the editor', () => {
		const switches = new OmiCall().description.properties.filter(
			(p) => p.name === 'allowAiCalls' || p.name === 'allowAiWebhookChanges',
		);
		expect(switches.length).toBeGreaterThanOrEqual(2);
		for (const field of switches) expect(field.noDataExpression).toBe(true);
	});
});
