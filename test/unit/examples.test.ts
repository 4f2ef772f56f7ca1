/**
 * Every example workflow in examples/*.json still matches the nodes it uses: each node's type
 * and typeVersion exist, and each parameter it sets is one the node shows for the chosen
 * resource, operation and version, with a value the node accepts (options, collections, fixed
 * collections, resource locator modes; expressions are left to n8n). This package's nodes are
 * read from the classes package.json declares; n8n's own nodes from the description file (the one
 * its editor reads) of each supported n8n the end-to-end tests have installed, or, without any,
 * from a short list of type names and versions. An example that no longer matches fails here.
 */
import fs from 'node:fs';
import path from 'node:path';

import type {
	IConnections,
	INode,
	INodeTypes,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	INodeParameters,
	NodeParameterValueType,
} from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';

import packageJson from '../../package.json';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { CACHE, N8N_VERSION } = require('../e2e/n8n') as { CACHE: string; N8N_VERSION: string };

const ROOT = path.resolve(__dirname, '../..');
const EXAMPLES = path.join(ROOT, 'examples');
const PACKAGE = packageJson.name;

interface ExampleWorkflow {
	name: string;
	nodes: INode[];
	connections: IConnections;
	settings?: { executionOrder?: string; timezone?: string };
	pinData?: unknown;
}

/** This package's node descriptions, from the node classes package.json declares (dist → TypeScript source). */
function ownDescriptions(): Map<string, INodeTypeDescription[]> {
	const found = new Map<string, INodeTypeDescription[]>();
	for (const built of packageJson.n8n.nodes) {
		const source = path.join(ROOT, built.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
		// n8n's rule: the class is named like the file (OmiCall.node.js exports OmiCall).
		const className = path.basename(source, '.node.ts');
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const NodeClass = (require(source) as Record<string, new () => INodeType>)[className];
		const { description } = new NodeClass();
		found.set(`${PACKAGE}.${description.name}`, [description]);
	}
	return found;
}

/**
 * The n8n versions this package supports (README: the last 1.x line and 2.x): an example must
 * import into each, so each one's description file is read when it is installed.
 */
const SUPPORTED_N8N = [...new Set([N8N_VERSION, '2.40.7', '1.123.81'])];

const descriptionFile = (version: string) =>
	path.join(CACHE, `n8n-${version}`, 'node_modules/n8n-nodes-base/dist/types/nodes.json');

/** n8n's own node descriptions (every version) in one n8n, or undefined when it is not installed. */
function coreDescriptions(version: string): Map<string, INodeTypeDescription[]> | undefined {
	if (!fs.existsSync(descriptionFile(version))) return undefined;
	const found = new Map<string, INodeTypeDescription[]>();
	for (const description of JSON.parse(
		fs.readFileSync(descriptionFile(version), 'utf8'),
	) as INodeTypeDescription[]) {
		const type = `n8n-nodes-base.${description.name}`;
		found.set(type, [...(found.get(type) ?? []), description]);
	}
	return found;
}

/** Without n8n's description file: the core nodes the examples may use, with their versions in n8n 2.40.7. */
const CORE_NODES: Record<string, number[]> = {
	'n8n-nodes-base.stickyNote': [1],
	'n8n-nodes-base.noOp': [1],
	'n8n-nodes-base.filter': [1, 2, 2.1, 2.2, 2.3],
	'n8n-nodes-base.if': [1, 2, 2.1, 2.2, 2.3],
	'n8n-nodes-base.set': [1, 2, 3, 3.1, 3.2, 3.3, 3.4, 3.5],
	'n8n-nodes-base.summarize': [1, 1.1],
	'n8n-nodes-base.scheduleTrigger': [1, 1.1, 1.2, 1.3, 1.4],
	'n8n-nodes-base.convertToFile': [1, 1.1],
	'n8n-nodes-base.readWriteFile': [1, 1.1],
	'n8n-nodes-base.webhook': [1, 1.1, 2, 2.1],
	'n8n-nodes-base.formTrigger': [1, 2, 2.1, 2.2, 2.3, 2.4, 2.5, 2.6],
	'n8n-nodes-base.emailSend': [1, 2, 2.1],
	'n8n-nodes-base.code': [1, 2],
	'n8n-nodes-base.splitOut': [1],
	'n8n-nodes-base.merge': [1, 2, 2.1, 3, 3.1, 3.2],
	'n8n-nodes-base.removeDuplicates': [1, 1.1, 2],
};

const isExpression = (value: unknown) => typeof value === 'string' && value.startsWith('=');
const isObject = (value: unknown): value is INodeParameters =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * What is wrong with `values` against `properties`: a name the node does not have, one it does not
 * show for these settings, or a value it does not take. `shownWith` holds the values the display
 * rules read (the node's parameters with defaults at the top, the entry itself below).
 */
function parameterProblems(
	properties: INodeProperties[],
	values: INodeParameters,
	shownWith: INodeParameters,
	root: INodeParameters,
	node: INode,
	description: INodeTypeDescription,
	at: string,
): string[] {
	const problems: string[] = [];
	for (const [name, value] of Object.entries(values)) {
		const named = properties.filter((p) => p.name === name);
		if (!named.length) {
			problems.push(`${at}${name}: the node has no such parameter`);
			continue;
		}
		const shown = named.filter((p) =>
			NodeHelpers.displayParameter(shownWith, p, node, description, root),
		);
		if (!shown.length) {
			problems.push(`${at}${name}: not shown for these settings`);
			continue;
		}
		const each = shown.map((p) => valueProblems(p, value, root, node, description, `${at}${name}`));
		if (!each.some((list) => list.length === 0)) problems.push(...each[0]);
	}
	return problems;
}

function valueProblems(
	property: INodeProperties,
	value: NodeParameterValueType,
	root: INodeParameters,
	node: INode,
	description: INodeTypeDescription,
	at: string,
): string[] {
	if (isExpression(value)) return [];
	const dynamic = !!property.typeOptions?.loadOptionsMethod || !!property.typeOptions?.loadOptions;
	const allowed = (property.options ?? []).map((o) => ('value' in o ? o.value : undefined));
	const typeIs = (expected: string) =>
		typeof value === expected
			? []
			: [`${at}: expected a ${expected}, got ${JSON.stringify(value)}`];
	switch (property.type) {
		case 'options':
			return dynamic || allowed.includes(value as string)
				? []
				: [`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(allowed)}`];
		case 'multiOptions':
			if (!Array.isArray(value)) return [`${at}: expected a list`];
			return dynamic
				? []
				: value
						.filter((v) => !isExpression(v) && !allowed.includes(v as string))
						.map((v) => `${at}: ${JSON.stringify(v)} is not one of ${JSON.stringify(allowed)}`);
		case 'boolean':
			return typeIs('boolean');
		case 'number':
			return typeIs('number');
		case 'string':
		case 'dateTime':
		case 'json':
		case 'color':
			return typeIs('string');
		case 'collection':
			if (!isObject(value)) return [`${at}: expected an object`];
			return parameterProblems(
				property.options as INodeProperties[],
				value,
				value,
				root,
				node,
				description,
				`${at}.`,
			);
		case 'fixedCollection': {
			if (!isObject(value)) return [`${at}: expected an object`];
			const problems: string[] = [];
			for (const [group, entries] of Object.entries(value)) {
				const option = (property.options ?? []).find((o) => o.name === group);
				if (!option || !('values' in option)) {
					problems.push(`${at}.${group}: the node has no such group`);
					continue;
				}
				const list = property.typeOptions?.multipleValues ? entries : [entries];
				if (!Array.isArray(list) || !list.every(isObject)) {
					problems.push(
						`${at}.${group}: expected ${property.typeOptions?.multipleValues ? 'a list of objects' : 'an object'}`,
					);
					continue;
				}
				list.forEach((entry, i) =>
					problems.push(
						...parameterProblems(
							option.values,
							entry,
							entry,
							root,
							node,
							description,
							`${at}.${group}[${i}].`,
						),
					),
				);
			}
			return problems;
		}
		case 'resourceLocator': {
			const modes = (property.modes ?? []).map((m) => m.name);
			const locator = (isObject(value) ? value : {}) as { __rl?: unknown; mode?: unknown };
			return locator.__rl === true && modes.includes(locator.mode as string)
				? []
				: [`${at}: expected a resource locator in one of the modes ${JSON.stringify(modes)}`];
		}
		default:
			return []; // filter conditions, assignments and the like: n8n checks them when it runs
	}
}

const own = ownDescriptions();
const cores = SUPPORTED_N8N.flatMap((version) => {
	const descriptions = coreDescriptions(version);
	return descriptions ? [{ version, descriptions }] : [];
});
const missing = SUPPORTED_N8N.filter((version) => !cores.some((c) => c.version === version));
const files = fs.readdirSync(EXAMPLES).filter((file) => file.endsWith('.json'));

/** Problems of one example node against one set of descriptions of its type; `[]` when it matches. */
function problemsAgainst(node: INode, versions: INodeTypeDescription[]): string[] {
	const description = versions.find((d) =>
		(Array.isArray(d.version) ? d.version : [d.version]).includes(node.typeVersion),
	);
	if (!description) return [`${node.type} has no version ${node.typeVersion}`];
	const withDefaults =
		NodeHelpers.getNodeParameters(
			description.properties,
			node.parameters,
			true,
			false,
			node,
			description,
		) ?? {};
	const problems = parameterProblems(
		description.properties,
		node.parameters,
		withDefaults,
		withDefaults,
		node,
		description,
		'',
	);
	// What the editor marks "Parameter … is required": a required parameter shown and left empty.
	const issues = NodeHelpers.getNodeParametersIssues(
		description.properties,
		{ ...node, parameters: withDefaults },
		description,
	);
	for (const [name, messages] of Object.entries(issues?.parameters ?? {}))
		problems.push(`${name}: ${messages.join(' ')}`);
	for (const type of Object.keys(node.credentials ?? {})) {
		if (!(description.credentials ?? []).some((c) => c.name === type))
			problems.push(`credential ${type}: the node takes no such credential`);
	}
	return problems;
}

/** Problems of one example node, in every supported n8n that is installed; `[]` when it matches. */
function nodeProblems(node: INode): string[] {
	const versions = own.get(node.type);
	if (versions) return problemsAgainst(node, versions);
	if (!cores.length) {
		const listed = CORE_NODES[node.type];
		if (listed?.includes(node.typeVersion)) return [];
		if (listed) return [`${node.type} has no version ${node.typeVersion}`];
		return [`${node.type} is not a node of ${PACKAGE} nor one of n8n's`];
	}
	return cores.flatMap(({ version, descriptions }) => {
		const inThisN8n = descriptions.get(node.type);
		const problems = inThisN8n
			? problemsAgainst(node, inThisN8n)
			: [`${node.type} is not a node of ${PACKAGE} nor one of n8n's`];
		return problems.map((problem) => `n8n ${version}: ${problem}`);
	});
}

/**
 * The description of `type` at `version` in each place it is checked: this package, or each
 * installed supported n8n (labelled with its version). Empty without n8n's description files.
 */
function descriptionsOf(type: string, version: number) {
	const sources = own.has(type)
		? [{ label: '', descriptions: own.get(type) }]
		: cores.map((c) => ({ label: `n8n ${c.version}: `, descriptions: c.descriptions.get(type) }));
	return sources.flatMap(({ label, descriptions }) => {
		const description = descriptions?.find((d) =>
			(Array.isArray(d.version) ? d.version : [d.version]).includes(version),
		);
		return description ? [{ label, description }] : [];
	});
}

/** How many connections of `type` a node has on its inputs or outputs (n8n works out dynamic ones). */
function endCount(
	workflow: ExampleWorkflow,
	node: INode,
	description: INodeTypeDescription,
	side: 'inputs' | 'outputs',
	type: string,
): number {
	const nodeTypes: INodeTypes = {
		getByName: () => ({ description }),
		getByNameAndVersion: () => ({ description }),
		getKnownTypes: () => ({}),
	};
	const running = new Workflow({
		nodes: workflow.nodes,
		connections: workflow.connections,
		active: false,
		nodeTypes,
	});
	const ends =
		side === 'outputs'
			? NodeHelpers.getNodeOutputs(running, node, description)
			: NodeHelpers.getNodeInputs(running, node, description);
	return ends.filter((end) => (typeof end === 'string' ? end : end.type) === type).length;
}

/** Connections from an output or into an input the node does not have. */
function connectionProblems(workflow: ExampleWorkflow): string[] {
	const problems: string[] = [];
	const byName = new Map(workflow.nodes.map((node) => [node.name, node]));
	const check = (name: string, side: 'inputs' | 'outputs', type: string, index: number) => {
		const node = byName.get(name);
		if (!node) {
			problems.push(`"${name}" is connected but is not a node`);
			return;
		}
		for (const { label, description } of descriptionsOf(node.type, node.typeVersion)) {
			const count = endCount(workflow, node, description, side, type);
			if (index >= count)
				problems.push(`${label}"${name}" has ${count} ${type} ${side}, so none at index ${index}`);
		}
	};
	for (const [from, byType] of Object.entries(workflow.connections))
		for (const [type, outputs] of Object.entries(byType))
			outputs.forEach((targets, index) => {
				if (!targets?.length) return; // n8n keeps empty lists for outputs left unconnected
				check(from, 'outputs', type, index);
				for (const target of targets) check(target.node, 'inputs', target.type, target.index);
			});
	return problems;
}

/** `$('Name')`, `$node["Name"]` and `$items('Name')` in any parameter, the quotes unescaped. */
const NODE_REFERENCE = /\$(?:\(\s*|items\(\s*|node\[\s*)(['"`])((?:\\.|(?!\1)[^\\])*)\1/g;

/** Expressions (or code) naming a node the workflow does not have. Notes are text, not code. */
function referenceProblems(workflow: ExampleWorkflow): string[] {
	const names = new Set(workflow.nodes.map((node) => node.name));
	const problems: string[] = [];
	const visit = (value: unknown, node: INode) => {
		if (typeof value === 'string') {
			for (const [, , quoted] of value.matchAll(NODE_REFERENCE)) {
				const name = quoted.replace(/\\(.)/g, '$1');
				if (!names.has(name))
					problems.push(`"${node.name}" refers to a node "${name}" that does not exist`);
			}
		} else if (typeof value === 'object' && value !== null)
			for (const inner of Object.values(value)) visit(inner, node);
	};
	for (const node of workflow.nodes)
		if (node.type !== 'n8n-nodes-base.stickyNote') visit(node.parameters, node);
	return problems;
}

/** Names and ids used twice: n8n joins connections by name and keeps each node by id. */
function duplicateProblems(workflow: ExampleWorkflow): string[] {
	const twice = (values: string[]) => values.filter((v, i) => values.indexOf(v) !== i);
	return [
		...twice(workflow.nodes.map((n) => n.name)).map((name) => `the name "${name}" is used twice`),
		...twice(workflow.nodes.map((n) => n.id)).map((id) => `the id ${id} is used twice`),
	];
}

const readExample = (file: string) =>
	JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8')) as ExampleWorkflow;

test('there are examples to check', () => {
	expect(files.length).toBeGreaterThan(0);
	// Tells the reader which check ran for n8n's own nodes.
	for (const version of missing)
		console.warn(
			`${descriptionFile(version)} is missing: n8n ${version}'s nodes are not checked${cores.length ? '' : ' (only by name and version, from a list)'}.`,
		);
});

/** Node types served at a webhook path, which need a webhookId of their own. */
const WEBHOOK_NODE_TYPES = [
	'n8n-nodes-base.webhook',
	'n8n-nodes-base.formTrigger',
	'n8n-nodes-omicall.omiCallTrigger',
];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

test('no two examples share a webhook id (two imported examples would answer at one path)', () => {
	const ids = files.flatMap((file) =>
		readExample(file)
			.nodes.filter((node) => node.webhookId)
			.map((node) => node.webhookId),
	);
	expect(ids.length).toBeGreaterThan(0);
	expect(new Set(ids).size).toBe(ids.length);
});

describe.each(files)('examples/%s', (file) => {
	const workflow = readExample(file);

	it.each(workflow.nodes.map((node) => [node.name, node]))(
		'node "%s": its type, version and parameters exist',
		(_name, node) => {
			expect(nodeProblems(node as INode)).toEqual([]);
		},
	);

	it('imports anywhere: credentials by name only, a webhook id on each webhook node, no pinned data, execution order v1', () => {
		for (const node of workflow.nodes) {
			// n8n looks a credential up by name when its id is null (replaceInvalidCredentials).
			for (const credential of Object.values(node.credentials ?? {}))
				expect(credential).toEqual({ id: null, name: expect.any(String) });
			// n8n 1.x's public API and `n8n import:workflow` assign no webhook id: without one a node's
			// path becomes <workflow id>/<node name>/<path>, so the documented URL would not answer.
			if (WEBHOOK_NODE_TYPES.includes(node.type))
				expect({ [node.name]: node.webhookId }).toEqual({
					[node.name]: expect.stringMatching(UUID),
				});
			else expect({ [node.name]: node.webhookId }).toEqual({ [node.name]: undefined });
		}
		expect(workflow.pinData).toBeUndefined();
		expect(workflow.settings?.executionOrder).toBe('v1');
	});

	it('its connections join inputs and outputs that exist, and every node but the notes is connected', () => {
		expect(duplicateProblems(workflow)).toEqual([]);
		expect(connectionProblems(workflow)).toEqual([]);
		const names = workflow.nodes.map((node) => node.name);
		const linked = new Set<string>();
		for (const [from, outputs] of Object.entries(workflow.connections)) {
			linked.add(from);
			for (const output of Object.values(outputs))
				for (const targets of output) for (const target of targets ?? []) linked.add(target.node);
		}
		for (const name of linked) expect(names).toContain(name);
		const notes = workflow.nodes.filter((n) => n.type === 'n8n-nodes-base.stickyNote');
		expect(names.filter((name) => !linked.has(name))).toEqual(notes.map((n) => n.name));
	});

	it('the nodes its expressions name exist', () => {
		expect(referenceProblems(workflow)).toEqual([]);
	});
});

/** The checks above catch each way an example can break (this package's nodes: checked without n8n too). */
describe('the examples check', () => {
	const recording = () => readExample('recording-for-transcription.json');
	const download = (workflow: ExampleWorkflow) =>
		workflow.nodes.find((node) => node.name === 'Download Recording') as INode;

	it('catches a required parameter left out', () => {
		const workflow = recording();
		delete download(workflow).parameters.callId;
		expect(nodeProblems(download(workflow))).toEqual(['callId: Parameter "Call" is required.']);
		// n8n's own nodes, in each supported n8n that is installed.
		const write = readExample('nightly-call-report.json').nodes.find(
			(node) => node.type === 'n8n-nodes-base.readWriteFile',
		) as INode;
		delete write.parameters.fileName;
		expect(nodeProblems(write)).toEqual(
			cores.map((c) => `n8n ${c.version}: fileName: Parameter "File Path and Name" is required.`),
		);
	});

	it('catches a connection from an output or into an input the node does not have', () => {
		const workflow = recording();
		workflow.connections['Download Recording'].main.push([
			{ node: 'OMICall Trigger', type: 'main', index: 0 },
		]);
		expect(connectionProblems(workflow)).toEqual([
			'"Download Recording" has 1 main outputs, so none at index 1',
			'"OMICall Trigger" has 0 main inputs, so none at index 0',
		]);
	});

	it('catches an expression naming a node that does not exist', () => {
		const workflow = recording();
		download(workflow).parameters.binaryPropertyName =
			"={{ $('OMICall Trigger').item.json.callId }}{{ $node[\"Has a recording\"].json.x }}{{ $('Gone').item.json.callId }}{{ $node[\"Yesterday\\'s\"].json }}";
		expect(referenceProblems(workflow)).toEqual([
			'"Download Recording" refers to a node "Gone" that does not exist',
			'"Download Recording" refers to a node "Yesterday\'s" that does not exist',
		]);
	});

	it('catches a node id used twice', () => {
		const workflow = recording();
		workflow.nodes[2].id = workflow.nodes[1].id;
		expect(duplicateProblems(workflow)).toEqual([`the id ${workflow.nodes[1].id} is used twice`]);
	});
});
