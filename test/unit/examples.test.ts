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
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	INodeParameters,
	NodeParameterValueType,
} from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

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

test('there are examples to check', () => {
	expect(files.length).toBeGreaterThan(0);
	// Tells the reader which check ran for n8n's own nodes.
	for (const version of missing)
		console.warn(
			`${descriptionFile(version)} is missing: n8n ${version}'s nodes are not checked${cores.length ? '' : ' (only by name and version, from a list)'}.`,
		);
});

describe.each(files)('examples/%s', (file) => {
	const workflow = JSON.parse(
		fs.readFileSync(path.join(EXAMPLES, file), 'utf8'),
	) as ExampleWorkflow;

	it.each(workflow.nodes.map((node) => [node.name, node]))(
		'node "%s": its type, version and parameters exist',
		(_name, node) => {
			expect(nodeProblems(node as INode)).toEqual([]);
		},
	);

	it('imports anywhere: credentials by name only, no webhook ids, no pinned data, execution order v1', () => {
		for (const node of workflow.nodes) {
			// n8n looks a credential up by name when its id is null (replaceInvalidCredentials).
			for (const credential of Object.values(node.credentials ?? {}))
				expect(credential).toEqual({ id: null, name: expect.any(String) });
			// n8n gives each imported trigger a fresh webhook id; a baked one would be shared by every import.
			expect(node.webhookId).toBeUndefined();
		}
		expect(workflow.pinData).toBeUndefined();
		expect(workflow.settings?.executionOrder).toBe('v1');
	});

	it('its connections join nodes that exist, and every node but the notes is connected', () => {
		const names = workflow.nodes.map((node) => node.name);
		expect(new Set(names).size).toBe(names.length);
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
});
