/**
 * Downloading a call recording over real HTTP to the simulator: a plain GET without OMICall's
 * auth headers (the URL grants access by itself), audio only, at most a set size, and errors
 * that show the recording host but never the URL's path or query (its id is a capability).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IExecuteFunctions } from 'n8n-workflow';

import {
	downloadRecording,
	omiCallRequest,
	RECORDING_MAX_BYTES,
} from '../../nodes/OmiCall/transport';
import { CredentialStore, runInProbeNode, apiKeyStore } from '../harness/n8n-core';
import { type OmiCallSimulator, startSimulator } from '../harness/simulator';

const API_KEY = 'key-transport-recording-9';
const RECORDING_PATH = '/third_party/recording/uc';
const SECRET_ID = 'rec-capability-5f1c9a';
const TRANSACTION = 'ae5f56fc-7baa-4537-b312-1105023bbb49';
const MP3 = 'ID3\x04\x00\x00\x00\x00\x00\x00 a small mp3 stand-in';
const WAV = 'RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00';

let simulator: OmiCallSimulator;
let store: CredentialStore;
let seen: Array<{ path: string; headers: IncomingHttpHeaders }>;
let recordingUrl: string;

beforeEach(async () => {
	simulator = await startSimulator({ apiKeys: [API_KEY] });
	seen = [];
	(simulator as unknown as { server: Server }).server.prependListener('request', (req) => {
		seen.push({ path: new URL(req.url ?? '/', 'http://sim').pathname, headers: req.headers });
	});
	store = apiKeyStore(simulator.url, API_KEY);
	recordingUrl = `${simulator.url}${RECORDING_PATH}?id=${SECRET_ID}&code=${TRANSACTION}`;
});
afterEach(async () => simulator.stop());

/** Runs `action` inside a node in n8n-core's ExecuteContext, with this file's credential store. */
const runInNode = async <T>(action: (context: IExecuteFunctions) => Promise<T>): Promise<T> =>
	await runInProbeNode(store, action);

/** The error of a failed download, checked to hold neither the URL's capability nor a secret. */
async function failure(
	url: string,
	options?: { maxBytes?: number },
): Promise<{ message: string; description: string; httpCode?: string | null }> {
	try {
		await runInNode((c) => downloadRecording.call(c, url, 0, options));
	} catch (error) {
		const e = error as Error & { description?: string; httpCode?: string | null };
		const all = `${e.message} ${e.description} ${JSON.stringify(e)}`;
		for (const secret of [SECRET_ID, TRANSACTION, RECORDING_PATH, API_KEY])
			expect(all).not.toContain(secret);
		return { message: e.message, description: e.description ?? '', httpCode: e.httpCode };
	}
	throw new Error('expected the download to fail');
}

const download = (url: string) => runInNode((c) => downloadRecording.call(c, url, 0));

describe('a recording is downloaded', () => {
	it('as a Buffer with its MIME type, by a plain GET without auth headers, even after OMICall calls', async () => {
		await runInNode((c) => omiCallRequest.call(c, 'GET', '/api/webhooks/list'));
		simulator.injectFault(RECORDING_PATH, { body: MP3, contentType: 'audio/mpeg' });

		const recording = await download(recordingUrl);

		expect(recording.mimeType).toBe('audio/mpeg');
		expect(Buffer.isBuffer(recording.data)).toBe(true);
		expect(recording.data.equals(Buffer.from(MP3, 'latin1'))).toBe(true);
		expect(recording.fileName).toBeUndefined();
		const get = seen.find((s) => s.path === RECORDING_PATH);
		expect(get?.headers.authorization).toBeUndefined();
		expect(get?.headers['x-api-key']).toBeUndefined();
		expect(simulator.requests.at(-1)).toMatchObject({
			method: 'GET',
			path: RECORDING_PATH,
			query: { id: SECRET_ID, code: TRANSACTION },
		});
	});

	it('the MIME type loses its parameters', async () => {
		simulator.injectFault(RECORDING_PATH, {
			body: WAV,
			contentType: 'audio/x-wav; charset=binary',
		});
		expect((await download(recordingUrl)).mimeType).toBe('audio/x-wav');
	});

	it.each([
		['application/octet-stream', MP3, 'audio/mpeg'],
		['binary/octet-stream', WAV, 'audio/wav'],
		['', WAV, 'audio/wav'],
	])(
		'served as %p, audio is recognised by its first bytes',
		async (contentType, body, mimeType) => {
			simulator.injectFault(RECORDING_PATH, { body, contentType });
			const recording = await download(recordingUrl);
			expect(recording.mimeType).toBe(mimeType);
			expect(recording.data.equals(Buffer.from(body, 'latin1'))).toBe(true);
		},
	);
});

describe('what is refused, and how it is said', () => {
	const origin = () => `${simulator.url}/…`;

	it('a web page instead of audio', async () => {
		simulator.injectFault(RECORDING_PATH, {
			body: `<html>Link expired: ${SECRET_ID}</html>`,
			contentType: 'text/html; charset=utf-8',
		});
		const error = await failure(recordingUrl);
		expect(error.message).toBe(
			`The recording could not be downloaded: ${origin()} sent a web page (text/html), not audio.`,
		);
		expect(error.description).toMatch(/may have expired/);
	});

	it('bytes that are not audio, served as octet-stream', async () => {
		simulator.injectFault(RECORDING_PATH, {
			body: 'PK\x03\x04 a zip file',
			contentType: 'application/octet-stream',
		});
		expect((await failure(recordingUrl)).message).toBe(
			`The recording could not be downloaded: ${origin()} sent application/octet-stream that is not audio.`,
		);
	});

	it("an OMICall error envelope, with OMICall's code explained", async () => {
		simulator.injectFault(RECORDING_PATH, {
			body: { status_code: -9999, message: 'resource_not_found' },
		});
		const error = await failure(recordingUrl);
		expect(error.message).toMatch(
			/^The recording could not be downloaded: OMICall did not find what the request asked for.* \(OMICall code: resource_not_found\)$/,
		);
	});

	it.each([
		[
			404,
			/^The recording could not be downloaded: .* answered HTTP 404\.$/,
			/may have expired or been deleted/,
		],
		[
			403,
			/^The recording could not be downloaded: .* answered HTTP 403\.$/,
			/may have expired or been deleted/,
		],
		[500, /^The recording could not be downloaded: .* answered HTTP 500\.$/, /Try again later/],
	])('HTTP %p', async (status, message, description) => {
		simulator.injectFault(RECORDING_PATH, {
			status,
			body: `no such recording ${SECRET_ID}`,
			contentType: 'text/plain',
		});
		const error = await failure(recordingUrl);
		expect(error.message).toMatch(message);
		expect(error.message).toContain(origin());
		expect(error.description).toMatch(description);
		expect(error.httpCode).toBe(String(status));
	});

	it('an empty answer', async () => {
		simulator.injectFault(RECORDING_PATH, { body: '', contentType: 'audio/mpeg' });
		expect((await failure(recordingUrl)).message).toBe(
			`The recording could not be downloaded: ${origin()} sent an empty file.`,
		);
	});

	it('a recording larger than the limit, which is 200 MB by default', async () => {
		expect(RECORDING_MAX_BYTES).toBe(200 * 1024 * 1024);
		simulator.injectFault(RECORDING_PATH, { body: MP3, contentType: 'audio/mpeg' });
		const error = await failure(recordingUrl, { maxBytes: 10 });
		expect(error.message).toBe(
			`The recording could not be downloaded: it is larger than 10 bytes, the most this node downloads.`,
		);
	});

	it('an unreachable host', async () => {
		const url = recordingUrl;
		await simulator.stop();
		const error = await failure(url);
		expect(error.message).toBe(
			`The recording could not be downloaded: ${url.slice(0, url.indexOf(RECORDING_PATH))}/… refused the connection.`,
		);
		simulator = await startSimulator();
	});

	it('a connection lost halfway through the file', async () => {
		// The simulator answers whole bodies; this server sends half a recording, then hangs up.
		const halfway = createServer((_req, res) => {
			res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': '100000' });
			res.write(Buffer.from(MP3, 'latin1'), () => res.socket?.destroy());
		});
		await new Promise<void>((resolve) => halfway.listen(0, '127.0.0.1', resolve));
		const { port } = halfway.address() as AddressInfo;
		try {
			const error = await failure(
				`http://127.0.0.1:${port}${RECORDING_PATH}?id=${SECRET_ID}&code=${TRANSACTION}`,
			);
			expect(error.message).toBe(
				`The recording could not be downloaded: http://127.0.0.1:${port}/… closed the connection during the download.`,
			);
		} finally {
			halfway.closeAllConnections();
			await new Promise((resolve) => halfway.close(resolve));
		}
	});

	it.each([
		'',
		'not a url',
		`ftp://127.0.0.1${RECORDING_PATH}?id=${SECRET_ID}`,
		`file:///etc/passwd`,
	])('%p is not fetched at all', async (url) => {
		const error = await failure(url);
		expect(error.message).toBe(
			'The recording URL is not an http:// or https:// address, so it was not downloaded.',
		);
		expect(seen).toEqual([]);
	});
});
