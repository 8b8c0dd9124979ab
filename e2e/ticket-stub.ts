/**
 * A ticket endpoint on loopback for the alert-to-ticket example. It records every request and responds with
 * `201 {"id": "TICKET-<n>"}`, like a ticket system that opened a ticket.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
	method: string;
	path: string;
	contentType: string;
	/** The body parsed as JSON, or the raw text when it is not JSON. */
	body: unknown;
}

export interface TicketStub {
	/** Base URL, e.g. `http://127.0.0.1:40123`. */
	url: string;
	received: ReceivedRequest[];
	stop(): Promise<void>;
}

export async function startTicketStub(): Promise<TicketStub> {
	const received: ReceivedRequest[] = [];

	const server = http.createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			const text = Buffer.concat(chunks).toString('utf8');
			received.push({
				method: request.method ?? '',
				path: new URL(request.url ?? '/', 'http://stub.invalid').pathname,
				contentType: String(request.headers['content-type'] ?? ''),
				body: parseJson(text),
			});

			const body = JSON.stringify({ id: `TICKET-${received.length}` });
			response.writeHead(201, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
			response.end(body);
		});
	});

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const { port } = server.address() as AddressInfo;

	return {
		url: `http://127.0.0.1:${port}`,
		received,
		stop: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}
