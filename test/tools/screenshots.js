#!/usr/bin/env node
'use strict';
/**
 * `npm run screenshots`: the editor shots the README shows, taken in a real n8n with this package
 * (built and packed as users get it) and the OMICall simulator, in Debian's Chromium: the same
 * setup and steps as test/e2e/editor.test.js. Writes docs/images/*.png; run it again whenever the
 * nodes' UI changes. OMICALL_E2E_TARBALL=<tgz> uses an already packed package instead.
 */
const fs = require('node:fs');
const path = require('node:path');

const { launchBrowser } = require('../e2e/browser');
const editor = require('../e2e/editor');
const { ROOT, log, packPackage } = require('../e2e/n8n');

const OUT = path.join(ROOT, 'docs', 'images');
const { id } = editor;

/** @type {Awaited<ReturnType<typeof editor.startStack>> | undefined} */
let stack;
/** @type {import('puppeteer-core').Browser | undefined} */
let browser;

async function stop() {
	await browser?.close().catch(() => {});
	await stack?.stop().catch(() => {});
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
	process.once(signal, () => stop().finally(() => process.exit(130)));
}

/**
 * Saves a PNG of the element `selector` matches (with `margin` pixels around it, inside the
 * page), after the page has settled: fonts loaded, no animation running.
 * @param {import('puppeteer-core').Page} page
 */
async function shoot(page, name, selector, margin = 0) {
	const element = await page.waitForSelector(selector, { visible: true });
	if (!element) throw new Error(`${name}: nothing matches ${selector}`);
	await page.evaluate(async () => {
		await document.fonts.ready;
		await Promise.all(document.getAnimations().map((a) => a.finished.catch(() => {})));
	});
	const box = await element.boundingBox();
	const viewport = page.viewport() ?? { width: 1280, height: 800 };
	if (!box) throw new Error(`${name}: ${selector} has no box`);
	const x = Math.max(0, Math.floor(box.x - margin));
	const y = Math.max(0, Math.floor(box.y - margin));
	const clip = {
		x,
		y,
		width: Math.min(viewport.width, Math.ceil(box.x + box.width + margin)) - x,
		height: Math.min(viewport.height, Math.ceil(box.y + box.height + margin)) - y,
	};
	const file = path.join(OUT, `${name}.png`);
	await page.screenshot({ path: file, clip, type: 'png' });
	log(
		`${path.relative(ROOT, file)}: ${clip.width}×${clip.height}, ${Math.round(fs.statSync(file).size / 1024)} KB`,
	);
}

/** Closes the toasts n8n shows after a save, so that they stay out of the pictures. */
async function closeToasts(page) {
	await page.$$eval('.el-notification .el-notification__closeBtn', (buttons) =>
		buttons.forEach((b) => /** @type {HTMLElement} */ (b).click()),
	);
	await page.waitForSelector('.el-notification', { hidden: true }).catch(() => {});
}

async function main() {
	fs.mkdirSync(OUT, { recursive: true });
	const tarball = process.env.OMICALL_E2E_TARBALL ?? packPackage();
	log('starting n8n and the OMICall simulator …');
	const [started, launched] = await Promise.allSettled([
		editor.startStack({ tarball }),
		launchBrowser({ width: 1280, height: 860 }),
	]);
	if (started.status === 'fulfilled') stack = started.value;
	if (launched.status === 'fulfilled') browser = launched.value;
	for (const result of [started, launched]) if (result.status === 'rejected') throw result.reason;
	const page = await browser.newPage();
	page.setDefaultTimeout(20_000);
	await editor.signIn(page, stack.n8n);

	// The node panel: OMICall's actions by resource, and its triggers.
	await editor.openWorkflow(page, stack.n8n, stack.workflow.id);
	await editor.searchNodePanel(page, 'OMICall');
	await editor.openNodePanelEntry(page, 'OMICall');
	await editor.expandNodePanelCategory(page, 'Triggers');
	await shoot(page, 'node-panel', id('node-creator'));
	await page.keyboard.press('Escape');

	// The trigger's parameters.
	await editor.openNode(page, editor.TRIGGER_NAME);
	await shoot(page, 'trigger', id('ndv'));
	await page.click(id('ndv-close-button'));

	// A finished execution with its item.
	await stack.simulator.placeCall({ direction: 'inbound' });
	const [execution] = await stack.n8n.waitForExecutions(stack.workflow.id, 1);
	await editor.openExecutionItem(page, stack.n8n, stack.workflow.id, execution.id);
	await page.click(`${id('ndv')} ${id('radio-button-schema')}`);
	await page.waitForSelector(`${id('ndv')} ${id('output-panel')} ::-p-text(customerNumber)`, {
		visible: true,
	});
	await shoot(page, 'execution', id('ndv'));
	await page.click(id('ndv-close-button'));

	// The credential dialog: its connection test, passed and failed.
	await editor.openCredential(page, stack.n8n, stack.credential.id);
	await editor.connectionTestResult(page);
	await shoot(page, 'credential', id('editCredential-modal'));
	await editor.newCredential(page, stack.n8n, 'OMICall API');
	await editor.pasteInto(page, 'baseUrl', `${stack.simulator.url}/`);
	await editor.pasteInto(page, 'apiKey', 'a-wrong-key-123');
	await editor.saveCredential(page);
	await editor.connectionTestResult(page);
	await closeToasts(page);
	await shoot(page, 'credential-error', id('editCredential-modal'));
}

main().then(
	async () => {
		await stop();
		log(`screenshots saved in ${path.relative(process.cwd(), OUT) || '.'}`);
	},
	async (error) => {
		await stop();
		console.error(error);
		process.exit(1);
	},
);
