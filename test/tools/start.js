#!/usr/bin/env node
'use strict';
/**
 * `npm start`: a ready n8n with this package, the OMICall simulator and an active demo workflow.
 *
 *   npm start                                   simulator on :4010, n8n on :5678
 *   npm start -- --port 5679 --simulator-port 4011 --data-dir /tmp/n8n-demo
 *   npm start -- --api-key KEY [--base-url URL] --webhook-url https://public.example.com/
 *                                               the credential points at the real OMICall instead;
 *                                               OMICall must reach n8n at --webhook-url
 *
 * n8n keeps its data in .n8n-dev/ or --data-dir (delete it to start over). Ctrl-C stops everything.
 */
const path = require('node:path');
const { parseArgs } = require('node:util');

const { N8nInstance, OWNER, ROOT, installN8n, installPackage, log, packPackage, waitFor } = require('../e2e/n8n');
const { triggerWorkflow } = require('../e2e/workflows');
const { OmiCallSimulator } = require('../simulator/omicall-simulator');

const SIMULATOR_KEY = 'sim-api-key';

/** What is running, for stop(). */
const running = { n8n: /** @type {N8nInstance | undefined} */ (undefined), simulator: /** @type {OmiCallSimulator | undefined} */ (undefined) };
let stopping = false;

/** Stops n8n and the simulator, then exits; once, whatever asked first. */
async function stop(reason, code = 0) {
	if (stopping) return;
	stopping = true;
	log(`${reason}: stopping …`);
	await running.n8n?.stop();
	await running.simulator?.stop();
	process.exit(code);
}

/**
 * However this script ends, n8n ends with it: on Ctrl-C, SIGTERM and a closed terminal (SIGHUP);
 * when npm or the shell that started us dies without telling us (we then have a new parent);
 * when our output's reader is gone (EPIPE). A SIGKILL is left to n8n.js's watchdog.
 */
function stopWithUs() {
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stop(signal));
	const parent = process.ppid;
	setInterval(() => process.ppid !== parent && stop('npm or the terminal went away'), 1000).unref();
	process.stdout.on('error', () => stop('the output pipe closed'));
	process.stderr.on('error', () => stop('the output pipe closed'));
}

async function main() {
	stopWithUs();
	const { values } = parseArgs({
		options: {
			'api-key': { type: 'string' },
			'base-url': { type: 'string', default: 'https://public-v1.omicall.com' },
			'webhook-url': { type: 'string' },
			port: { type: 'string', default: process.env.N8N_PORT ?? '5678' },
			'simulator-port': { type: 'string', default: '4010' },
			'data-dir': { type: 'string', default: path.join(ROOT, '.n8n-dev') },
		},
	});
	const real = values['api-key'] !== undefined;
	if (real && !values['webhook-url']) {
		throw new Error('With --api-key, also give --webhook-url: the public address at which OMICall can reach this n8n.');
	}

	const install = await installN8n();
	// npm runs scripts in the package folder; INIT_CWD is where the user typed the command.
	const userFolder = path.resolve(process.env.INIT_CWD ?? process.cwd(), values['data-dir']);
	const simulatorPort = Number(values['simulator-port']);
	log('building and installing the package into n8n …');
	installPackage(userFolder, packPackage());

	let simulator;
	if (!real) {
		simulator = running.simulator = new OmiCallSimulator({ apiKeys: [SIMULATOR_KEY] });
		try {
			await simulator.start(simulatorPort);
		} catch (error) {
			throw new Error(`The OMICall simulator could not listen on 127.0.0.1:${simulatorPort} (${error.message}). Is another \`npm start\` running?`);
		}
	}
	const n8n = (running.n8n = new N8nInstance({ install, userFolder, port: Number(values.port), webhookUrl: values['webhook-url'] }));

	log(`starting n8n ${install.version} (log: ${n8n.logFile}) …`);
	await n8n.start();
	n8n.exited?.then((code) => stop(`n8n stopped by itself (exit code ${code}; log: ${n8n.logFile})`, 1));
	await n8n.setupOwner();

	// Reuse what an earlier `npm start` created in .n8n-dev/, so there is one demo workflow.
	const workflowName = real ? 'OMICall demo' : 'OMICall demo (simulator)';
	const existing = (await n8n.api('GET', `/workflows?name=${encodeURIComponent(workflowName)}`)).data[0];
	let workflow = existing;
	if (!workflow) {
		const credential = await n8n.createCredential(real ? 'OMICall' : 'OMICall (simulator)', real
			? { baseUrl: values['base-url'], authentication: 'apiKey', apiKey: values['api-key'] }
			: { baseUrl: simulator.url, authentication: 'apiKey', apiKey: SIMULATOR_KEY });
		workflow = await n8n.createWorkflow(triggerWorkflow(credential, { events: ['ringing', 'answered', 'hangup', 'cdr'] }, workflowName));
	}
	// The simulator starts empty: re-activating makes the trigger register with it again.
	if (existing?.active) await n8n.deactivate(workflow.id);
	await n8n.activate(workflow.id);
	if (simulator) await waitFor(() => simulator.hooks.get('call'), { what: 'the demo trigger to register its webhook' });

	console.log(`
n8n is ready with n8n-nodes-omicall.

  Editor:    ${n8n.url}/workflow/${workflow.id}
  Login:     ${OWNER.email} / ${OWNER.password}
  OMICall:   ${real ? values['base-url'] : `simulator at ${simulator.url} (API key ${SIMULATOR_KEY})`}

${real ? 'Call your OMICall hotline to start the workflow.' : `Place a simulated call in another terminal:

  npm run simulate-call                              (an inbound call)
  npm run simulate-call -- --direction outbound      (an outbound one)`}

Executions appear under the workflow's "Executions" tab. Ctrl-C stops n8n${real ? '' : ' and the simulator'}.
`);
}

main().catch((error) => {
	if (stopping) return; // n8n's start was cut short on purpose
	console.error(`npm start failed: ${error.message}`);
	stop('npm start failed', 1);
});
