'use strict';
/**
 * A real browser for the editor tests and `npm run screenshots`: Debian's Chromium
 * (/usr/bin/chromium), driven by puppeteer-core, which never downloads a browser of its own.
 *
 * - ensureChromium(): installs Debian's `chromium` package on first use (apt-get, with its
 *   progress on stderr; about a minute), or fails saying how to install it. No browser comes from
 *   anywhere else. OMICALL_CHROMIUM points at another Chromium binary.
 * - launchBrowser(): starts it headless with a fresh, throwaway profile and the flags that keep it
 *   off the network it cannot reach here (background networking, component updates, sync, QUIC).
 */
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const CHROMIUM = process.env.OMICALL_CHROMIUM ?? '/usr/bin/chromium';

const FLAGS = [
	'--headless',
	// As root (CI containers) Chromium refuses to start with its sandbox on.
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	// Containers often give /dev/shm only 64 MB, too little for a page as large as n8n's editor.
	'--disable-dev-shm-usage',
];

function log(message) {
	process.stderr.write(`[browser] ${message}\n`);
}

function version(binary) {
	return execFileSync(binary, ['--version'], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'ignore'],
	}).trim();
}

/**
 * Runs apt-get with its output on our stderr (the install's progress). Another process (a test
 * installing Redis or PostgreSQL the same way) may hold apt's locks: wait for them, then retry.
 */
async function aptGet(apt, args) {
	// Without the npm_config_* variables `npm test` hands down.
	const env = {
		...Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key))),
		DEBIAN_FRONTEND: 'noninteractive',
	};
	const deadline = Date.now() + 5 * 60_000;
	for (;;) {
		let output = '';
		const child = spawn(apt, ['-o', 'DPkg::Lock::Timeout=120', ...args], {
			env,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		const forward = (chunk) => {
			output += chunk;
			process.stderr.write(chunk);
		};
		child.stdout.on('data', forward);
		child.stderr.on('data', forward);
		const code = await new Promise((resolve) => child.once('close', resolve));
		if (code === 0) return;
		if (!/Could not get lock|Unable to lock/i.test(output) || Date.now() > deadline)
			throw new Error(`apt-get ${args.join(' ')} failed (exit code ${code})`);
		log('apt is busy (another install holds its lock): waiting …');
		await new Promise((resolve) => setTimeout(resolve, 3_000));
	}
}

/** Debian's chromium package, installed when missing. Returns the binary's path. */
async function ensureChromium() {
	if (fs.existsSync(CHROMIUM)) return CHROMIUM;
	if (process.env.OMICALL_CHROMIUM)
		throw new Error(`OMICALL_CHROMIUM names ${CHROMIUM}, which does not exist.`);
	const apt = ['/usr/bin/apt-get', '/bin/apt-get'].find((p) => fs.existsSync(p));
	const root = process.getuid?.() === 0;
	if (!apt || !root) {
		throw new Error(
			`The editor tests need Chromium at ${CHROMIUM} and cannot install it here (${apt ? 'not root' : 'no apt-get'}). ` +
				"Install Debian's package: sudo apt-get install -y --no-install-recommends chromium (or set OMICALL_CHROMIUM to a Chromium binary).",
		);
	}
	log("installing Debian's chromium package (once; about a minute) …");
	const started = Date.now();
	await aptGet(apt, ['update', '-q']);
	await aptGet(apt, ['install', '-y', '-q', '--no-install-recommends', 'chromium']);
	if (!fs.existsSync(CHROMIUM))
		throw new Error(`apt-get installed chromium but ${CHROMIUM} is missing`);
	log(`${version(CHROMIUM)} installed in ${Math.round((Date.now() - started) / 1000)} s`);
	return CHROMIUM;
}

/**
 * Starts headless Chromium with a fresh profile; `browser.close()` also removes the profile.
 * @param {{width?: number, height?: number, deviceScaleFactor?: number}} [viewport]
 */
async function launchBrowser({ width = 1280, height = 800, deviceScaleFactor = 1 } = {}) {
	const executablePath = await ensureChromium();
	const puppeteer = require('puppeteer-core');
	const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'omicall-chromium-'));
	const browser = await puppeteer.launch({
		executablePath,
		headless: true,
		userDataDir,
		args: [...FLAGS, `--window-size=${width},${height}`],
		defaultViewport: { width, height, deviceScaleFactor },
	});
	const close = browser.close.bind(browser);
	browser.close = async () => {
		try {
			await close();
		} finally {
			fs.rmSync(userDataDir, { recursive: true, force: true });
		}
	};
	return browser;
}

module.exports = { CHROMIUM, FLAGS, ensureChromium, launchBrowser };
