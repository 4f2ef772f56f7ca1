/** Typed access to the JavaScript OMICall simulator for the TypeScript tests. */
import type { SimCallCenter } from './call-center';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const simulatorModule = require('../simulator/omicall-simulator');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const eventsModule = require('../simulator/call-events');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const historyModule = require('../simulator/history');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const recordingModule = require('../simulator/recording');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const contactsModule = require('../simulator/contacts');

export interface SimulatorOptions {
	apiKeys?: string[];
	tokenLifetimeMs?: number;
	expiredTokenStyle?: '401' | 'envelope';
	maxDeliveryAttempts?: number;
	retryDelayMs?: number;
	/** How v3 search spells its page meta (default camel). */
	pageMetaStyle?: PageMetaStyle;
	/** The longest toDate - fromDate that v3 search accepts (default 31 days). */
	maxSearchWindowMs?: number;
	/** The methods getByTransactionId answers (default both); a missing one answers HTTP 404. */
	getByTransactionIdMethods?: Array<'GET' | 'POST'>;
}

export type PageMetaStyle = 'camel' | 'snake';
export type Direction = 'inbound' | 'outbound' | 'local';

/** An agent of the simulated tenant (extensions 100–120). */
export interface SimAgent {
	extension: string;
	name: string;
	email: string;
	id: string;
}

/** Options of buildCallEvents and placeCall: every choice not given is random (or from `random`). */
export interface CallOptions {
	direction?: Direction;
	answered?: boolean;
	/** Start of the call, epoch ms. */
	startedAt?: number;
	customerNumber?: string;
	customerName?: string;
	notes?: string;
	transfers?: number;
	/** null: no agent took part (an auto call). */
	agent?: { extension: string; name: string; email?: string; id?: string } | null;
	/** The called extension of a local call (default 101). */
	localExtension?: string;
	hotline?: string;
	ringSec?: number;
	talkSec?: number;
	transactionId?: string;
	/** Origin of recording_file_url (default the documented host; placeCall uses the simulator's). */
	recordingBaseUrl?: string;
	recordingId?: string;
	/** Makes it an auto call (is_auto_call true, autocall_id, autocall_uuid). */
	autocallId?: string;
	/** A function returning [0, 1), for reproducible choices. */
	random?: () => number;
}

/**
 * One call of the history: the v2 item of omicall-api.md section 4 (the cdr record without
 * `state`/`send_num_retry`, `hotline` null, `tag` holding tag ids, user[] with note and tag[{name}]).
 */
export interface HistoryCall {
	transaction_id: string;
	call_uuid: string;
	tenant_id: string;
	direction: Direction;
	phone_number: string;
	source_number: string;
	destination_number: string;
	from_number: string;
	to_number: string;
	hotline: null;
	sip_number: string;
	sip_user: string | null;
	duration: number;
	answer_sec: number;
	bill_sec: number;
	record_seconds: number;
	/** Epoch seconds. */
	time_start_call: number;
	time_start_to_answer: number | null;
	time_end_call: number;
	time_ringing_start: number;
	time_answer_start: number | null;
	/** Epoch milliseconds. */
	created_date: number;
	last_updated_date: number;
	recording_file_url: string | null;
	recording_file: string | null;
	recording_data: null;
	endby_name: string;
	disposition: 'answered' | 'cancelled';
	call_out_price: number;
	provider: string;
	ivr: boolean;
	is_auto_call: boolean;
	autocall_id: string | null;
	autocall_uuid: string | null;
	is_have_forward_out: boolean;
	is_missed_call: boolean;
	hangup_cause: string;
	dial_status: string;
	bill_sec_forward_out: number;
	invite_failure_status: null;
	transfer_histories: Array<{
		from_extension: string | null;
		to_extension: string;
		time: number;
		note: string;
	}>;
	user: Array<{
		id: string;
		full_name: string;
		extension: string;
		email: string;
		note: string;
		tag: Array<{ name: string }>;
	}>;
	customer: { full_name: string; full_name_unsigned: string; phone_number: string };
	create_by: { id: string; name: string; contact_id: string | null };
	note: string;
	/** Tag ids (see simulator.tags). */
	tag: string[];
}

export interface RateLimitOptions {
	/** How many of the next requests to the path are limited (default 1). */
	times?: number;
	/** http429: HTTP 429 + Retry-After; envelope: HTTP 200 with status_code -9999 (default http429). */
	style?: 'http429' | 'envelope';
	/** The Retry-After header in seconds (default 1); null sends none. */
	retryAfterSec?: number | null;
	/** The error code in the body (default rate_limit_exceeded). */
	message?: 'rate_limit_exceeded' | 'limit_request_30_minute' | string;
}

export interface GenerateHistoryOptions {
	/** Default 1000. */
	count?: number;
	/** The calls start within the `days` before endAt (default 90). */
	days?: number;
	/** Default 1; the same seed and endAt give the same calls. */
	seed?: number;
	/** Epoch ms, default now. */
	endAt?: number;
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
	/** The call history, one item per transaction_id. */
	calls: HistoryCall[];
	/** The tenant's tags: name → id. */
	tags: Map<string, string>;
	pageMetaStyle: PageMetaStyle;
	maxSearchWindowMs: number;
	maxPageSize: number;
	getByTransactionIdMethods: string[];
	/** The methods the change endpoint answers (default POST). */
	changeMethods: string[];
	rateLimits: Array<Required<RateLimitOptions> & { path: string }>;
	/** The bytes every recording serves (about a second of silent MP3). */
	recording: Buffer;
	/** Tenant, extensions, hotlines, click-to-call and auto call. */
	callCenter: SimCallCenter;
	start(port?: number, host?: string): Promise<string>;
	stop(): Promise<void>;
	count(path: string): number;
	resetLog(): void;
	expireAllTokens(): void;
	issueToken(account?: number): string;
	injectFault(
		path: string,
		fault?: {
			status?: number;
			body?: unknown;
			contentType?: string;
			times?: number;
			afterApplying?: boolean;
			drop?: boolean;
		},
	): void;
	loseAnswer(
		path: string,
		fault?: {
			status?: number;
			body?: unknown;
			contentType?: string;
			times?: number;
			drop?: boolean;
		},
	): void;
	refuseUrl(url: string, refused?: boolean): void;
	goDown(ms: number): void;
	slowDown(path: string, ms: number, times?: number): void;
	/** Records the call in the history and delivers its events; throws without a call hook unless requireHook is false. */
	placeCall(options?: CallOptions & { requireHook?: boolean }): Promise<{
		/** null when no call hook is registered (requireHook false): the call is in the history only. */
		hook: string | null;
		events: Array<{ state: string; attempts: number; status: number | string }>;
		transactionId: string;
	}>;
	generateHistory(options?: GenerateHistoryOptions): { added: number; total: number; ms: number };
	clearHistory(): void;
	/** Adds a call to the history, replacing one with the same transaction_id. */
	recordCall(call: HistoryCall): HistoryCall;
	findCall(transactionId: string): HistoryCall | undefined;
	/** The id of a tag name, creating the tag when new. */
	tagId(name: string): string;
	rateLimit(path: string, options?: RateLimitOptions): void;
	changeContact(options?: { action?: 'created' | 'updated' }): Promise<{
		hook: string;
		events: Array<{ state: string; attempts: number; status: number | string }>;
	}>;
	/** Contacts (test/simulator/contacts.js). */
	contactStore: ContactStore;
	/** Waits until every contact change announced so far has been delivered. */
	settled(): Promise<void>;
	deliver(
		url: string,
		event: Record<string, unknown>,
	): Promise<{ state: string; attempts: number; status: number | string }>;
}

export const OmiCallSimulator: new (options?: SimulatorOptions) => OmiCallSimulator =
	simulatorModule.OmiCallSimulator;

export const buildCallEvents: (options?: CallOptions) => Array<Record<string, unknown>> =
	eventsModule.buildCallEvents;

/** The cdr record as the history keeps it. */
export const toHistoryItem: (cdr: Record<string, unknown>) => HistoryCall =
	historyModule.toHistoryItem;

/** The v1 shape (detail/{id}): recording_file instead of recording_file_url. */
export const toV1Item: (call: HistoryCall) => Omit<HistoryCall, 'recording_file_url'> =
	historyModule.toV1Item;

export const AGENTS: SimAgent[] = eventsModule.AGENTS;

/** Lower case without Vietnamese marks. */
export const fold: (text: string) => string = eventsModule.fold;

/** `frames` MPEG-1 Layer III frames of silence (39 ≈ 1 s). */
export const silentMp3: (frames?: number) => Buffer = recordingModule.silentMp3;
export const MP3_FRAME_BYTES: number = recordingModule.FRAME_BYTES;

export const buildContactEvent: (options?: {
	action?: 'created' | 'updated';
	contact?: Record<string, unknown>;
}) => Record<string, unknown> = eventsModule.buildContactEvent;

/** A contact as OMICall holds it: attribute_structure by field code (omicall-api.md 3.4). */
export interface StoredContact {
	contact_id: string;
	ref_id: string | null;
	user_owner_email: string | null;
	tags: unknown[];
	created_date: number;
	last_updated_date: number;
	attribute_structure: Array<{
		field_code: string;
		field_type: string;
		value: Array<Record<string, unknown>>;
	}>;
	[key: string]: unknown;
}

export interface ContactStore {
	contacts: StoredContact[];
	/** The generations that answer ('v1', 'v2'); a missing one answers HTTP 404 not_found. */
	generations: string[];
	/** Inferred: searches answer the first page whatever `page` asks for. */
	ignoresPage: boolean;
	writes: Array<{ action: 'created' | 'updated' | 'unchanged' | 'deleted'; id: string }>;
	seed(contact: Record<string, unknown>): void;
	find(id: string): StoredContact | undefined;
	findByRefId(refId: string): StoredContact | undefined;
	findByPhone(phone: string): StoredContact | undefined;
}

/** The documented contact (omicall-api.md 3.4) with an entry of every field type. */
export const documentedContact: () => StoredContact = contactsModule.documentedContact;
/** A contact whose phones are held as +84912345678 and 842873000999. */
export const internationalContact: () => StoredContact = contactsModule.internationalContact;

/** Starts a simulator on a free loopback port. */
export async function startSimulator(options?: SimulatorOptions): Promise<OmiCallSimulator> {
	const simulator = new OmiCallSimulator(options);
	await simulator.start();
	return simulator;
}
