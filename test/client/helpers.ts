/**
 * Shared set-up for the client tests: connection settings, emulators and clients that are closed after each
 * test, a TCP relay that counts connections, and the check that no error text reveals a secret.
 */
import * as net from 'node:net';
import { inspect } from 'node:util';

import {
	type Authentication,
	type ConnectionSettings,
	FortiAnalyzerClient,
	type ClientLogger,
	relativeTimeRange,
	ALL_DEVICES,
	type RetryPolicy,
	type TopThreatsQuery,
} from '../../nodes/FortiAnalyzer/client';
import {
	DEFAULT_API_KEY,
	DEFAULT_PASSWORD,
	DEFAULT_USERNAME,
	RESTRICTED_API_KEY,
	RESTRICTED_PASSWORD,
	type EmulatorOptions,
	type RunningEmulator,
	startEmulator,
} from '../emulator';

/** Request timeout of the test clients: long enough for a loaded machine, short enough to fail fast. */
export const TEST_TIMEOUT_MS = 10_000;

export function apiKeyAuth(apiKey: string = DEFAULT_API_KEY): Authentication {
	return { method: 'apiKey', apiKey };
}

export function passwordAuth(username: string = DEFAULT_USERNAME, password: string = DEFAULT_PASSWORD): Authentication {
	return { method: 'password', username, password };
}

/** Builds client settings with certificate verification on, as the credential defaults to. */
export function connectionSettings(
	baseUrl: string,
	auth: Authentication,
	overrides: Partial<Omit<ConnectionSettings, 'baseUrl' | 'auth'>> = {},
): ConnectionSettings {
	return { baseUrl, auth, tls: { verify: true }, timeoutMs: TEST_TIMEOUT_MS, ...overrides };
}

/** Builds a top-threats query over the last day on every device. */
export function lastDayQuery(overrides: Partial<TopThreatsQuery> = {}): TopThreatsQuery {
	return {
		timeRange: relativeTimeRange(1, 'days', 'UTC', new Date()),
		devices: [ALL_DEVICES],
		limit: 10,
		...overrides,
	};
}

const cleanups: Array<() => Promise<void> | void> = [];

/** Runs the clean-up steps of the current test, newest first. Call it from `afterEach`. */
export async function cleanUp(): Promise<void> {
	while (cleanups.length > 0) {
		const step = cleanups.pop();
		if (step) await step();
	}
}

/** Registers a clean-up step for `cleanUp()`. */
export function onCleanUp(step: () => Promise<void> | void): void {
	cleanups.push(step);
}

/** Starts an emulator that `cleanUp()` stops. */
export async function startTestEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
	const emulator = await startEmulator(options);
	cleanups.push(() => emulator.stop());

	return emulator;
}

/** Retries off, so a single injected fault reaches the caller; `retry.test.ts` covers the retries. */
export const NO_RETRIES: RetryPolicy = { retries: 0, baseDelayMs: 0, maxDelayMs: 0, budgetMs: 0 };

/** Short pauses, so retry tests stay fast. */
export const FAST_RETRIES: RetryPolicy = { retries: 3, baseDelayMs: 10, maxDelayMs: 40, budgetMs: 2_000 };

/** Creates a client that `cleanUp()` closes; without a policy it does not retry. */
export function createClient(settings: ConnectionSettings, logger?: ClientLogger, retry: RetryPolicy = NO_RETRIES): FortiAnalyzerClient {
	const client = new FortiAnalyzerClient(settings, { logger, retry });
	cleanups.push(() => client.close());

	return client;
}

const capturedErrors: unknown[] = [];

/** Awaits a promise that must reject, and keeps the error for `expectNoSecretsInCapturedErrors`. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
	try {
		await promise;
	} catch (error) {
		capturedErrors.push(error);
		if (!(error instanceof Error)) throw new Error(`Expected an Error, got ${inspect(error)}`);
		return error;
	}

	throw new Error('Expected the promise to reject, but it resolved');
}

/** Keeps an error caught some other way, e.g. from a synchronous constructor. */
export function captureError(error: unknown): void {
	capturedErrors.push(error);
}

/** Every credential the emulator accepts or the tests send. */
export const KNOWN_SECRETS = [DEFAULT_API_KEY, DEFAULT_PASSWORD, RESTRICTED_API_KEY, RESTRICTED_PASSWORD];

/** The emulator's session ids are 32 random bytes in base64: 43 characters and one "=". */
export const SESSION_ID_PATTERN = /[A-Za-z0-9+/]{43}=/;

/** Message, stack and the inspected error as a logger would print it. */
export function errorText(error: unknown): string {
	if (!(error instanceof Error)) return inspect(error);

	return [error.message, error.stack ?? '', inspect(error, { depth: 6 })].join('\n');
}

/**
 * Checks every error this test file captured: none may contain a credential, a given extra secret (such as a
 * session id the test saw) or anything shaped like an emulator session id.
 */
export function expectNoSecretsInCapturedErrors(extraSecrets: Iterable<string> = []): void {
	expect(capturedErrors.length).toBeGreaterThan(0);

	const secrets = [...KNOWN_SECRETS, ...extraSecrets];
	for (const error of capturedErrors) {
		const text = errorText(error);
		for (const secret of secrets) {
			expect(text).not.toContain(secret);
		}
		expect(text).not.toMatch(SESSION_ID_PATTERN);
	}
}

/** A TCP relay in front of a server that counts the connections a client opens and tracks when they close. */
export interface TcpRelay {
	port: number;
	url: string;
	/** Connections accepted so far. */
	accepted: number;
	/** Connections from the client that are still open. */
	open: number;
	/** Resolves once every client connection is closed, or rejects when some are still open after `timeoutMs`. */
	allClosed(timeoutMs?: number): Promise<void>;
}

export async function startTcpRelay(targetPort: number): Promise<TcpRelay> {
	const clientSockets = new Set<net.Socket>();
	let waiters: Array<() => void> = [];

	const server = net.createServer((clientSocket) => {
		relay.accepted++;
		clientSockets.add(clientSocket);

		const upstream = net.connect(targetPort, '127.0.0.1');
		clientSocket.pipe(upstream).pipe(clientSocket);
		upstream.on('error', () => clientSocket.destroy());
		clientSocket.on('error', () => upstream.destroy());
		clientSocket.once('close', () => {
			upstream.destroy();
			clientSockets.delete(clientSocket);
			if (clientSockets.size === 0) {
				for (const wake of waiters) wake();
				waiters = [];
			}
		});
	});

	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as net.AddressInfo).port;

	const relay: TcpRelay = {
		port,
		url: `http://127.0.0.1:${port}`,
		accepted: 0,
		get open() {
			return clientSockets.size;
		},
		allClosed: (timeoutMs = 2_000) => {
			if (clientSockets.size === 0) return Promise.resolve();

			return new Promise<void>((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error(`${clientSockets.size} connection(s) still open after ${timeoutMs} ms`)), timeoutMs);
				waiters.push(() => {
					clearTimeout(timer);
					resolve();
				});
			});
		},
	};

	cleanups.push(
		() =>
			new Promise<void>((resolve) => {
				for (const socket of clientSockets) socket.destroy();
				server.close(() => resolve());
			}),
	);

	return relay;
}

/** Returns a loopback port that was open a moment ago and is now closed, so connecting to it is refused. */
export async function closedPort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as net.AddressInfo).port;
	await new Promise<void>((resolve) => server.close(() => resolve()));

	return port;
}

/** Resolves once `condition` holds, checking on every turn of the event loop, and rejects after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, description: string, timeoutMs = 5_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting until ${description}`);
		await new Promise((resolve) => setImmediate(resolve));
	}
}
