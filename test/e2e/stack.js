'use strict';
/**
 * What the end-to-end tests share: the OMICall simulator where OMICall would be, a real n8n with
 * this package installed from its tarball, an owner and an OMICall credential for the simulator;
 * and a JSON POST to a webhook.
 */
const fs = require('node:fs');

const { N8nInstance, installN8n, installPackage } = require('./n8n');
const { OmiCallSimulator } = require('../simulator/omicall-simulator');

/**
 * Starts the simulator (accepting `apiKey`), then n8n in `userFolder` with the package installed,
 * sets up the owner and creates the credential `credentialName` pointing at the simulator.
 * `stop()` stops both and removes `userFolder` (kept with OMICALL_KEEP_E2E outside CI).
 * @param {{apiKey: string, userFolder: string, credentialName?: string,
 *   baseUrl?: (simulatorUrl: string) => string, n8nOptions?: object}} options
 */
async function startStack({
	apiKey,
	userFolder,
	credentialName = 'OMICall (simulator)',
	baseUrl = (url) => `${url}/`,
	n8nOptions = {},
}) {
	const stack = { simulator: undefined, n8n: undefined, credential: undefined };
	stack.stop = async () => {
		await stack.n8n?.stop();
		await stack.simulator?.stop();
		if (process.env.CI || !process.env.OMICALL_KEEP_E2E)
			fs.rmSync(userFolder, { recursive: true, force: true });
	};
	try {
		stack.simulator = new OmiCallSimulator({ apiKeys: [apiKey], retryDelayMs: 20 });
		await stack.simulator.start();
		installPackage(userFolder, process.env.OMICALL_E2E_TARBALL);
		stack.n8n = new N8nInstance({ install: await installN8n(), userFolder, ...n8nOptions });
		await stack.n8n.start();
		await stack.n8n.setupOwner();
		stack.credential = await stack.n8n.createCredential(credentialName, {
			baseUrl: baseUrl(stack.simulator.url),
			authentication: 'apiKey',
			apiKey,
		});
		return stack;
	} catch (error) {
		// The test file's afterAll never sees a stack that failed to start: stop what did start.
		await stack.stop();
		throw error;
	}
}

/** POSTs `body` (JSON unless a string) and answers with the status and the body, parsed if JSON. */
async function post(url, body, headers = { 'content-type': 'application/json' }) {
	const response = await fetch(url, {
		method: 'POST',
		headers,
		body: typeof body === 'string' ? body : JSON.stringify(body),
	});
	const text = await response.text();
	let parsed = text;
	try {
		parsed = JSON.parse(text);
	} catch {}
	return { status: response.status, body: parsed };
}

module.exports = { post, startStack };
