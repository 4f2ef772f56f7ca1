'use strict';
/**
 * What the editor test (editor.test.js) and `npm run screenshots` share: a real n8n with this
 * package installed from its tarball, the OMICall simulator where OMICall would be, an owner, a
 * credential and a published OMICall Trigger workflow; and the steps a person takes in n8n's
 * editor, driven in Debian's Chromium (browser.js).
 *
 * Selectors are n8n's own data-test-id attributes (n8n 2.40). Every step waits for what it needs
 * to see, never for a fixed time.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { N8nInstance, OWNER, installN8n, installPackage, log, waitFor } = require('./n8n');
const { triggerWorkflow } = require('./workflows');
const { OmiCallSimulator } = require('../simulator/omicall-simulator');

const API_KEY = 'editor-api-key-5b1d0e';
const CREDENTIAL_NAME = 'OMICall (simulator)';
const WORKFLOW_NAME = 'OMICall calls';
const ACTION_TYPE = 'n8n-nodes-omicall.omiCall';
const TRIGGER_TYPE = 'n8n-nodes-omicall.omiCallTrigger';
const TRIGGER_NAME = 'OMICall Trigger';

/** A CSS selector for n8n's data-test-id attribute. */
const id = (testId) => `[data-test-id="${testId}"]`;

/**
 * Starts the simulator and n8n, sets up the owner, a credential for the simulator and a published
 * OMICall Trigger → "Show call" workflow whose hook the simulator holds.
 * @param {{tarball: string, userFolder?: string}} options
 */
async function startStack({
	tarball,
	userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'omicall-editor-')),
}) {
	const simulator = new OmiCallSimulator({ apiKeys: [API_KEY], retryDelayMs: 20 });
	await simulator.start();
	installPackage(userFolder, tarball);
	const install = await installN8n();
	let n8n = new N8nInstance({ install, userFolder });
	const stop = async () => {
		await n8n.stop();
		await simulator.stop();
		fs.rmSync(userFolder, { recursive: true, force: true });
	};
	try {
		// A free port can be taken by another test between the look-up and n8n's listen: try new ones.
		for (let attempt = 1; ; attempt++) {
			try {
				await n8n.start();
				break;
			} catch (error) {
				if (
					attempt >= 3 ||
					!/already in use|EADDRINUSE/.test(String(/** @type {Error} */ (error).message))
				)
					throw error;
				log(`n8n's port was taken meanwhile; starting it again on other ports`);
				n8n = new N8nInstance({ install, userFolder });
			}
		}
		await n8n.setupOwner();
		const credential = await n8n.createCredential(CREDENTIAL_NAME, {
			baseUrl: `${simulator.url}/`,
			authentication: 'apiKey',
			apiKey: API_KEY,
		});
		const workflow = await n8n.createWorkflow(
			triggerWorkflow(credential, { events: ['cdr'] }, WORKFLOW_NAME),
		);
		await n8n.activate(workflow.id);
		await waitFor(() => simulator.hooks.get('call'), {
			what: "the trigger's hook in the simulator",
		});
		// The node types as n8n serves them to the editor: what the assertions expect comes from here.
		const types = await n8n.request(`${n8n.url}/types/nodes.json`, 'GET', undefined, {
			cookie: n8n.cookie,
		});
		return { n8n, simulator, credential, workflow, types, userFolder, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}

/** The newest description of a node type in n8n's /types/nodes.json. */
function nodeType(types, name) {
	const versions = types.filter((t) => t.name === name);
	if (!versions.length) throw new Error(`n8n does not list the node type ${name}`);
	return versions.at(-1);
}

/**
 * What the node panel should list for the action node, read from its description: per resource,
 * n8n's group heading ("<Resource> Actions") and each operation's action text.
 */
function expectedActionGroups(types) {
	const node = nodeType(types, ACTION_TYPE);
	const resource = node.properties.find((p) => p.name === 'resource');
	return resource.options.map((r) => ({
		group: `${r.name} Actions`,
		actions: node.properties
			.filter((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(r.value))
			.flatMap((p) => p.options.map((o) => o.action ?? o.name)),
	}));
}

/** The trigger's entries in the node panel: n8n names them "On <option>" after its first options parameter. */
function expectedTriggerActions(types) {
	const trigger = nodeType(types, TRIGGER_TYPE);
	const first = trigger.properties.find((p) => p.type === 'options' && !p.displayOptions);
	return first.options.map((o) => `On ${o.name.toLowerCase()}`);
}

/**
 * Records what the page reports as going wrong: console errors, uncaught exceptions, failed
 * requests and HTTP errors. Each entry keeps its text and the URL it came from.
 * @param {import('puppeteer-core').Page} page
 */
function recordProblems(page) {
	/** @type {Array<{kind: string, text: string, url: string}>} */
	const problems = [];
	page.on('console', (message) => {
		if (message.type() === 'error')
			problems.push({
				kind: 'console error',
				text: message.text(),
				url: message.location()?.url ?? '',
			});
	});
	page.on('pageerror', (error) =>
		problems.push({
			kind: 'uncaught',
			text: String(/** @type {Error} */ (error).stack ?? error),
			url: '',
		}),
	);
	page.on('requestfailed', (request) =>
		problems.push({
			kind: 'request failed',
			text: `${request.method()} ${request.failure()?.errorText}`,
			url: request.url(),
		}),
	);
	page.on('response', (response) => {
		if (response.status() >= 400)
			problems.push({
				kind: `HTTP ${response.status()}`,
				text: response.request().method(),
				url: response.url(),
			});
	});
	return problems;
}

/** Signs in on /signin as a person does: email, password, Enter. */
async function signIn(page, n8n) {
	const owner = n8n.owner ?? OWNER;
	await page.goto(`${n8n.url}/signin`);
	await (
		await page.waitForSelector(`${id('emailOrLdapLoginId')} input`, { visible: true })
	)?.type(owner.email);
	await page.type(`${id('password')} input`, owner.password);
	await page.keyboard.press('Enter');
	await page.waitForFunction(() => location.pathname !== '/signin', { timeout: 15_000 });
}

/** Opens a workflow in the editor and waits for its nodes on the canvas. */
async function openWorkflow(page, n8n, workflowId) {
	await page.goto(`${n8n.url}/workflow/${workflowId}`);
	await page.waitForSelector(id('canvas-node'), { visible: true });
}

/** Opens the node panel with the N key (n8n 2.x) and searches it. */
async function searchNodePanel(page, text) {
	const searchBar = `${id('node-creator-search-bar')}`;
	await page.keyboard.press('n');
	// The canvas takes keys once it has focus; a click on its empty background gives it that.
	if (
		!(await page.waitForSelector(searchBar, { visible: true, timeout: 5_000 }).catch(() => null))
	) {
		await page.click(id('canvas-background'));
		await page.keyboard.press('n');
		await page.waitForSelector(searchBar, { visible: true });
	}
	await page.type(searchBar, text);
	await page.waitForFunction(
		(wanted) =>
			[
				...document.querySelectorAll(
					'[data-test-id="node-creator"] [data-test-id="node-creator-item-name"]',
				),
			].some((e) => e.textContent?.includes(wanted)),
		{},
		text,
	);
}

/** The names of the entries the node panel lists. */
async function nodePanelEntries(page) {
	return await page.$$eval(
		`${id('node-creator')} ${id('item-iterator-item')} ${id('node-creator-item-name')}`,
		(els) => els.map((e) => e.textContent?.trim()),
	);
}

/**
 * Opens an entry of the node panel and returns what its details list, in the order shown:
 * categories ("Actions (7)", "Triggers (2)"), each with its groups (headings such as
 * "CALL ACTIONS", or "" before the first heading) and their entries.
 */
async function openNodePanelEntry(page, name) {
	const entry = await page.waitForSelector(
		`::-p-xpath(//*[@data-test-id="node-creator"]//*[@data-test-id="node-creator-item-name"][normalize-space()="${name}"])`,
	);
	await entry?.click();
	await page.waitForSelector(`${id('node-creator')} ${id('node-creator-category-item')}`, {
		visible: true,
	});
}

/** Expands a collapsed category of the node panel's details ("Triggers (2)"). */
async function expandNodePanelCategory(page, prefix) {
	const category = await page.waitForSelector(
		`::-p-xpath(//*[@data-test-id="node-creator"]//*[@data-test-id="node-creator-category-item"][starts-with(normalize-space(), "${prefix}")])`,
	);
	const before = (await nodePanelDetails(page)).find((c) => c.category.startsWith(prefix));
	if (before?.groups.some((g) => g.items.length)) return;
	await category?.click();
	await page.waitForFunction(
		(wanted) => {
			const all = [
				...document.querySelectorAll(
					'[data-test-id="node-creator"] [data-test-id="node-creator-category-item"], [data-test-id="node-creator"] [data-test-id="item-iterator-item"]',
				),
			];
			const at = all.findIndex(
				(e) =>
					e.matches('[data-test-id="node-creator-category-item"]') &&
					e.textContent?.trim().startsWith(wanted),
			);
			return at >= 0 && all[at + 1]?.matches('[data-test-id="item-iterator-item"]');
		},
		{},
		prefix,
	);
}

async function nodePanelDetails(page) {
	return await page.$$eval(
		`${id('node-creator')} ${id('node-creator-category-item')}, ${id('node-creator')} ${id('item-iterator-item')}`,
		(els) => {
			/** @type {Array<{category: string, groups: Array<{heading: string, items: string[]}>}>} */
			const categories = [];
			for (const el of els) {
				const html = /** @type {HTMLElement} */ (el);
				const text = (html.innerText ?? '').trim();
				if (el.getAttribute('data-test-id') === 'node-creator-category-item') {
					categories.push({ category: text, groups: [] });
					continue;
				}
				const category = categories.at(-1);
				if (!category) continue;
				const name = el.querySelector('[data-test-id="node-creator-item-name"]');
				if (!name) category.groups.push({ heading: text, items: [] });
				else {
					if (!category.groups.length) category.groups.push({ heading: '', items: [] });
					category.groups.at(-1)?.items.push(name.textContent?.trim() ?? '');
				}
			}
			return categories;
		},
	);
}

/** Double-clicks a node on the canvas (or in an execution's preview) to open its details view. */
async function openNode(page, nodeName, within = '') {
	const node = await page.waitForSelector(
		`${within} ${id('canvas-node')}[data-node-name="${nodeName}"]`.trim(),
		{ visible: true },
	);
	await node?.click({ count: 2 });
	await page.waitForSelector(`${id('ndv')} ${id('node-parameters')}`, { visible: true });
}

/** The open node's parameters as shown: their labels (without a required mark), and each item's whole text (notices). */
async function shownParameters(page) {
	const parameters = `${id('ndv')} ${id('node-parameters')}`;
	return {
		labels: await page.$$eval(`${parameters} ${id('input-label')}`, (els) =>
			els.map((/** @type {HTMLElement} */ e) =>
				(e.innerText ?? '')
					.split('\n')[0]
					.replace(/\s*\*\s*$/, '')
					.trim(),
			),
		),
		texts: await page.$$eval(`${parameters} ${id('parameter-item')}`, (els) =>
			els.map((/** @type {HTMLElement} */ e) => (e.innerText ?? '').trim()),
		),
	};
}

/** Opens a saved credential's dialog (n8n tests the connection as it opens). */
async function openCredential(page, n8n, credentialId) {
	await page.goto(`${n8n.url}/home/credentials/${credentialId}`);
	await page.waitForSelector(id('editCredential-modal'), { visible: true });
}

/**
 * Waits for the credential dialog's connection test to finish; returns 'success' or the error
 * text shown under "More details".
 */
async function connectionTestResult(page) {
	const modal = id('editCredential-modal');
	const shown = await page.waitForFunction(
		(sel) => {
			const dialog = document.querySelector(sel);
			const success = dialog?.querySelector(
				'[data-test-id="credentials-config-container-test-success"]',
			);
			if (success && /** @type {HTMLElement} */ (success).offsetParent) return 'success';
			return /Couldn.t connect with these settings/.test(
				/** @type {HTMLElement} */ (dialog)?.innerText ?? '',
			)
				? 'error'
				: false;
		},
		{},
		modal,
	);
	if ((await shown.jsonValue()) === 'success') return 'success';
	const more = await page.waitForSelector(`${modal} ::-p-text(More details)`, { visible: true });
	await more?.click();
	const details = await page.waitForFunction(
		(sel) => {
			const shown = /** @type {HTMLElement | null} */ (document.querySelector(sel));
			const lines = (shown?.innerText ?? '').split('\n');
			const at = lines.findIndex((l) => /Couldn.t connect with these settings/.test(l));
			// The details follow the banner's heading and its Retry button.
			return lines.slice(at + 1, at + 4).find((l) => l.trim() && l.trim() !== 'Retry') ?? false;
		},
		{},
		modal,
	);
	return String(await details.jsonValue()).trim();
}

/** Presses the dialog's Retry button, which tests the connection with what the form holds. */
async function retryConnectionTest(page) {
	const response = page.waitForResponse((r) => r.url().endsWith('/rest/credentials/test'));
	await (
		await page.waitForSelector(
			`${id('editCredential-modal')} button[title="Retry credential test"]`,
			{ visible: true },
		)
	)?.click();
	await response;
}

/**
 * Replaces a credential field's value as a paste does: in one input event. (n8n debounces typed
 * input, so a Save right after typing key by key can store only the first character.)
 */
async function pasteInto(page, parameterName, text) {
	const input = `${id('editCredential-modal')} ${id(`parameter-input-${parameterName}`)} input`;
	await page.click(input);
	await page.$eval(input, (e) => /** @type {HTMLInputElement} */ (e).select());
	await page.keyboard.sendCharacter(text);
	await page.waitForFunction(
		(sel, want) => /** @type {HTMLInputElement} */ (document.querySelector(sel))?.value === want,
		{},
		input,
		text,
	);
}

/** Opens "Add new credential", picks the type by its name and waits for the form. */
async function newCredential(page, n8n, typeName) {
	await page.goto(`${n8n.url}/home/credentials/create`);
	await (await page.waitForSelector(id('new-credential-type-select'), { visible: true }))?.click();
	await page.keyboard.type(typeName);
	const option = await page.waitForSelector(
		`::-p-xpath(//*[@data-test-id="new-credential-type-select-option"][normalize-space()="${typeName}"])`,
		{ visible: true },
	);
	await option?.click();
	// The list closes with an animation over the Continue button.
	await page.waitForSelector(id('new-credential-type-select-option'), { hidden: true });
	await page.click(id('new-credential-type-button'));
	await page.waitForSelector(
		`${id('editCredential-modal')} ${id('credential-connection-parameter')}`,
		{ visible: true },
	);
}

/** Saves the credential dialog and waits for the connection test that follows the save. */
async function saveCredential(page) {
	const tested = page.waitForResponse((r) => r.url().endsWith('/rest/credentials/test'));
	await page.click(id('credential-save-button'));
	await tested;
}

/**
 * Opens an execution in the workflow's Executions tab and the trigger's output in it, as a table.
 * Returns the table's rows as objects (column → shown text).
 */
async function openExecutionItem(page, n8n, workflowId, executionId) {
	await page.goto(`${n8n.url}/workflow/${workflowId}/executions/${executionId}`);
	await page.waitForSelector(id(`execution-preview-details-${executionId}`), { visible: true });
	await openNode(page, TRIGGER_NAME, id('execution-preview-host'));
	await page.click(`${id('ndv')} ${id('radio-button-table')}`);
	const table = `${id('ndv')} ${id('output-panel')} table`;
	await page.waitForSelector(`${table} tbody tr`, { visible: true });
	return await page.$eval(table, (t) => {
		const headers = [...t.querySelectorAll('thead th')].map((/** @type {HTMLElement} */ th) =>
			(th.innerText ?? '').trim(),
		);
		return [...t.querySelectorAll('tbody > tr')].map((tr) => {
			const cells = [...tr.children].map((/** @type {HTMLElement} */ td) =>
				(td.innerText ?? '').trim(),
			);
			return Object.fromEntries(headers.map((h, i) => [h, cells[i]]).filter(([h]) => h));
		});
	});
}

module.exports = {
	ACTION_TYPE,
	API_KEY,
	CREDENTIAL_NAME,
	TRIGGER_NAME,
	TRIGGER_TYPE,
	WORKFLOW_NAME,
	connectionTestResult,
	expandNodePanelCategory,
	expectedActionGroups,
	expectedTriggerActions,
	id,
	newCredential,
	nodePanelDetails,
	nodePanelEntries,
	nodeType,
	openCredential,
	openExecutionItem,
	openNode,
	openNodePanelEntry,
	openWorkflow,
	pasteInto,
	recordProblems,
	retryConnectionTest,
	saveCredential,
	searchNodePanel,
	shownParameters,
	signIn,
	startStack,
};
