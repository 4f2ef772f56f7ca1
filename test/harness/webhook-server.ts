/**
 * A loopback HTTP endpoint that hands incoming requests to a trigger's webhook() through
 * n8n-core's WebhookContext, the way n8n's webhook server does for a node with
 * responseMode "onReceived": JSON bodies are parsed, a node that wrote its own response
 * (noWebhookResponse) is left alone, workflowData starts a run and answers 200 at once.
 * Each trigger is served at its own n8n path, production (/webhook/…) or test (/webhook-test/…).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { WebhookContext } from 'n8n-core';
import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	IWebhookResponseData,
} from 'n8n-workflow';
import { createRunExecutionData } from 'n8n-workflow';

import { type NodeRun, webhookData } from './n8n-core';

export interface Registered {
	run: NodeRun;
	nodeType: INodeType;
}

export class WebhookServer {
	readonly server = http.createServer((req, res) => void this.handle(req, res));
	url = '';
	/** Registered triggers by n8n path: /webhook/<webhookId>/webhook or /webhook-test/<webhookId>/webhook. */
	readonly routes = new Map<string, Registered>();
	/** The items of every run a trigger started, in arrival order. */
	runs: INodeExecutionData[][] = [];
	/** The target (path and query) of every request received, as a proxy's access log shows it. */
	readonly requestTargets: string[] = [];

	async start(): Promise<string> {
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
		return this.url;
	}

	async stop(): Promise<void> {
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	/** n8n serves a trigger's production or test path from activation (or listening) until deactivation. */
	serve(entry: Registered, isTest = false): void {
		this.routes.set(routePath(entry.run, isTest), entry);
	}

	unserve(entry: Registered, isTest = false): void {
		this.routes.delete(routePath(entry.run, isTest));
	}

	/** Probes (x-omicall-trigger-probe) of a path that get a proxy's error or a reset connection instead. */
	private readonly failedProbes = new Map<string, { times: number; answer: 'reset' | number }>();

	failProbes(path: string, answer: 'reset' | number, times = 1): void {
		this.failedProbes.set(path, { times, answer });
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		this.requestTargets.push(req.url ?? '');
		const url = new URL(req.url ?? '/', this.url);
		const isTest = url.pathname.startsWith('/webhook-test/');
		const target = this.routes.get(url.pathname);
		const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
			if (res.headersSent) return;
			res.writeHead(status, { 'content-type': 'application/json', ...headers });
			res.end(JSON.stringify(body));
		};
		const failure =
			req.headers['x-omicall-trigger-probe'] !== undefined
				? this.failedProbes.get(url.pathname)
				: undefined;
		if (failure && failure.times > 0) {
			failure.times -= 1;
			if (failure.answer === 'reset') return void req.socket.destroy();
			return send(failure.answer, { message: 'Bad Gateway' });
		}
		if (!target || req.method !== 'POST')
			return send(404, { message: 'The requested webhook is not registered.' });

		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const bytes = Buffer.concat(chunks); // decoded whole: a character may span two chunks
		// As n8n 2.40's parseRequestBody for webhook nodes (webhook-helpers.js), which run before
		// its global body parser: only application/json is parsed as JSON (bad JSON gets 422),
		// text/plain stays text, and anything else, or no bytes, leaves the body undefined. n8n
		// lower-cases the type before the ";" without trimming it, and decodes with the charset.
		const [type, ...parameters] = String(req.headers['content-type'] ?? '').split(';');
		const contentType = type.toLowerCase();
		let charset = 'utf-8';
		for (const parameter of parameters) {
			const eq = parameter.indexOf('=');
			if (eq !== -1 && parameter.slice(0, eq).trim().toLowerCase() === 'charset')
				charset = parameter
					.slice(eq + 1)
					.trim()
					.replace(/^"(.*)"$/, '$1')
					.toLowerCase();
		}
		let body: unknown;
		if (bytes.length && (contentType === 'application/json' || contentType === 'text/plain')) {
			try {
				const raw = bytes.toString(charset as BufferEncoding);
				body =
					contentType === 'text/plain'
						? raw
						: JSON.parse(raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw);
			} catch {
				return send(422, { code: 422, message: 'Failed to parse request body' });
			}
		}
		// n8n's "extended" query parser: a repeated parameter becomes an array.
		const query: Record<string, string | string[]> = {};
		for (const [key, value] of url.searchParams) {
			const seen = query[key];
			query[key] =
				seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
		}
		// The slice of Express's request and response that a trigger uses.
		const request = Object.assign(req, { body, query, params: {} });
		const response = Object.assign(res, {
			status(code: number) {
				res.statusCode = code;
				return response;
			},
			json(value: unknown) {
				send(res.statusCode, value);
				return response;
			},
		});

		const { run, nodeType } = target;
		const additionalData = {
			...run.additionalData,
			httpRequest: request,
			httpResponse: response,
		} as typeof run.additionalData;
		const context = new WebhookContext(
			run.workflow,
			run.node,
			additionalData,
			isTest ? 'manual' : 'webhook',
			webhookData(run, nodeType, isTest),
			[],
			createRunExecutionData(),
		);
		let result: IWebhookResponseData;
		try {
			result = await nodeType.webhook!.call(context);
		} catch (error) {
			return send(500, { message: (error as Error).message });
		}
		if (result.workflowData) this.runs.push(result.workflowData[0]);
		if (result.noWebhookResponse) return;
		if (result.workflowData && nodeType.description.webhooks?.[0].responseData === 'noData') {
			res.writeHead(200);
			return void res.end();
		}
		send(
			200,
			(result.webhookResponse as IDataObject | undefined) ??
				(result.workflowData
					? { message: 'Workflow was started' }
					: { message: 'Webhook call received' }),
		);
	}
}

function routePath(run: NodeRun, isTest: boolean): string {
	return `/${isTest ? 'webhook-test' : 'webhook'}/${run.node.webhookId}/webhook`;
}

export async function startWebhookServer(): Promise<WebhookServer> {
	const server = new WebhookServer();
	await server.start();
	return server;
}

/** POSTs to a URL and returns the status and the parsed JSON answer. */
export async function post(
	url: string,
	body: unknown,
	contentType = 'application/json',
): Promise<{ status: number; body: IDataObject }> {
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': contentType },
		body: typeof body === 'string' ? body : JSON.stringify(body),
	});
	const text = await response.text();
	return { status: response.status, body: text ? JSON.parse(text) : {} };
}
