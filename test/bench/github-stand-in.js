'use strict';
/**
 * Just enough of GitHub's repository-hooks API for n8n's own GitHub Trigger to activate against
 * it on loopback: the benchmark's reference for what n8n charges any webhook-registering trigger
 * that is not its Webhook node. It keeps the secret the trigger signs with, so the load can sign.
 */
const http = require('node:http');

class GithubStandIn {
	hook = null;

	async start() {
		this.server = http.createServer((req, res) => {
			let text = '';
			req.on('data', (chunk) => (text += chunk));
			req.on('end', () => {
				const reply = (status, body) => {
					res.writeHead(status, { 'content-type': 'application/json' });
					res.end(body === undefined ? '' : JSON.stringify(body));
				};
				const match = /^\/repos\/[^/]+\/[^/]+\/hooks(?:\/(\d+))?$/.exec(
					new URL(req.url, 'http://x').pathname,
				);
				if (!match) return reply(404, { message: 'Not Found' });
				if (req.method === 'POST' && !match[1]) {
					const body = JSON.parse(text);
					this.hook = { id: 1, active: true, events: body.events, config: body.config };
					return reply(201, this.hook);
				}
				if (!this.hook || String(this.hook.id) !== match[1])
					return reply(404, { message: 'Not Found' });
				if (req.method === 'GET') return reply(200, this.hook);
				if (req.method === 'DELETE') {
					this.hook = null;
					return reply(204);
				}
				return reply(405, { message: 'Method Not Allowed' });
			});
		});
		await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${this.server.address().port}`;
	}

	async stop() {
		await new Promise((resolve) => this.server?.close(resolve));
	}
}

module.exports = { GithubStandIn };
