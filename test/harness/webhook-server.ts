/**
 * A loopback HTTP endpoint that hands incoming requests to a trigger's webhook() through
 * n8n-core's WebhookContext, the way n8n's webhook server does for a node with
 * responseMode "onReceived": JSON bodies are parsed, a node that wrote its own response
 * (noWebhookResponse) is left alone, workflowData starts a run and answers 200 at once.
 * Paths under /webhook/ go to the production trigger, under /webhook-test/ to the test one.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { WebhookContext } from 'n8n-core';
import type { IDataObject, INodeExecutionData, INodeType, IWebhookResponseData } from 'n8n-workflow';
import { createRunExecutionData } from 'n8n-workflow';

import { type NodeRun, webhookData } from './n8n-core';

export interface Registered {
	run: NodeRun;
	nodeType: INodeType;
}

export class WebhookServer {
	readonly server = http.createServer((req, res) => void this.handle(req, res));
	url = '';
	production?: Registered;
	test?: Registered;
	/** The items of every run the trigger started, in arrival order. */
	runs: INodeExecutionData[][] = [];

	async start(): Promise<string> {
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
		return this.url;
	}

	async stop(): Promise<void> {
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', this.url);
		const target = url.pathname.startsWith('/webhook-test/') ? this.test : url.pathname.startsWith('/webhook/') ? this.production : undefined;
		const send = (status: number, body: unknown) => {
			if (res.headersSent) return;
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body));
		};
		if (!target || req.method !== 'POST') return send(404, { message: 'The requested webhook is not registered.' });

		let raw = '';
		for await (const chunk of req) raw += chunk;
		// As n8n's body parser: JSON is parsed, an empty body stays undefined, bad JSON gets 422.
		let body: unknown;
		if (/json/i.test(String(req.headers['content-type'] ?? '')) && raw) {
			try {
				body = JSON.parse(raw);
			} catch {
				return send(422, { code: 422, message: 'Failed to parse request body' });
			}
		}
		// The slice of Express's request and response that a trigger uses.
		const request = Object.assign(req, { body, query: Object.fromEntries(url.searchParams), params: {} });
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
		const isTest = target === this.test;
		const additionalData = { ...run.additionalData, httpRequest: request, httpResponse: response } as typeof run.additionalData;
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
		send(200, (result.webhookResponse as IDataObject | undefined) ?? (result.workflowData ? { message: 'Workflow was started' } : { message: 'Webhook call received' }));
	}
}

export async function startWebhookServer(): Promise<WebhookServer> {
	const server = new WebhookServer();
	await server.start();
	return server;
}

/** POSTs to a URL and returns the status and the parsed JSON answer. */
export async function post(url: string, body: unknown, contentType = 'application/json'): Promise<{ status: number; body: IDataObject }> {
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': contentType },
		body: typeof body === 'string' ? body : JSON.stringify(body),
	});
	const text = await response.text();
	return { status: response.status, body: text ? JSON.parse(text) : {} };
}
