'use strict';
/**
 * The package as a person meets it in n8n's editor: a real n8n 2.40 with the packed package
 * installed, the OMICall simulator, and Debian's Chromium driven by puppeteer-core (browser.js
 * installs Chromium on first use). The tests run in order in one browser tab, signed in once.
 * What they expect of the node panel and the trigger comes from the nodes' descriptions as n8n
 * serves them, so new resources and operations are checked without editing this file.
 */
const { launchBrowser } = require('./browser');
const editor = require('./editor');
const { nodeOutput, waitFor } = require('./n8n');

const { id } = editor;

jest.setTimeout(60_000);

/** @type {Awaited<ReturnType<typeof editor.startStack>>} */
let stack;
/** @type {import('puppeteer-core').Browser} */
let browser;
/** @type {import('puppeteer-core').Page} */
let page;
/** @type {ReturnType<typeof editor.recordProblems>} */
let problems;

beforeAll(async () => {
	const tarball = process.env.OMICALL_E2E_TARBALL;
	if (!tarball)
		throw new Error(
			'OMICALL_E2E_TARBALL is not set: run this file through jest, whose e2e globalSetup packs the package',
		);
	// Both at once; if one fails, afterAll stops the other.
	const [started, launched] = await Promise.allSettled([
		editor.startStack({ tarball }),
		launchBrowser(),
	]);
	if (started.status === 'fulfilled') stack = started.value;
	if (launched.status === 'fulfilled') browser = launched.value;
	for (const result of [started, launched]) if (result.status === 'rejected') throw result.reason;
	page = await browser.newPage();
	page.setDefaultTimeout(20_000);
	problems = editor.recordProblems(page);
}, 240_000);

afterAll(async () => {
	await browser?.close();
	await stack?.stop();
});

test('signing in on /signin with email, password and Enter shows the overview with the workflow', async () => {
	await editor.signIn(page, stack.n8n);
	expect(new URL(page.url()).pathname).toBe('/home/workflows');
	await page.waitForSelector(`::-p-text(${editor.WORKFLOW_NAME})`, { visible: true });
});

test('searching "OMICall" in the node panel lists the node, its actions grouped by resource, and its triggers', async () => {
	await editor.openWorkflow(page, stack.n8n, stack.workflow.id);
	await editor.searchNodePanel(page, 'OMICall');
	// n8n lists an action node and its trigger as one entry, named after the action node.
	const entries = await editor.nodePanelEntries(page);
	expect(entries).toContain(editor.nodeType(stack.types, editor.ACTION_TYPE).displayName);
	expect(entries.every((name) => /omicall/i.test(name ?? ''))).toBe(true);
	// Its icon is drawn: the package's SVG loaded.
	const icon = await page.$eval(`${id('node-creator')} ${id('item-iterator-item')} img`, (img) => ({
		src: img.src,
		width: img.naturalWidth,
	}));
	expect(icon.src).toMatch(/n8n-nodes-omicall\/.*\.svg$/);
	expect(icon.width).toBeGreaterThan(0);

	await editor.openNodePanelEntry(page, 'OMICall');
	await editor.expandNodePanelCategory(page, 'Triggers');
	const details = await editor.nodePanelDetails(page);
	const groups = editor.expectedActionGroups(stack.types);
	const total = groups.reduce((sum, g) => sum + g.actions.length, 0);
	const triggers = editor.expectedTriggerActions(stack.types);
	expect(details.map((c) => c.category)).toEqual([
		`Actions (${total})`,
		`Triggers (${triggers.length})`,
	]);

	const [actions, triggerCategory] = details;
	// Headings are shown in capitals (CSS); n8n sorts the entries of a group by name.
	const shown = actions.groups.map((g) => ({
		group: g.heading.toLowerCase(),
		actions: [...g.items].sort(),
	}));
	const wanted = groups.map((g) => ({
		group: g.group.toLowerCase(),
		actions: [...g.actions].sort(),
	}));
	expect(shown.sort((a, b) => a.group.localeCompare(b.group))).toEqual(
		wanted.sort((a, b) => a.group.localeCompare(b.group)),
	);
	expect(groups.find((g) => g.group === 'Webhook Actions')?.actions.length).toBeGreaterThanOrEqual(
		3,
	);
	expect(triggerCategory.groups.flatMap((g) => g.items).map((t) => t.toLowerCase())).toEqual(
		triggers.map((t) => t.toLowerCase()),
	);
	await page.keyboard.press('Escape');
});

test("opening the trigger shows its parameters, the one-webhook notice and the trigger panel's OMICall hints", async () => {
	await editor.openWorkflow(page, stack.n8n, stack.workflow.id);
	await editor.openNode(page, editor.TRIGGER_NAME);
	const trigger = editor.nodeType(stack.types, editor.TRIGGER_TYPE);
	const saved = stack.workflow.nodes.find((n) => n.name === editor.TRIGGER_NAME);
	const values = { ...saved.parameters, '@version': saved.typeVersion };
	// The parameters shown for this node's values, as the description's displayOptions say.
	const shownFor = (p) =>
		Object.entries(p.displayOptions?.show ?? {}).every(([key, allowed]) =>
			[values[key]].flat().some((v) => allowed.includes(v)),
		) &&
		!Object.entries(p.displayOptions?.hide ?? {}).some(([key, hidden]) =>
			[values[key]].flat().some((v) => hidden.includes(v)),
		);
	const expected = trigger.properties.filter(shownFor);
	expect(expected.some((p) => p.type === 'notice' && /one webhook/.test(p.displayName))).toBe(true);

	const { labels, texts } = await editor.shownParameters(page);
	expect(
		await page.$eval(`${id('ndv')} ${id('credentials-label')}`, (e) => e.textContent?.trim()),
	).toMatch(/^Credential\b/);
	for (const parameter of expected) {
		if (parameter.type === 'notice') expect(texts).toContain(parameter.displayName);
		else expect(labels).toContain(parameter.displayName);
	}
	// The credential is the simulator's, chosen in the trigger.
	expect(
		await page.$eval(
			`${id('ndv')} ${id('node-credentials-select')} input`,
			(e) => /** @type {HTMLInputElement} */ (e).value,
		),
	).toBe(editor.CREDENTIAL_NAME);

	// In place of n8n's generic "Pull in events from OMICall": the package's own texts.
	expect(
		await page.$eval(`${id('ndv')} ${id('trigger-header')}`, (e) => e.textContent?.trim()),
	).toBe(trigger.triggerPanel.header);
	const panelText = await page.$eval(id('ndv'), (e) => /** @type {HTMLElement} */ (e).innerText);
	expect(panelText).not.toMatch(/Pull in events/);
	// The workflow is published: the hint for an active workflow.
	expect(panelText.replace(/\s+/g, ' ')).toContain(trigger.triggerPanel.activationHint.active);
	await page.click(id('ndv-close-button'));
});

test("after a simulated call, the execution view shows the trigger's simplified item", async () => {
	await stack.simulator.placeCall({ direction: 'inbound' });
	const [execution] = await stack.n8n.waitForExecutions(stack.workflow.id, 1);
	const [item] = nodeOutput(execution, editor.TRIGGER_NAME);
	const cdr = /** @type {any} */ (
		stack.simulator.deliveries.find((d) => /** @type {any} */ (d.body).state === 'cdr')?.body
	);

	const rows = await editor.openExecutionItem(page, stack.n8n, stack.workflow.id, execution.id);
	expect(rows).toHaveLength(1);
	// Every field of the simplified item is a column, in the item's order.
	expect(Object.keys(rows[0])).toEqual(Object.keys(item));
	expect(rows[0]).toMatchObject({
		event: 'cdr',
		direction: 'inbound',
		customerNumber: cdr.phone_number,
		callId: cdr.transaction_id,
		hotline: cdr.hotline,
		agentName: cdr.user[0].full_name,
		startedAt: new Date(cdr.time_start_call * 1000).toISOString(),
	});
	await page.click(id('ndv-close-button'));
});

test('listening for a test event: the canvas says to call a hotline, a call arrives, and production gets its hook back', async () => {
	const production = stack.simulator.hooks.get('call')?.url;
	const trigger = editor.nodeType(stack.types, editor.TRIGGER_TYPE);
	await editor.openWorkflow(page, stack.n8n, stack.workflow.id);
	await editor.openNode(page, editor.TRIGGER_NAME);
	await page.click(`${id('ndv')} ${id('trigger-execute-button')}`);
	await page.waitForSelector(`${id('ndv')} ::-p-text(Listening for test event)`, { visible: true });
	await waitFor(() => /\/webhook-test\//.test(stack.simulator.hooks.get('call')?.url ?? ''), {
		what: 'the test URL registered in the simulator',
	});
	await page.click(id('ndv-close-button'));
	// On the canvas, the waiting trigger shows the package's text, not n8n's generic one.
	const node = `${id('canvas-node')}[data-node-name="${editor.TRIGGER_NAME}"]`;
	await page.waitForSelector(`${node} ::-p-text(${trigger.eventTriggerDescription})`, {
		visible: true,
	});

	await stack.simulator.placeCall({ direction: 'outbound' });
	await page.waitForSelector(`${id('edge-label')} ::-p-text(1 item)`, { visible: true });
	await waitFor(() => stack.simulator.hooks.get('call')?.url === production, {
		what: 'the production hook back',
	});
	await editor.openNode(page, editor.TRIGGER_NAME);
	await page.waitForSelector(`${id('ndv')} ${id('output-panel')} ::-p-text(customerNumber)`, {
		visible: true,
	});
	await page.click(id('ndv-close-button'));
});

test("the credential dialog's test says the connection works with the simulator's key", async () => {
	await editor.openCredential(page, stack.n8n, stack.credential.id);
	// n8n tests the connection as the dialog opens; Retry tests it again.
	expect(await editor.connectionTestResult(page)).toBe('success');
	await editor.retryConnectionTest(page);
	expect(await editor.connectionTestResult(page)).toBe('success');
	await page.waitForSelector(
		`${id('credentials-config-container-test-success')} ::-p-text(Connection tested successfully)`,
		{ visible: true },
	);
});

test('a new credential with a wrong API key shows the plain-English error, without the key', async () => {
	await editor.newCredential(page, stack.n8n, 'OMICall API');
	await editor.pasteInto(page, 'baseUrl', `${stack.simulator.url}/`);
	await editor.pasteInto(page, 'apiKey', 'a-wrong-key-123');
	await editor.saveCredential(page);
	const error = await editor.connectionTestResult(page);
	expect(error).toMatch(/^The API key was not accepted\. .*\(OMICall code: api_key_invalid\)$/);
	expect(error).not.toContain('a-wrong-key-123');
});

// n8n keeps hidden fields when a credential is edited: the session token of the previous key
// must not make a wrong new key "test successfully".
test('changing the API key of a working credential to a wrong one shows the error', async () => {
	await editor.openCredential(page, stack.n8n, stack.credential.id);
	expect(await editor.connectionTestResult(page)).toBe('success');
	await editor.pasteInto(page, 'apiKey', 'another-wrong-key-456');
	await editor.retryConnectionTest(page);
	expect(await editor.connectionTestResult(page)).toMatch(/^The API key was not accepted\./);
});

test('nothing in the browser console is an error from this package', async () => {
	// n8n's own look-ups of its web services fail offline, and its settings call answers 401 before
	// sign-in: those are n8n's. Only what names this package, its nodes or its icons counts.
	// The editor also looks the installed package up on npm (its "Installed" badge); that fails
	// offline, and before the package is published, whatever the package does.
	const npmLookUp = (p) => new URL(p.url || 'about:blank').host === 'registry.npmjs.org';
	const ours = problems.filter((p) => /omicall/i.test(`${p.text} ${p.url}`) && !npmLookUp(p));
	expect(ours).toEqual([]);
	// The recording itself works: n8n's pre-sign-in 401 is there.
	expect(problems.some((p) => p.kind === 'HTTP 401' || /401/.test(p.text))).toBe(true);
});
