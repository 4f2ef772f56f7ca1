/** Typed access to the JavaScript OMICall simulator for the TypeScript tests. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const simulatorModule = require('../simulator/omicall-simulator');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const eventsModule = require('../simulator/call-events');

export interface SimulatorOptions {
	apiKeys?: string[];
	tokenLifetimeMs?: number;
	expiredTokenStyle?: '401' | 'envelope';
	maxDeliveryAttempts?: number;
	retryDelayMs?: number;
}

export interface LoggedRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	status: number;
	omiStatus?: number;
	/** The account (index of its API key) behind the request's token, when it had a signed one. */
	account?: number;
}

export interface Delivery {
	url: string;
	body: Record<string, unknown>;
	attempt: number;
	status: number | string;
}

export interface OmiCallSimulator {
	url: string;
	apiKeys: string[];
	tokenLifetimeMs: number;
	expiredTokenStyle: '401' | 'envelope';
	hooks: Map<string, { url: string; type: string; status: string; events: string[] | null }>;
	requests: LoggedRequest[];
	deliveries: Delivery[];
	faults: unknown[];
	start(port?: number, host?: string): Promise<string>;
	stop(): Promise<void>;
	count(path: string): number;
	resetLog(): void;
	expireAllTokens(): void;
	issueToken(account?: number): string;
	injectFault(path: string, fault?: { status?: number; body?: unknown; contentType?: string; times?: number; afterApplying?: boolean; drop?: boolean }): void;
	loseAnswer(path: string, fault?: { status?: number; body?: unknown; contentType?: string; times?: number; drop?: boolean }): void;
	refuseUrl(url: string, refused?: boolean): void;
	goDown(ms: number): void;
	slowDown(path: string, ms: number, times?: number): void;
	placeCall(options?: { direction?: 'inbound' | 'outbound' | 'local'; answered?: boolean }): Promise<{
		hook: string;
		events: Array<{ state: string; attempts: number; status: number | string }>;
	}>;
	changeContact(options?: { action?: 'created' | 'updated' }): Promise<{ hook: string; events: Array<{ state: string; attempts: number; status: number | string }> }>;
	deliver(url: string, event: Record<string, unknown>): Promise<{ state: string; attempts: number; status: number | string }>;
}

export const OmiCallSimulator: new (options?: SimulatorOptions) => OmiCallSimulator = simulatorModule.OmiCallSimulator;

export const buildCallEvents: (options?: {
	direction?: 'inbound' | 'outbound' | 'local';
	answered?: boolean;
	startedAt?: number;
	customerNumber?: string;
	notes?: string;
	transfers?: number;
}) => Array<Record<string, unknown>> = eventsModule.buildCallEvents;

export const buildContactEvent: (options?: { action?: 'created' | 'updated' }) => Record<string, unknown> = eventsModule.buildContactEvent;

/** Starts a simulator on a free loopback port. */
export async function startSimulator(options?: SimulatorOptions): Promise<OmiCallSimulator> {
	const simulator = new OmiCallSimulator(options);
	await simulator.start();
	return simulator;
}
