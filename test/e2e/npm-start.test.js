'use strict';
/**
 * `npm start` as a user runs it: in a shell pipeline (`npm start | tee start.log`), on ports of
 * its own, then stopped the ways a terminal session ends. Whatever ends it, n8n and the simulator
 * must be gone and their ports free within 30 s, so the next `npm start` can start.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const { ROOT, freePort, sleep } = require('./n8n');

jest.setTimeout(300_000);

const STOP_WITHIN_MS = 30_000;
const runs = [];

/** The environment of a user's terminal: none of the npm_* variables or NODE_ENV that `npm test` and jest add. */
function terminalEnv(extra = {}) {
	const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== 'NODE_ENV'));
	return { ...env, ...extra };
}

/**
 * `npm start -- <args> | tee start.log` (`2>&1 | tee …` with `mergeStderr`) in a process group
 * of its own, as a terminal runs a pipeline.
 */
function npmStart(args, { env = {}, mergeStderr = false } = {}) {
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'omicall-npm-start-'));
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
		if (run.shell.exitCode !== null || run.shell.signalCode !== null) throw new Error(`npm start ended before printing ${pattern}:\n${run.output}`);
		if (Date.now() > deadline) throw new Error(`npm start did not print ${pattern} within ${timeoutMs / 1000} s:\n${run.output}`);
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
			all.set(Number(name), { pid: Number(name), ppid: Number(fields[1]), state: fields[0], start: fields[19], cmd });
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
			if (fs.readFileSync(`/proc/${p.pid}/environ`, 'utf8').split('\0').includes(`N8N_USER_FOLDER=${run.dataDir}`)) left.push(p);
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
		if ((busy.length === 0 && left.length === 0) || Date.now() > deadline) return { busyPorts: busy, processesLeft: left };
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
		fs.rmSync(run.dataDir, { recursive: true, force: true });
	}
});

test('Ctrl-C in the terminal stops n8n and the simulator: their ports are free and no process is left', async () => {
	const port = await freePort();
	const simulatorPort = await freePort();
	// Everything through tee: Ctrl-C ends tee too, so whatever npm start writes while stopping has no reader.
	const run = npmStart(['--port', String(port), '--simulator-port', String(simulatorPort)], { mergeStderr: true });
	await waitForOutput(run, /n8n is ready/);
	expect(run.stdout).toContain(`Editor:    http://127.0.0.1:${port}/workflow/`);
	expect(run.stdout).toContain(`simulator at http://127.0.0.1:${simulatorPort}`);
	expect(await listening(port)).toBe(true);
	expect(await listening(simulatorPort)).toBe(true);
	expect(remember(run).some((p) => /\/n8n start$/.test(p.cmd))).toBe(true);

	// A terminal's Ctrl-C: SIGINT to every process of the foreground pipeline.
	process.kill(-run.shell.pid, 'SIGINT');
	expect(await afterStop(run, [port, simulatorPort])).toEqual({ busyPorts: [], processesLeft: [] });
	expect(run.output).not.toMatch(/npm start failed/);
});

test('a start.js killed with SIGKILL still takes n8n down', async () => {
	const port = await freePort();
	const simulatorPort = await freePort();
	const run = npmStart(['--port', String(port), '--simulator-port', String(simulatorPort)]);
	await waitForOutput(run, /n8n is ready/);
	const startJs = remember(run).find((p) => /^node .*test\/tools\/start\.js/.test(p.cmd));
	expect(startJs).toBeDefined();

	process.kill(/** @type {Proc} */ (startJs).pid, 'SIGKILL');
	expect(await afterStop(run, [port, simulatorPort])).toEqual({ busyPorts: [], processesLeft: [] });
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
