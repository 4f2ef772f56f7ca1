'use strict';
/**
 * `npm start` as a user runs it: in a shell pipeline (`npm start | tee start.log`), on ports of
 * its own, then stopped the ways a terminal session ends. Whatever ends it, n8n and the simulator
 * must be gone and their ports free within 30 s, so the next `npm start` can start. And the real
 * OMICall mode: the API key only from the environment, a random owner password shown once.
 */
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const { OWNER, ROOT, freePort, sleep, waitFor } = require('./n8n');
const { OmiCallSimulator } = require('../simulator/omicall-simulator');

jest.setTimeout(300_000);

const STOP_WITHIN_MS = 30_000;
const runs = [];
const dataDirs = [];
// The real-mode test reuses the simulator test's folder: its owner has the demo password.
let simulatorFolder = '';

/** The environment of a user's terminal: none of the npm_* variables or NODE_ENV that `npm test` and jest add. */
function terminalEnv(extra = {}) {
	const env = Object.fromEntries(
		Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== 'NODE_ENV'),
	);
	return { ...env, ...extra };
}

/**
 * `npm start -- <args> | tee start.log` (`2>&1 | tee …` with `mergeStderr`) in a process group
 * of its own, as a terminal runs a pipeline.
 */
function npmStart(
	args,
	{
		env = {},
		mergeStderr = false,
		dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'omicall-npm-start-')),
	} = {},
) {
	dataDirs.push(dataDir);
	const all = [...args, '--data-dir', dataDir];
	const command = `npm start -- ${all.map((a) => `'${a}'`).join(' ')} ${mergeStderr ? '2>&1 ' : ''}| tee '${dataDir}/start.log'`;
	const shell = spawn('sh', ['-c', command], {
		cwd: ROOT,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
		env: terminalEnv(env),
	});
	const closed = new Promise((resolve) => shell.once('close', resolve));
	const run = { shell, closed, dataDir, stdout: '', output: '', seen: /** @type {Proc[]} */ ([]) };
	shell.stdout.on('data', (chunk) => {
		run.stdout += chunk;
		run.output += chunk;
	});
	shell.stderr.on('data', (chunk) => (run.output += chunk));
	runs.push(run);
	return run;
}

async function waitForOutput(run, pattern, timeoutMs = 240_000) {
	const deadline = Date.now() + timeoutMs;
	while (!pattern.test(run.output)) {
		if (run.shell.exitCode !== null || run.shell.signalCode !== null)
			throw new Error(`npm start ended before printing ${pattern}:\n${run.output}`);
		if (Date.now() > deadline)
			throw new Error(
				`npm start did not print ${pattern} within ${timeoutMs / 1000} s:\n${run.output}`,
			);
		await sleep(200);
	}
}

/** @typedef {{pid: number, ppid: number, start: string, state: string, cmd: string}} Proc */

/** Every process on the machine, from /proc. */
function processes() {
	/** @type {Map<number, Proc>} */
	const all = new Map();
	for (const name of fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
		try {
			const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			const cmd = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
			all.set(Number(name), {
				pid: Number(name),
				ppid: Number(fields[1]),
				state: fields[0],
				start: fields[19],
				cmd,
			});
		} catch {}
	}
	return all;
}

/** The processes a run has started so far (the shell's descendants), remembered for later checks. */
function remember(run) {
	const all = processes();
	const found = [run.shell.pid];
	for (let i = 0; i < found.length; i++) {
		for (const p of all.values()) if (p.ppid === found[i]) found.push(p.pid);
	}
	for (const pid of found) {
		const p = all.get(pid);
		if (p && !run.seen.some((s) => s.pid === pid && s.start === p.start)) run.seen.push(p);
	}
	return run.seen;
}

/** Processes of the run still alive: those remembered, and any n8n using the run's data folder. */
function leftovers(run) {
	const all = processes();
	const left = run.seen.filter((p) => {
		const now = all.get(p.pid);
		return now && now.start === p.start && now.state !== 'Z';
	});
	for (const p of all.values()) {
		if (p.state === 'Z' || left.some((l) => l.pid === p.pid)) continue;
		try {
			if (
				fs
					.readFileSync(`/proc/${p.pid}/environ`, 'utf8')
					.split('\0')
					.includes(`N8N_USER_FOLDER=${run.dataDir}`)
			)
				left.push(p);
		} catch {}
	}
	return left;
}

/** True when a new server could listen on the port, as the next `npm start` would. */
async function portFree(port) {
	return await new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/** True when something accepts connections on the port (without ever binding it ourselves). */
async function listening(port) {
	return await new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}

/** Waits up to 30 s for every port to be free and every process of the run to be gone; returns what is left. */
async function afterStop(run, ports) {
	const deadline = Date.now() + STOP_WITHIN_MS;
	for (;;) {
		const busy = [];
		for (const port of ports) if (!(await portFree(port))) busy.push(port);
		const left = leftovers(run).map((p) => p.cmd.slice(0, 160));
		if ((busy.length === 0 && left.length === 0) || Date.now() > deadline)
			return { busyPorts: busy, processesLeft: left };
		await sleep(250);
	}
}

afterEach(async () => {
	// Whatever a failed test left behind: this file's own processes, by pid.
	for (const run of runs.splice(0)) {
		for (const p of leftovers(run)) {
			try {
				process.kill(p.pid, 'SIGKILL');
			} catch {}
		}
		await run.closed;
	}
});

afterAll(() => {
	for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** What n8n's sign-in page answers for the owner and a password. */
async function signInStatus(port, password) {
	const response = await fetch(`http://127.0.0.1:${port}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, email: OWNER.email, password }),
	});
	return response.status;
}

/** Runs `npm start` that is expected to refuse at once; returns what it printed. */
async function refused(args, env) {
	const run = npmStart(args, { env });
	const ended = await Promise.race([run.closed.then(() => true), sleep(30_000).then(() => false)]);
	expect(ended).toBe(true);
	expect(run.output).not.toMatch(/building|starting n8n/);
	return run.output;
}

test('the defaults the README names (n8n on 5678, the simulator on 4010, data in .n8n-dev); --data-dir from where npm start was typed', () => {
	const { parseOptions } = require('../tools/start');
	expect(parseOptions([], {})).toEqual({
		real: false,
		apiKey: undefined,
		baseUrl: 'https://public-v1.omicall.com',
		webhookUrl: undefined,
		port: 5678,
		simulatorPort: 4010,
		dataDir: path.join(ROOT, '.n8n-dev'),
	});
	expect(parseOptions(['--data-dir', 'demo'], { INIT_CWD: '/home/me/work' }).dataDir).toBe(
		'/home/me/work/demo',
	);
	expect(
		parseOptions(['--webhook-url', 'https://n8n.example.com'], { OMICALL_API_KEY: 'k' }),
	).toMatchObject({ real: true, apiKey: 'k', webhookUrl: 'https://n8n.example.com/' });
	expect(() => parseOptions(['--port', '70000'], {})).toThrow(
		'--port must be a port number (1-65535), not "70000"',
	);
	expect(() => parseOptions(['--base-url', 'https://public-v1.omicrm.com'], {})).toThrow(
		/set OMICALL_API_KEY too/,
	);
});

test('an API key on the command line is refused before anything starts, without repeating it', async () => {
	const key = `omi-key-${crypto.randomBytes(8).toString('hex')}`;
	const output = await refused(['--api-key', key, '--webhook-url', 'https://n8n.example.com/']);
	expect(output).toMatch(/--api-key is not accepted/);
	expect(output).toMatch(/OMICALL_API_KEY environment variable/);
	// Only npm's own echo of the command line ("> node test/tools/start.js …") shows it.
	expect(
		output
			.split('\n')
			.filter((line) => line.includes(key) && !line.startsWith('> node test/tools/start.js')),
	).toEqual([]);
});

test('OMICALL_API_KEY without --webhook-url is refused before anything starts', async () => {
	const output = await refused([], { OMICALL_API_KEY: 'omi-key-without-url' });
	expect(output).toMatch(/also give --webhook-url/);
	expect(output).not.toContain('omi-key-without-url');
});

test('Ctrl-C in the terminal stops n8n and the simulator: their ports are free and no process is left', async () => {
	const port = await freePort();
	const simulatorPort = await freePort();
	// Everything through tee: Ctrl-C ends tee too, so whatever npm start writes while stopping has no reader.
	const run = npmStart(['--port', String(port), '--simulator-port', String(simulatorPort)], {
		mergeStderr: true,
	});
	simulatorFolder = run.dataDir;
	await waitForOutput(run, /n8n is ready/);
	expect(run.stdout).toContain(`Editor:    http://127.0.0.1:${port}/workflow/`);
	expect(run.stdout).toContain(`Login:     ${OWNER.email} / ${OWNER.password} (the demo password`);
	expect(run.stdout).toContain(`simulator at http://127.0.0.1:${simulatorPort}`);
	expect(run.stdout).toContain(`npm run simulate-call -- --url http://127.0.0.1:${simulatorPort}`);
	expect(await listening(port)).toBe(true);
	expect(await listening(simulatorPort)).toBe(true);
	expect(remember(run).some((p) => /\/n8n start$/.test(p.cmd))).toBe(true);

	// A terminal's Ctrl-C: SIGINT to every process of the foreground pipeline.
	process.kill(-run.shell.pid, 'SIGINT');
	expect(await afterStop(run, [port, simulatorPort])).toEqual({ busyPorts: [], processesLeft: [] });
	expect(run.output).not.toMatch(/npm start failed/);
});

test('with the real OMICall: a random owner password shown once, only /webhook/ to expose, the key in no command line; a killed start.js still takes n8n down', async () => {
	const apiKey = `omi-key-${crypto.randomBytes(8).toString('hex')}`;
	const omicall = new OmiCallSimulator({ apiKeys: [apiKey] }); // stands in for OMICall
	await omicall.start();
	try {
		const port = await freePort();
		const webhookUrl = `http://127.0.0.1:${port}/`;
		const run = npmStart(
			['--port', String(port), '--base-url', omicall.url, '--webhook-url', webhookUrl],
			{
				env: { OMICALL_API_KEY: apiKey },
				...(simulatorFolder ? { dataDir: simulatorFolder } : {}),
			},
		);
		await waitForOutput(run, /Owner password, shown this once: (\S+)/);
		const password = /** @type {RegExpMatchArray} */ (
			run.output.match(/Owner password, shown this once: (\S+)/)
		)[1];
		expect(run.stdout).toContain(
			`Login:     ${OWNER.email} / the password shown below (kept in ${run.dataDir}/owner-password)`,
		);
		expect(run.stdout).toContain('Expose only the /webhook/ paths of this n8n to the internet');
		expect(run.stdout).toContain(
			`forward ${webhookUrl}webhook/ to http://127.0.0.1:${port}/webhook/ and nothing else`,
		);
		// The password is for the terminal, not for start.log; the demo password no longer opens n8n.
		expect(password).toMatch(/^[\w-]{24}$/);
		expect(fs.readFileSync(path.join(run.dataDir, 'start.log'), 'utf8')).not.toContain(password);
		expect(fs.statSync(path.join(run.dataDir, 'owner-password')).mode & 0o077).toBe(0);
		expect(await signInStatus(port, password)).toBe(200);
		expect(await signInStatus(port, OWNER.password)).toBe(401);
		// The trigger registers n8n's public webhook address with OMICall (n8n 2.x activates after answering).
		const hook = await waitFor(() => omicall.hooks.get('call'), {
			what: 'the demo trigger to register its webhook',
		});
		expect(hook.url).toMatch(new RegExp(`^${webhookUrl}webhook/`));
		// The key is in no command line (`ps`), in no output, and not in n8n's environment.
		const processes = remember(run);
		expect(processes.filter((p) => p.cmd.includes(apiKey))).toEqual([]);
		expect(run.output).not.toContain(apiKey);
		const n8n = /** @type {Proc} */ (processes.find((p) => /\/n8n start$/.test(p.cmd)));
		expect(fs.readFileSync(`/proc/${n8n.pid}/environ`, 'utf8')).not.toContain(apiKey);

		const startJs = /** @type {Proc} */ (
			processes.find((p) => /^node .*test\/tools\/start\.js/.test(p.cmd))
		);
		process.kill(startJs.pid, 'SIGKILL');
		expect(await afterStop(run, [port])).toEqual({ busyPorts: [], processesLeft: [] });
	} finally {
		await omicall.stop();
	}
});

test('npm itself stopped with SIGTERM (a supervisor, `timeout`) while n8n starts: n8n does not outlive it', async () => {
	const port = await freePort();
	const run = npmStart(['--port', String(port), '--simulator-port', String(await freePort())]);
	await waitForOutput(run, /starting n8n/);
	await waitForPort(run, port);
	const npm = remember(run).find((p) => /^npm start/.test(p.cmd));
	expect(npm).toBeDefined();

	process.kill(/** @type {Proc} */ (npm).pid, 'SIGTERM');
	expect(await afterStop(run, [port])).toEqual({ busyPorts: [], processesLeft: [] });
});

test('the terminal closing (SIGHUP) while n8n starts stops it too', async () => {
	const port = await freePort();
	const run = npmStart(['--port', String(port), '--simulator-port', String(await freePort())]);
	await waitForOutput(run, /starting n8n/);
	await waitForPort(run, port);
	remember(run);

	process.kill(-run.shell.pid, 'SIGHUP');
	expect(await afterStop(run, [port])).toEqual({ busyPorts: [], processesLeft: [] });
});

/** Waits until n8n listens on its port (it does so before it is ready), remembering the run's processes meanwhile. */
async function waitForPort(run, port) {
	const deadline = Date.now() + 120_000;
	while (!(await listening(port))) {
		remember(run);
		if (Date.now() > deadline) throw new Error(`n8n did not listen on ${port}:\n${run.output}`);
		await sleep(100);
	}
}
