/**
 * Runs this package's nodes through n8n-core's own execution contexts (ExecuteContext,
 * HookContext, WebhookContext), so their HTTP goes through n8n's real
 * httpRequestWithAuthentication. Only the credentials store is ours: it does what n8n's
 * CredentialsHelper (in the n8n CLI package, not in n8n-core) does for this credential: keep the
 * data, run preAuthentication when the expirable token is empty or expired and save its result,
 * and apply `authenticate`. The end-to-end suite checks the same behaviour inside a real n8n.
 */
import {
	ExecuteContext,
	HookContext,
	LoadOptionsContext,
	PollContext,
	RoutingNode,
} from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeParameters,
	INodeProperties,
	INodeType,
	INodeTypes,
	IWebhookData,
	IWorkflowExecuteAdditionalData,
	WorkflowActivateMode,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { createRunExecutionData, ICredentialsHelper, Workflow } from 'n8n-workflow';

import { OmiCallApi } from '../../credentials/OmiCallApi.credentials';

export const CREDENTIAL_ID = 'cred-1';

/**
 * n8n's CredentialsHelper behaviour for the credential types given, over an in-memory store.
 * Reads and writes wait like n8n's database does, so code that awaits the store between two
 * steps meets the same interleavings as in n8n.
 */
export class CredentialStore extends ICredentialsHelper {
	private readonly data = new Map<string, ICredentialDataDecryptedObject>();
	/** How often n8n would have written a renewed token to its database. */
	saves = 0;
	/** How long a database read or write takes; 0 still yields to other I/O once. */
	ioDelayMs = 0;

	private async io(): Promise<void> {
		await new Promise<void>((resolve) =>
			this.ioDelayMs > 0 ? setTimeout(resolve, this.ioDelayMs) : setImmediate(resolve),
		);
	}

	constructor(private readonly types: ICredentialType[] = [new OmiCallApi()]) {
		super();
	}

	set(id: string, data: ICredentialDataDecryptedObject): void {
		this.data.set(id, { ...data });
	}

	get(id: string): ICredentialDataDecryptedObject {
		return { ...this.data.get(id) };
	}

	private type(name: string): ICredentialType {
		const type = this.types.find((t) => t.name === name);
		if (!type) throw new Error(`Unknown credential type ${name}`);
		return type;
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const authenticate = this.type(typeName).authenticate;
		if (typeof authenticate !== 'function')
			throw new Error('this harness only knows function authentication');
		return await authenticate(credentials, requestOptions);
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.type(typeName);
		const expirable = type.properties.find(
			(p) => p.type === 'hidden' && p.typeOptions?.expirable === true,
		);
		if (!expirable || !type.preAuthentication) return undefined;
		const isTestingCredentials =
			node.parameters?.temp === '' && node.type === 'n8n-nodes-base.noOp';
		if (credentials[expirable.name] !== '' && !credentialsExpired && !isTestingCredentials)
			return undefined;
		const output = await type.preAuthentication.call(helpers, credentials);
		if (output[expirable.name] === undefined) return undefined;
		const details = node.credentials?.[typeName];
		if (!details) return undefined;
		// n8n reads the stored data again and writes it back with the new token.
		await this.io();
		await this.updateCredentials(details, typeName, {
			...this.get(details.id ?? ''),
			...output,
		} as ICredentialDataDecryptedObject);
		return Object.assign(credentials, output);
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.type(typeName);
		if (!type.preAuthentication) return undefined;
		return {
			...credentials,
			...(await type.preAuthentication.call(helpers, credentials)),
		} as ICredentialDataDecryptedObject;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('not used by this package');
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
	): Promise<ICredentialDataDecryptedObject> {
		await this.io();
		if (!nodeCredentials.id || !this.data.has(nodeCredentials.id))
			throw new Error(`No credential with id ${nodeCredentials.id}`);
		return this.get(nodeCredentials.id);
	}

	async updateCredentials(
		nodeCredentials: INodeCredentialsDetails,
		_type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		await this.io();
		this.saves++;
		this.data.set(nodeCredentials.id ?? '', { ...data });
	}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.type(type).properties;
	}
}

export interface NodeRun {
	workflow: Workflow;
	node: INode;
	additionalData: IWorkflowExecuteAdditionalData;
	/**
	 * The workflow's static data as n8n last saved it to its database: what a restart (or a
	 * re-published workflow) starts from. See saveStaticData.
	 */
	saved?: IDataObject;
}

/**
 * n8n saves a workflow's static data to its database after activating it and whenever a poll
 * emits items (n8n 2.40.7: WorkflowStaticDataService.saveStaticData in the poll's __emit and
 * after activation), not after a poll that returned null: a change such a poll made lives in
 * memory only, until the next save, and is gone after a restart.
 */
export function saveStaticData(run: NodeRun): void {
	run.saved = JSON.parse(JSON.stringify(run.workflow.staticData)) as IDataObject;
}

/** A one-node workflow around `nodeType`, wired to `credentials`. */
export function buildNode(
	nodeType: INodeType,
	parameters: INodeParameters,
	credentials: CredentialStore,
	options: { staticData?: IDataObject; webhookBaseUrl?: string; webhookId?: string } = {},
): NodeRun {
	const node: INode = {
		id: 'node-1',
		name: nodeType.description.defaults.name ?? nodeType.description.displayName,
		type: `n8n-nodes-omicall.${nodeType.description.name}`,
		typeVersion: 1,
		position: [0, 0],
		parameters,
		credentials: { omiCallApi: { id: CREDENTIAL_ID, name: 'OMICall account' } },
		webhookId: options.webhookId,
	};
	const nodeTypes: INodeTypes = {
		getByName: () => nodeType,
		getByNameAndVersion: () => nodeType,
		getKnownTypes: () => ({}),
	};
	const workflow = new Workflow({
		id: 'wf-1',
		name: 'test workflow',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes,
		staticData: options.staticData ?? {},
	});
	const base = options.webhookBaseUrl ?? 'http://127.0.0.1:5678';
	const additionalData = {
		credentialsHelper: credentials,
		webhookBaseUrl: `${base}/webhook`,
		webhookTestBaseUrl: `${base}/webhook-test`,
		webhookWaitingBaseUrl: `${base}/webhook-waiting`,
		instanceBaseUrl: base,
		restApiUrl: `${base}/rest`,
		formBaseUrl: `${base}/form`,
		formTestBaseUrl: `${base}/form-test`,
		formWaitingBaseUrl: `${base}/form-waiting`,
		mcpBaseUrl: `${base}/mcp`,
		mcpTestBaseUrl: `${base}/mcp-test`,
		currentNodeExecutionIndex: 0,
		variables: {},
		logAiEvent: () => {},
	} as unknown as IWorkflowExecuteAdditionalData;
	return { workflow, node: workflow.getNode(node.name) as INode, additionalData };
}

/** Runs an action node's execute() in n8n-core's ExecuteContext with `items` as input. */
export async function executeNode(
	run: NodeRun,
	nodeType: INodeType,
	items: INodeExecutionData[] = [{ json: {} }],
	mode: WorkflowExecuteMode = 'manual',
): Promise<INodeExecutionData[]> {
	const { workflow, node, additionalData } = run;
	const inputData = { main: [items] };
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		mode,
		createRunExecutionData(),
		0,
		items,
		inputData,
		{ node, data: inputData, source: null },
		[],
	);
	const result = await nodeType.execute!.call(context);
	return (result as INodeExecutionData[][])[0];
}

/** The context n8n gives a node's list search (a picker's list), for `parameters` at `path`. */
export function loadOptionsContext(
	nodeType: INodeType,
	parameters: INodeParameters,
	credentials: CredentialStore,
	path = 'parameters.x',
): LoadOptionsContext {
	const built = buildNode(nodeType, parameters, credentials);
	built.additionalData.currentNodeParameters = parameters;
	return new LoadOptionsContext(built.workflow, built.node, built.additionalData, path);
}

/** Runs `nodeType` once with `parameters` over `items`, with Continue On Fail as given. */
export function runAction(
	nodeType: INodeType,
	parameters: INodeParameters,
	credentials: CredentialStore,
	items: INodeExecutionData[] = [{ json: {} }],
	continueOnFail = false,
): Promise<INodeExecutionData[]> {
	const built = buildNode(nodeType, parameters, credentials);
	built.node.continueOnFail = continueOnFail;
	return executeNode(built, nodeType, items);
}

/**
 * run(parameters, items?, continueOnFail?): runAction with `defaults` under `parameters`, and the
 * credential store `store()` gives at the time of the run (a test file makes a new one per test).
 */
export function actionRunner(
	nodeType: INodeType,
	defaults: INodeParameters,
	store: () => CredentialStore,
) {
	return (parameters: INodeParameters, items?: INodeExecutionData[], continueOnFail?: boolean) =>
		runAction(nodeType, { ...defaults, ...parameters }, store(), items, continueOnFail);
}

/** The error a run fails with; a run that succeeds fails the test. */
export async function failureOf(
	running: Promise<unknown>,
): Promise<Error & { description?: string }> {
	const error = await running.then(
		() => undefined,
		(e: Error) => e,
	);
	if (!error) throw new Error('expected the node to fail');
	return error as Error & { description?: string };
}

/** The webhook data n8n builds for a trigger's single webhook. */
export function webhookData(run: NodeRun, nodeType: INodeType, isTest = false): IWebhookData {
	const description = nodeType.description.webhooks![0];
	return {
		httpMethod: 'POST',
		node: run.node.name,
		path: `${run.node.webhookId}`,
		webhookDescription: description,
		workflowId: run.workflow.id,
		workflowExecuteAdditionalData: run.additionalData,
		isTest,
		webhookId: run.node.webhookId,
	};
}

/** Calls one of the trigger's webhookMethods (checkExists, create, delete) in n8n-core's HookContext. */
export async function hook(
	run: NodeRun,
	nodeType: INodeType,
	method: 'checkExists' | 'create' | 'delete',
	options: { isTest?: boolean; activation?: WorkflowActivateMode } = {},
): Promise<boolean> {
	const mode: WorkflowExecuteMode = options.isTest ? 'manual' : 'trigger';
	const context = new HookContext(
		run.workflow,
		run.node,
		run.additionalData,
		mode,
		options.activation ?? 'activate',
		webhookData(run, nodeType, options.isTest),
	);
	return await nodeType.webhookMethods!.default![method].call(context);
}

/**
 * The "Test" button of a credential, as n8n's CredentialsTester runs a request test: the test
 * request goes through n8n-core's RoutingNode inside a throwaway node, then the rules are read.
 */
export async function testCredential(
	credentials: CredentialStore,
	type: ICredentialType,
): Promise<{ status: 'OK' | 'Error'; message: string }> {
	const test = type.test!;
	const probe: INodeType = {
		description: {
			displayName: 'Temp',
			name: 'n8n-nodes-base.noOp',
			group: ['transform'],
			version: 1,
			description: '',
			defaults: { name: 'Temp-Node' },
			inputs: [],
			outputs: [],
			credentials: [{ name: type.name, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					routing: { request: test.request },
					default: '',
				},
			],
		},
	};
	const run = buildNode(probe, {}, credentials);
	run.node.name = 'Temp-Node';
	run.node.type = 'n8n-nodes-base.noOp';
	run.node.parameters = { temp: '' };
	const items = [{ json: {} }];
	const context = new ExecuteContext(
		run.workflow,
		run.node,
		run.additionalData,
		'internal',
		createRunExecutionData(),
		0,
		[],
		{ main: [items] },
		{ node: run.node, data: {}, source: null },
		[],
	);
	const decrypted = {
		id: CREDENTIAL_ID,
		name: 'OMICall account',
		type: type.name,
		data: credentials.get(CREDENTIAL_ID),
	};
	let response: INodeExecutionData[][] | null | undefined;
	try {
		response = (await new RoutingNode(
			context,
			probe,
			decrypted,
		).runNode()) as INodeExecutionData[][];
	} catch (error) {
		const e = error as {
			message: string;
			cause?: { response?: { status: number; statusText?: string }; code?: string };
		};
		const status = e.cause?.response?.status;
		if (status !== undefined) {
			const rule = test.rules?.find(
				(r) => r.type === 'responseCode' && r.properties.value === status,
			);
			if (rule) return { status: 'Error', message: rule.properties.message };
			if (status < 199 || status > 299)
				return {
					status: 'Error',
					message: e.cause?.response?.statusText || `Received HTTP status code: ${status}`,
				};
		} else if (e.cause?.code) {
			return { status: 'Error', message: e.cause.code };
		}
		return { status: 'Error', message: String(e.message) };
	}
	for (const rule of test.rules ?? []) {
		if (rule.type !== 'responseSuccessBody') continue;
		const body = response?.[0]?.[0]?.json ?? {};
		const value = rule.properties.key
			.split('.')
			.reduce<unknown>((v, k) => (v as IDataObject | undefined)?.[k], body);
		if (value === rule.properties.value)
			return { status: 'Error', message: rule.properties.message };
	}
	return { status: 'OK', message: 'Connection successful!' };
}

/** Runs `action` inside a one-node workflow, in n8n-core's ExecuteContext, and returns what it returned. */
export async function runInProbeNode<T>(
	credentials: CredentialStore,
	action: (context: IExecuteFunctions) => Promise<T>,
): Promise<T> {
	let result: T | undefined;
	const probe: INodeType = {
		description: {
			displayName: 'Transport probe',
			name: 'transportProbe',
			group: ['transform'],
			version: 1,
			description: '',
			defaults: { name: 'Transport probe' },
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: 'omiCallApi', required: true }],
			properties: [],
		},
		async execute(this: IExecuteFunctions) {
			result = await action(this);
			return [[{ json: {} }]];
		},
	};
	await executeNode(buildNode(probe, {}, credentials), probe);
	return result as T;
}

/** The usual credential of the tests: API Key mode against `baseUrl`, no token yet. */
export function apiKeyStore(baseUrl: string, apiKey: string): CredentialStore {
	const store = new CredentialStore();
	store.set(CREDENTIAL_ID, { baseUrl, authentication: 'apiKey', apiKey, sessionToken: '' });
	return store;
}

/**
 * One poll of a polling trigger, as n8n's PollTriggerExecutor runs it: in n8n-core's PollContext,
 * inside its staging scope. Returns what poll() returned (null: nothing new); a failing poll
 * throws. Static data is the workflow's own (run.workflow.staticData), as n8n keeps it in memory;
 * a poll that emits saves it (saveStaticData). `budgetMs` is what getPollBudgetMs() answers
 * (n8n-core's default when not given).
 */
export async function pollNode(
	run: NodeRun,
	nodeType: INodeType,
	mode: WorkflowExecuteMode = 'trigger',
	activation: WorkflowActivateMode = 'activate',
	budgetMs?: number,
): Promise<INodeExecutionData[] | null> {
	// poll()'s result is what n8n would emit; an error is what n8n would record as a failed run.
	const context = new PollContext(
		run.workflow,
		run.node,
		run.additionalData,
		mode,
		activation,
		() => {},
		(error) => {
			throw error;
		},
		undefined,
		undefined,
		undefined,
		budgetMs === undefined ? undefined : () => budgetMs,
	);
	const result = await context.__runPoll(async () => await nodeType.poll!.call(context));
	if (result === null) return null;
	if (mode !== 'manual') saveStaticData(run);
	return result[0];
}
