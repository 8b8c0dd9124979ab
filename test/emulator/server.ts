/**
 * The HTTP(S) side of the emulator: one `POST /jsonrpc` endpoint with keep-alive, connection counting, the
 * request log and fault injection in front of the JSON-RPC router.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

import { readBearerToken } from './auth';
import { type JsonObject, parseEnvelope, type ParsedEnvelope, rpcError } from './envelope';
import { faultAction } from './faults';
import { routeRequest } from './router';
import type { EmulatorState } from './state';
import type { RecordedRequest } from './types';

export const ENDPOINT_PATH = '/jsonrpc';

const MAX_BODY_BYTES = 1024 * 1024;
const KEEP_ALIVE_TIMEOUT_MS = 30_000;
const JSON_CONTENT_TYPE = 'application/json';

export interface ListenOptions {
	host: string;
	port: number;
	tls?: { key: string | Buffer; cert: string | Buffer };
}

export interface ServerHandle {
	port: number;
	/** TCP connections open right now. */
	openConnections(): number;
	stop(): Promise<void>;
}

/** Starts listening and resolves once the port is bound. */
export async function listen(options: ListenOptions, state: EmulatorState): Promise<ServerHandle> {
	const sockets = new Set<Socket>();
	// Each entry ends one pending delay fault early, so stop() does not wait for it.
	const pendingDelays = new Set<() => void>();

	const onRequest = (request: http.IncomingMessage, response: http.ServerResponse) => {
		void handleHttpRequest(request, response, state, pendingDelays);
	};
	const server = options.tls
		? https.createServer({ key: options.tls.key, cert: options.tls.cert }, onRequest)
		: http.createServer(onRequest);
	server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
	server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 5_000;

	// 'connection' fires once per accepted TCP socket, before any TLS handshake, so kept-alive reuse never counts.
	server.on('connection', (socket: Socket) => {
		state.counters.connections++;
		sockets.add(socket);
		socket.once('close', () => sockets.delete(socket));
	});

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port, options.host, () => {
			server.off('error', reject);
			resolve();
		});
	});

	const stop = () =>
		new Promise<void>((resolve) => {
			for (const endDelay of pendingDelays) endDelay();
			server.close(() => resolve());
			for (const socket of sockets) socket.destroy();
		});

	return { port: (server.address() as AddressInfo).port, openConnections: () => sockets.size, stop };
}

async function handleHttpRequest(
	request: http.IncomingMessage,
	response: http.ServerResponse,
	state: EmulatorState,
	pendingDelays: Set<() => void>,
): Promise<void> {
	state.counters.requests++;

	const path = new URL(request.url ?? '/', 'http://emulator.invalid').pathname;
	if (path !== ENDPOINT_PATH) return sendText(response, 404, 'Not Found');
	if (request.method !== 'POST') {
		response.setHeader('Allow', 'POST');
		return sendText(response, 405, 'Method Not Allowed');
	}

	let body: string | undefined;
	try {
		body = await readBody(request);
	} catch {
		// The client closed the connection while sending the body, so no response can be sent.
		return;
	}
	if (body === undefined) return sendText(response, 413, `Request body exceeds ${MAX_BODY_BYTES} bytes`);

	const envelope = parseEnvelope(body);
	const authorization = request.headers.authorization;
	state.requests.push(recordRequest(envelope, authorization, state.now()));

	try {
		const url = envelope.ok ? envelope.request.url : envelope.url;
		const fault = state.faults.take(envelope.ok ? envelope.request.method : envelope.method, url);
		const action = fault ? faultAction(fault, { id: envelope.ok ? envelope.request.id : null, url }) : undefined;
		if (action?.type === 'reset') {
			request.socket.destroy();
			return;
		}
		if (action?.type === 'respond') return send(response, action.status, action.contentType, action.body);
		if (action?.type === 'delay') {
			await wait(action.ms, pendingDelays);
			// A client that gave up closed the connection, so the request is dropped before it has any effect.
			if (response.destroyed) return;
		}

		const handling = action?.type === 'handle' ? action : undefined;
		if (handling?.prepare === 'expire-sessions') state.sessions.expireAll();
		if (handling?.prepare === 'expire-tasks') state.tasks.expireAll();

		const reply = envelope.ok ? routeRequest(envelope.request, authorization, state, handling?.fetch) : envelope.response;
		const body = handling?.rewrite ? handling.rewrite(reply) : reply;
		send(response, 200, JSON_CONTENT_TYPE, JSON.stringify(body));
	} catch (error) {
		// Only a bug in the emulator lands here.
		console.error('FortiAnalyzer emulator: request handler failed', error);
		sendJson(response, 500, rpcError(envelope.ok ? envelope.request.id : null, -32603, `Internal error: ${String(error)}`));
	}
}

/** Reads the whole body as UTF-8; undefined when it is larger than MAX_BODY_BYTES. */
function readBody(request: http.IncomingMessage): Promise<string | undefined> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;

		request.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size <= MAX_BODY_BYTES) chunks.push(chunk);
		});
		request.on('end', () => resolve(size <= MAX_BODY_BYTES ? Buffer.concat(chunks).toString('utf8') : undefined));
		request.on('error', reject);
	});
}

function recordRequest(envelope: ParsedEnvelope, authorization: string | undefined, at: number): RecordedRequest {
	const method = (envelope.ok ? envelope.request.method : envelope.method) ?? '';
	const url = (envelope.ok ? envelope.request.url : envelope.url) ?? '';

	let auth: RecordedRequest['auth'] = 'none';
	if (readBearerToken(authorization) !== undefined) auth = 'apiKey';
	else if (envelope.ok && envelope.request.session !== undefined) auth = 'session';

	return { method, url, auth, at };
}

/** Waits `ms` milliseconds, or less when stop() ends the wait. */
function wait(ms: number, pendingDelays: Set<() => void>): Promise<void> {
	return new Promise((resolve) => {
		const end = () => {
			clearTimeout(timer);
			pendingDelays.delete(end);
			resolve();
		};
		const timer = setTimeout(end, ms);
		pendingDelays.add(end);
	});
}

function sendJson(response: http.ServerResponse, status: number, body: JsonObject): void {
	send(response, status, JSON_CONTENT_TYPE, JSON.stringify(body));
}

function sendText(response: http.ServerResponse, status: number, text: string): void {
	send(response, status, 'text/plain; charset=utf-8', text);
}

function send(response: http.ServerResponse, status: number, contentType: string, body: string): void {
	if (response.headersSent || response.destroyed) return;
	response.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
	response.end(body);
}
