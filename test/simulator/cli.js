#!/usr/bin/env node
'use strict';
/**
 * Command line for the OMICall simulator.
 *
 *   npm run simulator                                  serve on 127.0.0.1:4010
 *   npm run simulator -- serve --port 4010 --api-key demo-key --token-lifetime 86400 --expired-style 401|envelope
 *   npm run simulator -- call --direction inbound      place a call through a running simulator
 *   npm run simulator -- call --started-ago 600        one that started 10 minutes ago: a record
 *                                                      written late, for the Call History Trigger
 *   npm run simulator -- contact --action updated      send a contact event
 *   npm run simulator -- hooks                         show the registered webhooks
 *   npm run simulator -- history --count 1000 --days 30 [--seed 1] [--clear]
 *                                                      add seeded calls to the call history
 *
 * A placed call goes into the call history even when no call webhook is registered.
 * The call, contact, hooks and history commands talk to the simulator at --url (default
 * http://127.0.0.1:4010, or OMICALL_SIMULATOR_URL).
 */
const { parseArgs } = require('node:util');
const { OmiCallSimulator } = require('./omicall-simulator');

const USAGE = `Usage:
  simulator [serve] [--port 4010] [--host 127.0.0.1] [--api-key KEY]... [--token-lifetime SECONDS] [--expired-style 401|envelope]
  simulator call [--direction inbound|outbound|local] [--missed] [--started-ago SECONDS] [--url URL]
  simulator contact [--action created|updated] [--url URL]
  simulator hooks [--url URL]
  simulator history [--count 1000] [--days 90] [--seed 1] [--clear] [--url URL]`;

async function main(argv) {
	const { values, positionals } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			port: { type: 'string', default: '4010' },
			host: { type: 'string', default: '127.0.0.1' },
			'api-key': { type: 'string', multiple: true },
			'token-lifetime': { type: 'string' },
			'expired-style': { type: 'string', default: '401' },
			direction: { type: 'string', default: 'inbound' },
			missed: { type: 'boolean', default: false },
			'started-ago': { type: 'string', default: '0' },
			action: { type: 'string', default: 'created' },
			count: { type: 'string', default: '1000' },
			days: { type: 'string', default: '90' },
			seed: { type: 'string', default: '1' },
			clear: { type: 'boolean', default: false },
			url: {
				type: 'string',
				default: process.env.OMICALL_SIMULATOR_URL ?? 'http://127.0.0.1:4010',
			},
			help: { type: 'boolean', short: 'h' },
		},
	});
	const command = positionals[0] ?? 'serve';
	if (values.help) return console.log(USAGE);

	if (command === 'serve') {
		if (!['401', 'envelope'].includes(values['expired-style']))
			throw new Error('--expired-style must be 401 or envelope');
		const simulator = new OmiCallSimulator({
			apiKeys: values['api-key'] ?? ['sim-api-key'],
			tokenLifetimeMs: values['token-lifetime']
				? Number(values['token-lifetime']) * 1000
				: undefined,
			expiredTokenStyle: /** @type {'401'|'envelope'} */ (values['expired-style']),
		});
		const url = await simulator.start(Number(values.port), values.host);
		console.log(`OMICall simulator listening on ${url}`);
		console.log(
			`API keys: ${simulator.apiKeys.length} configured; token lifetime ${simulator.tokenLifetimeMs / 1000} s`,
		);
		const stop = () => simulator.stop().then(() => process.exit(0));
		process.on('SIGINT', stop);
		process.on('SIGTERM', stop);
		return;
	}

	const control = async (path, body) => {
		const response = await fetch(`${values.url}/_sim/${path}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body ?? {}),
		});
		const answer = await response.json();
		if (!response.ok) throw new Error(answer.error ?? `simulator answered HTTP ${response.status}`);
		return answer;
	};
	// The registered URLs carry the trigger's secret in their query: never print it.
	const shown = (url) => String(url).replace(/\?.*$/, '?…');
	if (command === 'call') {
		if (!['inbound', 'outbound', 'local'].includes(values.direction))
			throw new Error('--direction must be inbound, outbound or local');
		const ago = Number(values['started-ago']);
		if (!(ago >= 0)) throw new Error('--started-ago must be a number of seconds, 0 or more');
		const result = await control('call', {
			direction: values.direction,
			answered: !values.missed,
			requireHook: false,
			startedAt: Date.now() - ago * 1000,
		});
		if (!result.hook) {
			console.log(
				`Placed a simulated ${values.direction} call ${result.transactionId}: no call webhook is registered, so it is in the call history only.`,
			);
			return;
		}
		console.log(
			`Placed a simulated ${values.direction} call ${result.transactionId}; events sent to ${shown(result.hook)}:`,
		);
		for (const e of result.events)
			console.log(`  ${e.state.padEnd(9)} HTTP ${e.status} after ${e.attempts} attempt(s)`);
		return;
	}
	if (command === 'contact') {
		const result = await control('contact', { action: values.action });
		console.log(
			`Sent a contact ${values.action} event to ${shown(result.hook)}: HTTP ${result.events[0].status}`,
		);
		return;
	}
	if (command === 'hooks') {
		const hooks = await control('hooks');
		return console.log(
			JSON.stringify(hooks, (key, value) => (key === 'url' ? shown(value) : value), 2),
		);
	}
	if (command === 'history') {
		const [count, days, seed] = [Number(values.count), Number(values.days), Number(values.seed)];
		if (!Number.isInteger(count) || count < 0) throw new Error('--count must be a whole number');
		if (!(days > 0)) throw new Error('--days must be a number above 0');
		if (!Number.isInteger(seed)) throw new Error('--seed must be a whole number');
		if (values.clear) await control('history/clear');
		const result = await control('history', { count, days, seed });
		console.log(
			`Added ${result.added} calls over the last ${days} days (seed ${seed}) in ${result.ms} ms; the history holds ${result.total} calls.`,
		);
		return;
	}
	throw new Error(`Unknown command "${command}".\n${USAGE}`);
}

main(process.argv.slice(2)).catch((error) => {
	console.error(error.message);
	process.exit(1);
});
