/** Typed access to the simulator's call-center area (test/simulator/call-center.js). */

export type ExtensionState = 'online' | 'offline' | 'busy';

export interface SimExtension {
	sip_user: string;
	/** The SIP password OMICall returns in internal_phone/list: must never reach any output. */
	password: string;
	full_name: string;
	agent_id: string;
	email: string;
	state: ExtensionState;
	/** The hotlines this extension may call out on. */
	hotlines: string[];
}

export interface SimCallCenter {
	extensions: Map<string, SimExtension>;
	tenant: {
		full_name: string;
		balance: number;
		public_numbers: Array<{
			number: string;
			provider: string;
			expire_date: number;
			status: string;
		}>;
		[key: string]: unknown;
	};
	doNotCall: Set<string>;
	autoCallAllowed: boolean;
	charactersToday: number;
	customersAnswer: boolean;
	/** The bodies click-to-call received, in order. */
	clickToCalls: Array<Record<string, unknown> | null>;
	/** The bodies execute_by_phone received, in order. */
	autoCalls: Array<Record<string, unknown>>;
	/** While true, calls started wait (the extension busy) until idle() or releaseCalls(). */
	holdCalls: boolean;
	releaseCalls(): void;
	/** Resolves once every call started so far (held ones released) has been delivered to the hook and recorded. */
	idle(): Promise<void>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const callCenterModule = require('../simulator/call-center');

/** The account's hotlines in the simulator. */
export const PUBLIC_NUMBERS: string[] = callCenterModule.PUBLIC_NUMBERS;
