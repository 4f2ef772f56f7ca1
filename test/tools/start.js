#!/usr/bin/env node
'use strict';
/**
 * `npm start`: a ready n8n with this package, the OMICall simulator and an active demo workflow.
 *
 *   npm start                                   simulator on :4010, n8n on :5678
 *   npm start -- --port 5679 --simulator-port 4011 --data-dir /tmp/n8n-demo
 *   OMICALL_API_KEY=… npm start -- --webhook-url https://public.example.com/ [--base-url URL]
 *                                               the credential points at the real OMICall instead;
 *                                               OMICall must reach n8n at --webhook-url
 *
 * n8n keeps its data in .n8n-dev/ or --data-dir (delete it to start over). Ctrl-C stops everything.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');

const {
	N8nInstance,
	OWNER,
	ROOT,
	installN8n,
	installPackage,
	log,
	packPackage,
	waitFor,
} = require('../e2e/n8n');
const { triggerWorkflow } = require('../e2e/workflows');
const { OmiCallSimulator } = require('../simulator/omicall-simulator');

const SIMULATOR_KEY = 'sim-api-key';
const PASSWORD_FILE = 'owner-password';
const USAGE = `Usage:
  npm start [-- --port 5678] [--simulator-port 4010] [--data-dir .n8n-dev]
  OMICALL_API_KEY=<key> npm start -- --webhook-url https://<public address of this n8n>/ [--base-url URL] [--port 5678] [--data-dir DIR]`;

/** What is running, for stop(). */
const running = {
	n8n: /** @type {N8nInstance | undefined} */ (undefined),
	simulator: /** @type {OmiCallSimulator | undefined} */ (undefined),
};
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

/** A mistake on the command line: said plainly, nothing started. */
class UsageError extends Error {}

/**
 * The command line and environment, checked before anything starts. The real OMICall's API key
 * comes from OMICALL_API_KEY only: on the command line, `ps` and the shell's history show it.
 */
function parseOptions(args, env = process.env, cwd = env.INIT_CWD || process.cwd()) {
	const { values } = parseArgs({
		args,
		options: {
			'api-key': { type: 'string' },
			'base-url': { type: 'string' },
			'webhook-url': { type: 'string' },
			port: { type: 'string', default: env.N8N_PORT ?? '5678' },
			'simulator-port': { type: 'string', default: '4010' },
			// npm runs scripts in the package folder; INIT_CWD is where the user typed the command.
			'data-dir': { type: 'string', default: path.join(ROOT, '.n8n-dev') },
			help: { type: 'boolean', short: 'h' },
		},
	});
	if (values.help) throw new UsageError(USAGE);
	if (values['api-key'] !== undefined) {
		throw new UsageError(`--api-key is not accepted: the command line shows the key to \`ps\` and keeps it in your shell's history
(and npm's logs in ~/.npm/_logs/; if that was a real key, consider replacing it in the OMICall portal).
Put it in the OMICALL_API_KEY environment variable instead, for example (bash):

  read -rsp 'OMICall API key: ' OMICALL_API_KEY && export OMICALL_API_KEY
  npm start -- --webhook-url https://<public address of this n8n>/`);
	}
	const port = (name) => {
		const value = Number(values[name]);
		if (!Number.isInteger(value) || value < 1 || value > 65535)
			throw new UsageError(`--${name} must be a port number (1-65535), not "${values[name]}"`);
		return value;
	};
	const apiKey = env.OMICALL_API_KEY?.trim() || undefined;
	if (!apiKey && values['base-url'] !== undefined)
		throw new UsageError('--base-url is for your real OMICall account: set OMICALL_API_KEY too.');
	if (apiKey && !values['webhook-url']) {
		throw new UsageError(
			'With OMICALL_API_KEY, also give --webhook-url: the public address at which OMICall can reach this n8n.',
		);
	}
	const webhookUrl = values['webhook-url'];
	if (webhookUrl !== undefined && !/^https?:\/\/[^/]/.test(webhookUrl))
		throw new UsageError(`--webhook-url must be an http(s) address, not "${webhookUrl}"`);
	return {
		real: apiKey !== undefined,
		apiKey,
		baseUrl: values['base-url'] ?? 'https://public-v1.omicall.com',
		webhookUrl: webhookUrl && (webhookUrl.endsWith('/') ? webhookUrl : `${webhookUrl}/`),
		port: port('port'),
		simulatorPort: port('simulator-port'),
		dataDir: path.resolve(cwd, values['data-dir']),
	};
}

/** 24 random characters (144 bits) that meet n8n's password rules (a digit, an uppercase letter). */
function randomPassword() {
	for (;;) {
		const password = crypto.randomBytes(18).toString('base64url');
		if (/\d/.test(password) && /[A-Z]/.test(password)) return password;
	}
}

/**
 * Signs in as the owner, setting it up in a new data folder. With the simulator, n8n listens on
 * loopback only and the owner has the fixed demo password. With the real OMICall, n8n is reachable
 * from the internet: the owner gets a random password (replacing the demo one in a folder first
 * used with the simulator), kept in the data folder for later starts, readable by the user only.
 * Returns that password when it is new, to be shown once.
 */
async function signIn(n8n, dataDir, real) {
	const file = path.join(dataDir, PASSWORD_FILE);
	const saved = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : undefined;
	if (saved || !real) {
		try {
			await n8n.setupOwner({ ...OWNER, password: saved ?? OWNER.password });
		} catch (error) {
			const which = saved ? `the password in ${file}` : 'the demo password';
			throw new Error(
				`could not sign in to n8n as ${OWNER.email} with ${which} (${error.message}). If you changed it in n8n, write it into ${file}, or delete ${dataDir} to start over.`,
			);
		}
		return undefined;
	}
	const password = randomPassword();
	fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
	try {
		n8n.owner = OWNER;
		if (
			await n8n.login().then(
				() => true,
				() => false,
			)
		) {
			await n8n.rest('PATCH', '/me/password', {
				currentPassword: OWNER.password,
				newPassword: password,
			});
		}
		await n8n.setupOwner({ ...OWNER, password });
	} catch (error) {
		fs.rmSync(file, { force: true });
		throw new Error(
			`could not give the n8n owner a password of its own (${error.message}). If you changed it in n8n, write it into ${file}, or delete ${dataDir} to start over.`,
		);
	}
	return password;
}

async function main() {
	let options;
	try {
		options = parseOptions(process.argv.slice(2));
	} catch (error) {
		console.error(error.message);
		process.exit(error instanceof UsageError && error.message === USAGE ? 0 : 2);
	}
	const { real, dataDir } = options;
	// The key goes into n8n's credential store, encrypted; no process started from here needs it.
	delete process.env.OMICALL_API_KEY;
	stopWithUs();

	const install = await installN8n();
	log('building and installing the package into n8n …');
	installPackage(dataDir, packPackage());

	let simulator;
	if (!real) {
		simulator = running.simulator = new OmiCallSimulator({ apiKeys: [SIMULATOR_KEY] });
		try {
			await simulator.start(options.simulatorPort);
		} catch (error) {
			throw new Error(
				`The OMICall simulator could not listen on 127.0.0.1:${options.simulatorPort} (${error.message}). Is another \`npm start\` running? --simulator-port chooses another port.`,
			);
		}
	}
	const n8n = (running.n8n = new N8nInstance({
		install,
		userFolder: dataDir,
		port: options.port,
		webhookUrl: options.webhookUrl,
	}));

	log(`starting n8n ${install.version} (log: ${n8n.logFile}) …`);
	await n8n.start();
	n8n.exited?.then((code) =>
		stop(`n8n stopped by itself (exit code ${code}; log: ${n8n.logFile})`, 1),
	);
	const newPassword = await signIn(n8n, dataDir, real);

	// Reuse what an earlier `npm start` created in the data folder, so there is one demo workflow;
	// its credential follows this start's OMICall (a new key, another simulator port).
	const workflowName = real ? 'OMICall demo' : 'OMICall demo (simulator)';
	const omicall = real
		? { baseUrl: options.baseUrl, authentication: 'apiKey', apiKey: options.apiKey }
		: { baseUrl: simulator.url, authentication: 'apiKey', apiKey: SIMULATOR_KEY };
	const existing = (await n8n.api('GET', `/workflows?name=${encodeURIComponent(workflowName)}`))
		.data[0];
	let workflow = existing;
	if (workflow) {
		const credential = workflow.nodes.find((node) => node.credentials?.omiCallApi)?.credentials
			.omiCallApi;
		// The editor's REST API: n8n 1.x's public API cannot update a credential.
		if (credential)
			await n8n.rest('PATCH', `/credentials/${credential.id}`, {
				name: credential.name,
				type: 'omiCallApi',
				data: omicall,
			});
	} else {
		const credential = await n8n.createCredential(
			real ? 'OMICall' : 'OMICall (simulator)',
			omicall,
		);
		workflow = await n8n.createWorkflow(
			triggerWorkflow(
				credential,
				{ events: ['ringing', 'answered', 'hangup', 'cdr'] },
				workflowName,
			),
		);
	}
	// The simulator starts empty: re-activating makes the trigger register with it again.
	if (existing?.active) await n8n.deactivate(workflow.id);
	await n8n.activate(workflow.id);
	if (simulator)
		await waitFor(() => simulator.hooks.get('call'), {
			what: 'the demo trigger to register its webhook',
		});

	const passwordFile = path.join(dataDir, PASSWORD_FILE);
	const login = newPassword
		? `${OWNER.email} / the password shown below (kept in ${passwordFile})`
		: fs.existsSync(passwordFile)
			? `${OWNER.email} / the password in ${passwordFile}`
			: `${OWNER.email} / ${OWNER.password} (the demo password: n8n listens on 127.0.0.1 only)`;
	const simulateCall = `npm run simulate-call${simulator && simulator.url !== 'http://127.0.0.1:4010' ? ` -- --url ${simulator.url}` : ''}`;
	const withOption = (option) =>
		simulateCall.includes(' -- ') ? `${simulateCall} ${option}` : `${simulateCall} -- ${option}`;
	console.log(`
n8n is ready with n8n-nodes-omicall.

  Editor:    ${n8n.url}/workflow/${workflow.id}
  Login:     ${login}
  OMICall:   ${real ? options.baseUrl : `simulator at ${simulator.url} (API key ${SIMULATOR_KEY})`}
${
	real
		? `  Webhooks:  OMICall calls ${options.webhookUrl}webhook/…

Expose only the /webhook/ paths of this n8n to the internet: in your reverse proxy or tunnel,
forward ${options.webhookUrl}webhook/ to ${n8n.url}/webhook/ and nothing else.
OMICall needs no other path; the editor, /rest/ and n8n's API must stay private.

Call your OMICall hotline to start the workflow.`
		: `
Place a simulated call in another terminal:

  ${simulateCall.padEnd(withOption('--direction outbound').length)}   (an inbound call)
  ${withOption('--direction outbound')}   (an outbound one)`
}

Executions appear under the workflow's "Executions" tab. Ctrl-C stops n8n${real ? '' : ' and the simulator'}.
`);
	// On the terminal (stderr), not in a log of the standard output such as \`npm start | tee start.log\`.
	if (newPassword) process.stderr.write(`Owner password, shown this once: ${newPassword}\n\n`);
}

if (require.main === module) {
	main().catch((error) => {
		if (stopping) return; // n8n's start was cut short on purpose
		console.error(`npm start failed: ${error.message}`);
		stop('npm start failed', 1);
	});
}

module.exports = { parseOptions };
