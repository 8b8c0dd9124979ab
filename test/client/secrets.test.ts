import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { ApiError, AuthenticationError, type ClientLogger } from '../../nodes/FortiAnalyzer/client';
import { DEFAULT_API_KEY, DEFAULT_PASSWORD, DEFAULT_USERNAME, endpointOf, type RunningEmulator } from '../emulator';
import {
	apiKeyAuth,
	cleanUp,
	connectionSettings,
	createClient,
	errorText,
	expectNoSecretsInCapturedErrors,
	onCleanUp,
	passwordAuth,
	rejectionOf,
	SESSION_ID_PATTERN,
	startTestEmulator,
} from './helpers';

afterEach(cleanUp);

const REDACTED = '[redacted]';

/** A session id the tests hand to the client through a faked login reply, in the emulator's format. */
const PLANTED_SESSION = 'cGxhbnRlZC1zZXNzaW9uLWlkLWZvci10aGUtdGVzdHM=';

/** Every session id the tests saw on the wire, checked against all captured errors at the end. */
const seenSessionIds = new Set<string>([PLANTED_SESSION]);

/** Creates a logger that keeps every line, with its metadata, as text. */
function recordingLogger(): ClientLogger & { lines: string[] } {
	const lines: string[] = [];
	const record = (message: string, meta?: Record<string, unknown>) => lines.push(`${message} ${JSON.stringify(meta ?? {})}`);

	return { lines, debug: record, warn: record };
}

/**
 * An HTTP relay to the emulator that records the session ids it forwards. When `echoSession` is set, it
 * responds to the next request that carries a session with a JSON-RPC error quoting that session id, as a
 * careless server might.
 */
async function startSessionRecorder(emulator: RunningEmulator): Promise<{ url: string; sessions: Set<string>; echoSession: boolean }> {
	const recorder = { url: '', sessions: new Set<string>(), echoSession: false };

	const server = http.createServer(async (request, response) => {
		const chunks: Buffer[] = [];
		for await (const chunk of request) chunks.push(chunk as Buffer);
		const body = Buffer.concat(chunks).toString('utf8');
		const envelope = JSON.parse(body) as { id?: unknown; session?: string };
		if (envelope.session) recorder.sessions.add(envelope.session);

		let reply: string;
		if (recorder.echoSession && envelope.session) {
			recorder.echoSession = false;
			reply = JSON.stringify({ jsonrpc: '2.0', id: envelope.id, error: { code: -32603, message: `Internal error: session ${envelope.session} is busy` } });
		} else {
			const upstream = await fetch(endpointOf(emulator), { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
			reply = await upstream.text();
			const session = (JSON.parse(reply) as { session?: string }).session;
			if (session) recorder.sessions.add(session);
		}

		response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(reply) });
		response.end(reply);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	recorder.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

	onCleanUp(
		() =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	);

	return recorder;
}

describe('secrets in errors', () => {
	test('emulator session ids match the checked pattern', async () => {
		const emulator = await startTestEmulator();

		const response = await fetch(endpointOf(emulator), {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ id: 1, method: 'exec', params: [{ url: '/sys/login/user', data: { user: DEFAULT_USERNAME, passwd: DEFAULT_PASSWORD } }] }),
		});
		const { session } = (await response.json()) as { session: string };
		seenSessionIds.add(session);

		expect(session).toMatch(new RegExp(`^${SESSION_ID_PATTERN.source}$`));
		expect(PLANTED_SESSION).toMatch(new RegExp(`^${SESSION_ID_PATTERN.source}$`));
	});

	test('echoed API key is redacted', async () => {
		const emulator = await startTestEmulator();
		const client = createClient(connectionSettings(emulator.url, apiKeyAuth()));
		emulator.injectFault({
			fault: { kind: 'json', body: { jsonrpc: '2.0', id: 1, error: { code: -32603, message: `Internal error: token ${DEFAULT_API_KEY} is locked` } } },
		});

		const error = await rejectionOf(client.getSystemStatus());

		expect(error).toBeInstanceOf(ApiError);
		expect(error.message).toContain(`token ${REDACTED} is locked`);
		expect((error as ApiError).context.apiMessage).toBe(`Internal error: token ${REDACTED} is locked`);
		expect(error.stack).toContain(REDACTED);
		expect(errorText(error)).not.toContain(DEFAULT_API_KEY);
	});

	test('echoed password at login is redacted', async () => {
		const emulator = await startTestEmulator();
		const client = createClient(connectionSettings(emulator.url, passwordAuth()));
		emulator.injectFault({
			match: { url: '/sys/login/user' },
			fault: { kind: 'status', code: -22, message: `Login fail for password ${DEFAULT_PASSWORD}`, form: 'legacy' },
		});

		const error = await rejectionOf(client.getSystemStatus());

		expect(error).toBeInstanceOf(AuthenticationError);
		expect(error.message).toContain(`password ${REDACTED}`);
		expect(errorText(error)).not.toContain(DEFAULT_PASSWORD);
	});

	test('echoed password on a call is redacted', async () => {
		const emulator = await startTestEmulator();
		const client = createClient(connectionSettings(emulator.url, passwordAuth()));
		emulator.injectFault({
			match: { url: '/sys/status' },
			fault: { kind: 'status', code: -10, message: `Invalid data: ${DEFAULT_PASSWORD}`, form: 'result' },
		});

		const error = await rejectionOf(client.getSystemStatus());

		expect(error).toBeInstanceOf(ApiError);
		expect(error.message).toContain(`Invalid data: ${REDACTED}`);
		expect(errorText(error)).not.toContain(DEFAULT_PASSWORD);
	});

	test('echoed planted session id is redacted', async () => {
		const emulator = await startTestEmulator();
		const client = createClient(connectionSettings(emulator.url, passwordAuth()));
		emulator.injectFault({
			match: { url: '/sys/login/user' },
			fault: { kind: 'json', body: { id: 1, result: [{ status: { code: 0, message: 'OK' }, url: '/sys/login/user' }], session: PLANTED_SESSION } },
		});
		emulator.injectFault({
			match: { url: '/sys/status' },
			fault: { kind: 'status', code: -32603, message: `Internal error: session ${PLANTED_SESSION} is busy`, form: 'error' },
		});

		const error = await rejectionOf(client.getSystemStatus());

		expect(error).toBeInstanceOf(ApiError);
		expect(error.message).toContain(`session ${REDACTED} is busy`);
		expect(errorText(error)).not.toContain(PLANTED_SESSION);
	});

	test('echoed live session id is redacted', async () => {
		const emulator = await startTestEmulator();
		const recorder = await startSessionRecorder(emulator);
		const client = createClient(connectionSettings(recorder.url, passwordAuth()));
		await client.getSystemStatus();
		expect(recorder.sessions.size).toBe(1);

		recorder.echoSession = true;
		const error = await rejectionOf(client.getSystemStatus());
		for (const session of recorder.sessions) seenSessionIds.add(session);

		expect(error).toBeInstanceOf(ApiError);
		expect(error.message).toContain(`session ${REDACTED} is busy`);
		for (const session of recorder.sessions) {
			expect(errorText(error)).not.toContain(session);
		}
	});

	test('session id from a re-login is redacted', async () => {
		const emulator = await startTestEmulator();
		const recorder = await startSessionRecorder(emulator);
		const client = createClient(connectionSettings(recorder.url, passwordAuth()));
		await client.getSystemStatus();

		emulator.expireSessions();
		await client.getSystemStatus();
		recorder.echoSession = true;
		const error = await rejectionOf(client.getSystemStatus());
		for (const session of recorder.sessions) seenSessionIds.add(session);

		expect(recorder.sessions.size).toBe(2);
		expect(emulator.counters.logins).toBe(2);
		expect(error.message).toContain(REDACTED);
		for (const session of recorder.sessions) {
			expect(errorText(error)).not.toContain(session);
		}
	});

	test('failed logout warning is redacted', async () => {
		const emulator = await startTestEmulator();
		const logger = recordingLogger();
		const client = createClient(connectionSettings(emulator.url, passwordAuth()), logger);
		await client.getSystemStatus();
		emulator.injectFault({
			match: { url: '/sys/logout' },
			fault: { kind: 'status', code: -32603, message: `Internal error: ${DEFAULT_PASSWORD}`, form: 'error' },
		});

		await client.close();

		const warning = logger.lines.find((line) => line.startsWith('FortiAnalyzer logout failed'));
		expect(warning).toContain(REDACTED);
		for (const line of logger.lines) {
			expect(line).not.toContain(DEFAULT_PASSWORD);
			expect(line).not.toMatch(SESSION_ID_PATTERN);
		}
	});

	test('log lines contain no secret', async () => {
		const emulator = await startTestEmulator();
		const logger = recordingLogger();
		const client = createClient(connectionSettings(emulator.url, passwordAuth()), logger);

		await client.getSystemStatus();
		emulator.expireSessions();
		await client.getSystemStatus();
		await client.close();

		expect(logger.lines.length).toBeGreaterThan(0);
		for (const line of logger.lines) {
			expect(line).not.toContain(DEFAULT_PASSWORD);
			expect(line).not.toMatch(SESSION_ID_PATTERN);
		}
	});
});

test('no error reveals a secret', () => {
	expectNoSecretsInCapturedErrors(seenSessionIds);
});
