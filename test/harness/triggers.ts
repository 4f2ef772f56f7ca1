/**
 * OMICall Triggers driven the way n8n 2.40.7 drives webhook triggers (read from its source:
 * workflow-trigger-activator.js, webhook-trigger-registrar.js, test-webhooks.js), with the
 * webhook server serving each trigger's path exactly while n8n would:
 * - activation stores n8n's webhook row first (the path answers), then checkExists and, if
 *   false, create; when that throws, n8n runs delete, drops the row and retries (5 attempts);
 * - deactivation drops the rows first, then runs delete, retried 3 times (1 s, then 2 s apart),
 *   then abandons the webhook;
 * - "Listen for test event" runs create with empty in-memory static data on the test path, and
 *   delete before it stops serving that path.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { OmiCallTrigger } from '../../nodes/OmiCall/OmiCallTrigger.node';
import { buildNode, type CredentialStore, hook, type NodeRun } from './n8n-core';
import type { WebhookServer } from './webhook-server';

export const trigger = new OmiCallTrigger();

export interface Lifecycle {
	/** Pause between n8n's attempts; tests shorten n8n's real 1 s and 2 s. */
	retryDelayMs?: number;
	/**
	 * n8n 1.x deactivates the other way round: delete first, while its rows still serve the
	 * path, then the rows; it makes one attempt and only logs a failure.
	 */
	n8nMajor?: 1 | 2;
}

export class TriggerFleet {
	private readonly options: Lifecycle;

	constructor(
		private readonly server: WebhookServer,
		private readonly store: CredentialStore,
		options: Lifecycle = {},
	) {
		this.options = { ...options };
	}

	/** A trigger node with its own webhook id; `staticData` stands for what n8n keeps in its database. */
	trigger(
		webhookId: string,
		parameters: INodeParameters = {},
		staticData: IDataObject = {},
	): NodeRun {
		return buildNode(trigger, { triggerOn: 'call', events: ['cdr'], ...parameters }, this.store, {
			staticData,
			webhookBaseUrl: this.server.url,
			webhookId,
		});
	}

	private async pause(attempt: number): Promise<void> {
		await new Promise((resolve) =>
			setTimeout(resolve, (this.options.retryDelayMs ?? 0) * 2 ** attempt),
		);
	}

	/** n8n 2.x activation of one trigger, with its retries; throws the last error. */
	async activate(run: NodeRun): Promise<void> {
		for (let attempt = 0; ; attempt++) {
			this.server.serve({ run, nodeType: trigger });
			try {
				if (!(await hook(run, trigger, 'checkExists'))) await hook(run, trigger, 'create');
				return;
			} catch (error) {
				await hook(run, trigger, 'delete').catch(() => undefined);
				this.server.unserve({ run, nodeType: trigger });
				if (attempt >= 4) throw error;
				await this.pause(attempt);
			}
		}
	}

	/** Several triggers of one workflow: n8n activates them concurrently. */
	async activateTogether(runs: NodeRun[]): Promise<void> {
		await Promise.all(runs.map(async (run) => await this.activate(run)));
	}

	/** n8n 2.x deactivation; resolves to the errors of the attempts that failed (3 = abandoned). */
	async deactivate(run: NodeRun): Promise<Error[]> {
		if (this.options.n8nMajor === 1) {
			const error = await hook(run, trigger, 'delete').then(
				() => undefined,
				(e: Error) => e,
			);
			this.server.unserve({ run, nodeType: trigger });
			return error ? [error] : [];
		}
		this.server.unserve({ run, nodeType: trigger });
		const errors: Error[] = [];
		for (let attempt = 0; attempt < 3; attempt++) {
			try {
				await hook(run, trigger, 'delete');
				return errors;
			} catch (error) {
				errors.push(error as Error);
				if (attempt < 2) await this.pause(attempt);
			}
		}
		return errors;
	}

	async deactivateTogether(runs: NodeRun[]): Promise<Error[][]> {
		if (this.options.n8nMajor === 1) {
			// n8n 1.x: every delete, one after the other, then every row.
			const errors: Error[][] = [];
			for (const run of runs)
				errors.push(
					await hook(run, trigger, 'delete').then(
						() => [],
						(e: Error) => [e],
					),
				);
			for (const run of runs) this.server.unserve({ run, nodeType: trigger });
			return errors;
		}
		return await Promise.all(runs.map(async (run) => await this.deactivate(run)));
	}

	/** Which n8n line this fleet behaves like. */
	set n8nMajor(major: 1 | 2) {
		this.options.n8nMajor = major;
	}

	/** "Listen for test event": a fresh copy of the trigger with empty static data. */
	async listen(webhookId: string, parameters: INodeParameters = {}): Promise<NodeRun> {
		const run = this.trigger(webhookId, parameters);
		this.server.serve({ run, nodeType: trigger }, true);
		if (!(await hook(run, trigger, 'checkExists', { isTest: true })))
			await hook(run, trigger, 'create', { isTest: true });
		return run;
	}

	async stopListening(run: NodeRun): Promise<void> {
		try {
			await hook(run, trigger, 'delete', { isTest: true });
		} finally {
			this.server.unserve({ run, nodeType: trigger }, true);
		}
	}
}

/** The n8n path in a registered URL, e.g. "/webhook/<id>/webhook", or undefined. */
export function pathOf(url: string | undefined): string | undefined {
	return url ? new URL(url).pathname : undefined;
}

export function secretOf(url: string | undefined): string | null {
	return url ? new URL(url).searchParams.get('secret') : null;
}

export function productionPath(run: NodeRun): string {
	return `/webhook/${run.node.webhookId}/webhook`;
}

export function testPath(run: NodeRun): string {
	return `/webhook-test/${run.node.webhookId}/webhook`;
}
