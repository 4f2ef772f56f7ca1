/**
 * The call center's directory over real HTTP to the simulator: Account → Get, the Extension and
 * Hotline pickers (n8n-core's LoadOptionsContext), and the SIP passwords internal_phone/list
 * returns, which must reach no output, list or error.
 */
import type { INodeParameters } from 'n8n-workflow';

import { OmiCall } from '../../nodes/OmiCall/OmiCall.node';
import { extensionsIn } from '../../nodes/OmiCall/actions/callCenter';
import { PUBLIC_NUMBERS } from '../harness/call-center';
import {
	apiKeyStore,
	buildNode,
	CredentialStore,
	executeNode,
	loadOptionsContext,
} from '../harness/n8n-core';
import { AGENTS, type OmiCallSimulator, startSimulator } from '../harness/simulator';

const API_KEY = 'key-0123456789abcdef';
const EXTENSIONS = '/api/call_center/internal_phone/list';
const TENANT = '/api/tenant/detail';
const nodeType = new OmiCall();

let simulator: OmiCallSimulator;
let store: CredentialStore;

beforeEach(async () => {
	simulator = await startSimulator({ apiKeys: [API_KEY] });
	store = apiKeyStore(simulator.url, API_KEY);
});
afterEach(async () => simulator.stop());

const passwords = () => [...simulator.callCenter.extensions.values()].map((e) => e.password);

/** Fails when any SIP password of the simulated tenant appears anywhere in `value`. */
function expectNoSipPassword(value: unknown) {
	const seen = typeof value === 'string' ? value : JSON.stringify(value);
	for (const password of passwords()) expect(seen).not.toContain(password);
}

const loadOptions = (parameters: INodeParameters) =>
	loadOptionsContext(nodeType, parameters, store);

const searchExtensions = (filter?: string, token?: string) =>
	nodeType.methods.listSearch.searchExtensions.call(
		loadOptions({ resource: 'call', operation: 'make' }),
		filter,
		token,
	);

describe('Account → Get', () => {
	it('outputs the package, its expiry, the balance and the public numbers', async () => {
		const built = buildNode(nodeType, { resource: 'account', operation: 'get' }, store);
		const [item] = await executeNode(built, nodeType);
		expect(item).toEqual({
			json: {
				name: 'Công ty TNHH Mô Phỏng',
				email: 'admin@example.vn',
				domain: 'sim',
				status: 'active',
				paidType: 'prepaid',
				currency: 'VND',
				balance: 1_500_000,
				expiresAt: '2027-06-30T00:00:00.000Z',
				servicePackage: {
					code: 'business',
					name: 'Business',
					agents: 20,
					customers: 10000,
					expiresAt: '2027-06-30T00:00:00.000Z',
				},
				publicNumbers: PUBLIC_NUMBERS.map((number, i) => ({
					number,
					provider: ['viettel', 'vnpt', 'mobifone'][i],
					status: 'active',
					expiresAt: '2027-06-30T00:00:00.000Z',
				})),
			},
			pairedItem: { item: 0 },
		});
		expect(simulator.count(TENANT)).toBe(1);
	});

	it('Raw gives the account as OMICall returns it; a balance that changed shows at once', async () => {
		simulator.callCenter.tenant.balance = 12_000;
		const built = buildNode(
			nodeType,
			{ resource: 'account', operation: 'get', options: { output: 'raw' } },
			store,
		);
		const [item] = await executeNode(built, nodeType);
		expect(item.json).toEqual(JSON.parse(JSON.stringify(simulator.callCenter.tenant)));
	});
});

describe('the Extension picker', () => {
	it('lists every extension as "extension · name · email", pages of 50, and no SIP password', async () => {
		const listed = await searchExtensions();
		expect(listed.results).toEqual(
			AGENTS.map((a) => ({ name: `${a.extension} · ${a.name} · ${a.email}`, value: a.extension })),
		);
		expect(listed.paginationToken).toBeUndefined();
		expect(simulator.requests.find((r) => r.path === EXTENSIONS)?.query).toEqual({
			page: '1',
			size: '50',
		});
		expectNoSipPassword(listed);
	});

	it("searches with OMICall's keyword: extension, name or email", async () => {
		const agent = AGENTS[3];
		expect((await searchExtensions(agent.extension)).results).toEqual([
			{ name: `${agent.extension} · ${agent.name} · ${agent.email}`, value: agent.extension },
		]);
		expect((await searchExtensions(agent.email.toUpperCase())).results.map((r) => r.value)).toEqual(
			[agent.extension],
		);
		expect((await searchExtensions('no such agent')).results).toEqual([]);
	});

	it('pages on when a page is full', async () => {
		for (let n = 200; n < 260; n++)
			simulator.callCenter.extensions.set(String(n), {
				...simulator.callCenter.extensions.get('100')!,
				sip_user: String(n),
				password: `sip-extra-${n}`,
			});
		const first = await searchExtensions();
		expect(first.results).toHaveLength(50);
		expect(first.paginationToken).toBe('2');
		const second = await searchExtensions(undefined, '2');
		expect(second.results).toHaveLength(31);
		expect(second.paginationToken).toBeUndefined();
		expectNoSipPassword([first, second]);
		expect(JSON.stringify([first, second])).not.toContain('sip-extra-');
	});

	it('keeps only the extension, name, email and agent id of what OMICall returns', () => {
		expect(
			extensionsIn({
				items: [
					{
						sip_user: '100',
						password: 's3cret',
						full_name: 'A',
						email: 'a@x.vn',
						agent_id: '1',
						domain: 'd',
					},
					{ password: 'no-extension' },
					'junk',
				],
			}),
		).toEqual([{ extension: '100', name: 'A', email: 'a@x.vn', agentId: '1' }]);
	});

	it('a failed list shows none of the passwords OMICall sent with it', async () => {
		const items = [...simulator.callCenter.extensions.values()].map(
			({ state: _s, hotlines: _h, ...item }) => item,
		);
		simulator.injectFault(EXTENSIONS, {
			status: 500,
			body: {
				status_code: -9999,
				instance_id: 'sim',
				message: 'internal_error',
				payload: { items },
			},
		});
		const error = await searchExtensions().then(
			() => undefined,
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(Error);
		expect((error as Error).message).toContain('internal_error');
		expectNoSipPassword([
			(error as Error).message,
			(error as { description?: string }).description,
			error,
		]);
	});
});

describe('the Hotline picker', () => {
	const searchHotlines = (parameters: INodeParameters, filter?: string) =>
		nodeType.methods.listSearch.searchHotlines.call(loadOptions(parameters), filter);

	it('with an extension chosen, lists the hotlines it may call out on', async () => {
		simulator.callCenter.extensions.get('104')!.hotlines = [PUBLIC_NUMBERS[2]];
		const listed = await searchHotlines({
			resource: 'call',
			operation: 'make',
			extension: { __rl: true, mode: 'list', value: '104' },
		});
		expect(listed.results).toEqual([{ name: PUBLIC_NUMBERS[2], value: PUBLIC_NUMBERS[2] }]);
		expect(simulator.requests.filter((r) => r.path !== '/api/auth').map((r) => r.query)).toEqual([
			{ extension: '104' },
		]);
	});

	it("without one (Auto Call), lists the account's public numbers with provider and status, and searches them", async () => {
		const listed = await searchHotlines({ resource: 'autoCall', operation: 'start' });
		expect(listed.results).toEqual(
			PUBLIC_NUMBERS.map((number, i) => ({
				name: `${number} (${['viettel', 'vnpt', 'mobifone'][i]}, active)`,
				value: number,
			})),
		);
		expect(simulator.count(TENANT)).toBe(1);
		const found = await searchHotlines({ resource: 'autoCall', operation: 'start' }, '0247 3001');
		expect(found.results.map((r) => r.value)).toEqual([PUBLIC_NUMBERS[1]]);
		const byProvider = await searchHotlines({ resource: 'autoCall', operation: 'start' }, 'VNPT');
		expect(byProvider.results.map((r) => r.value)).toEqual([PUBLIC_NUMBERS[1]]);
	});

	it('an extension given by an expression (not resolved while editing) lists the account numbers', async () => {
		const listed = await searchHotlines({
			resource: 'call',
			operation: 'make',
			extension: { __rl: true, mode: 'id', value: '={{ $json.ext }}' },
		});
		expect(listed.results.map((r) => r.value)).toEqual(PUBLIC_NUMBERS);
	});
});
