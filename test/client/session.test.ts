import { AuthenticationError, CancelledError, PermissionError } from '../../nodes/FortiAnalyzer/client';
import { DEFAULT_USERNAME, RESTRICTED_PASSWORD, RESTRICTED_USERNAME } from '../emulator';
import {
	cleanUp,
	connectionSettings,
	createClient,
	expectNoSecretsInCapturedErrors,
	lastDayQuery,
	passwordAuth,
	rejectionOf,
	startTestEmulator,
	waitUntil,
} from './helpers';

afterEach(cleanUp);

const RUN_URL = '/fortiview/adom/root/top-threats/run';

describe('password authentication', () => {
	test('logs in once and sends the session', async () => {
		const emulator = await startTestEmulator();
		const client = createClient(connectionSettings(emulator.url, passwordAuth()));

		await client.getSystemStatus();
		await client.getSystemStatus();

		expect(emulator.counters.logins).toBe(1);
		expect(emulator.requests.map((request) => [request.url, request.auth])).toEqual([
			['/sys/login/user', 'none'],
			['/sys/status', 'session'],
			['/sys/status', 'session'],
		]);
	});

	test('concurrent requests share one login', async () => {
		const emulator = await startTestEmulator({ taskDurationMs: 0 });
		const client = createClient(connectionSettings(emulator.url, passwordAuth()));

		const results = await Promise.all([1, 2, 3, 4, 5].map(() => client.getSystemStatus()));

		expect(results).toHaveLength(5);
		expect(emulator.counters.logins).toBe(1);
		expect(emulator.counters.openSessions).toBe(1);
		expect(emulator.requests.filter((request) => request.url === '/sys/status' && request.auth === 'session')).toHaveLength(5);
	});

	test('concurrent fetches share one login', async () => {
		const emulator = await startTestEmulator({ taskDurationMs: 0 });
		const creator = createClient(connectionSettings(emulator.url, passwordAuth()));
		const tid = await creator.createTopThreatsTask('root', lastDayQuery());
		const client = createClient(connectionSettings(emulator.url, passwordAuth()));

		const results = await Promise.all([1, 2, 3, 4, 5].map(() => client.fetchTopThreatsTask('root', tid)));

		expect(results.every((result) => result.done)).toBe(true);
		expect(emulator.counters.fetches).toBe(5);
		expect(emulator.counters.logins).toBe(2);
	});

	test('close logs out', async () => {
		const emulator = await startTestEmulator();
		const client = createClient(connectionSettings(emulator.url, passwordAuth()));
		await client.getSystemStatus();
		expect(emulator.counters.openSessions).toBe(1);

		await client.close();

		expect(emulator.counters.logouts).toBe(1);
		expect(emulator.counters.openSessions).toBe(0);
	});

	test('close without a login sends nothing', async () => {
		const emulator = await startTestEmulator();
		const client = createClient(connectionSettings(emulator.url, passwordAuth()));

		await client.close();

		expect(emulator.counters.requests).toBe(0);
	});

	test('bad password is AuthenticationError -22', async () => {
		const emulator = await startTestEmulator();
		const client = createClient(connectionSettings(emulator.url, passwordAuth(DEFAULT_USERNAME, 'wrong-password')));

		const error = await rejectionOf(client.getSystemStatus());

		expect(error).toBeInstanceOf(AuthenticationError);
		expect((error as AuthenticationError).context.code).toBe(-22);
		expect(error.message).toContain('/sys/login/user');
		expect(emulator.counters.failedLogins).toBe(1);
		expect(emulator.counters.logins).toBe(0);
	});

	test('login refused with -11 is AuthenticationError', async () => {
		const emulator = await startTestEmulator();
		const client = createClient(connectionSettings(emulator.url, passwordAuth()));
		emulator.injectFault({
			match: { url: '/sys/login/user' },
			fault: { kind: 'status', code: -11, message: 'No permission for the resource', form: 'legacy' },
		});

		const error = await rejectionOf(client.getSystemStatus());

		expect(error).toBeInstanceOf(AuthenticationError);
		expect(error.message).toContain(`login of "${DEFAULT_USERNAME}"`);
		expect((error as AuthenticationError).context.code).toBe(-11);
		expect((error as AuthenticationError).hint).toContain('JSON API access');
		expect(emulator.requests.filter((request) => request.url === '/sys/login/user')).toHaveLength(1);
	});

	test('login reply without session is AuthenticationError', async () => {
		const emulator = await startTestEmulator();
		const client = createClient(connectionSettings(emulator.url, passwordAuth()));
		emulator.injectFault({
			match: { url: '/sys/login/user' },
			fault: { kind: 'json', body: { id: 1, result: [{ status: { code: 0, message: 'OK' }, url: '/sys/login/user' }] } },
		});

		const error = await rejectionOf(client.getSystemStatus());

		expect(error).toBeInstanceOf(AuthenticationError);
		expect(error.message).toContain('no session');
		expect(emulator.requests.map((request) => request.url)).toEqual(['/sys/login/user']);
	});

	// The login is shared, so one caller's cancellation must not cancel the others that wait for it.
	test('cancelled caller spares the shared login', async () => {
		const emulator = await startTestEmulator();
		const client = createClient(connectionSettings(emulator.url, passwordAuth()));
		emulator.injectFault({ match: { url: '/sys/login/user' }, fault: { kind: 'delay', ms: 300 } });
		const controller = new AbortController();

		const cancelled = rejectionOf(client.getSystemStatus(controller.signal));
		const other = client.getSystemStatus();
		await waitUntil(() => emulator.counters.requests === 1, 'the login request arrived');
		controller.abort();

		expect(await cancelled).toBeInstanceOf(CancelledError);
		await expect(other).resolves.toEqual(expect.objectContaining({ Version: expect.any(String) }));
	});

	test('failed login is retried by the next call', async () => {
		const emulator = await startTestEmulator();
		const client = createClient(connectionSettings(emulator.url, passwordAuth()));
		emulator.injectFault({ match: { url: '/sys/login/user' }, fault: { kind: 'http-status', status: 503 } });

		await rejectionOf(client.getSystemStatus());
		await client.getSystemStatus();

		expect(emulator.counters.logins).toBe(1);
	});

	test('stale session triggers one re-login', async () => {
		const emulator = await startTestEmulator({ taskDurationMs: 0 });
		const client = createClient(connectionSettings(emulator.url, passwordAuth()));
		const tid = await client.createTopThreatsTask('root', lastDayQuery());

		emulator.expireSessions();
		const result = await client.fetchTopThreatsTask('root', tid);

		expect(result.done).toBe(true);
		expect(emulator.counters.logins).toBe(2);
		expect(emulator.requests.filter((request) => request.url === `${RUN_URL}/${tid}`)).toHaveLength(2);
	});

	test('concurrent stale calls share one re-login', async () => {
		const emulator = await startTestEmulator({ taskDurationMs: 0 });
		const client = createClient(connectionSettings(emulator.url, passwordAuth()));
		const tid = await client.createTopThreatsTask('root', lastDayQuery());

		emulator.expireSessions();
		const results = await Promise.all([1, 2, 3, 4, 5].map(() => client.fetchTopThreatsTask('root', tid)));

		expect(results.every((result) => result.done)).toBe(true);
		// All five were sent with the stale session and each was retried once, yet only one login was made.
		expect(emulator.requests.filter((request) => request.url === `${RUN_URL}/${tid}`)).toHaveLength(10);
		expect(emulator.counters.logins).toBe(2);
		expect(emulator.counters.openSessions).toBe(1);
	});

	test('later calls use the new session', async () => {
		const emulator = await startTestEmulator();
		const client = createClient(connectionSettings(emulator.url, passwordAuth()));
		await client.getSystemStatus();

		emulator.expireSessions();
		await client.getSystemStatus();
		await client.getSystemStatus();

		expect(emulator.counters.logins).toBe(2);
	});

	test('restricted user is PermissionError after one retry', async () => {
		const emulator = await startTestEmulator();
		const client = createClient(connectionSettings(emulator.url, passwordAuth(RESTRICTED_USERNAME, RESTRICTED_PASSWORD)));

		const error = await rejectionOf(client.createTopThreatsTask('root', lastDayQuery()));

		expect(error).toBeInstanceOf(PermissionError);
		expect((error as PermissionError).context.code).toBe(-11);
		expect((error as PermissionError).hint).toContain('FortiView read permission');
		expect(emulator.counters.logins).toBe(2);
		expect(emulator.requests.filter((request) => request.url === RUN_URL)).toHaveLength(2);
		expect(emulator.counters.tasksCreated).toBe(0);
	});

	test('close after expiry does not throw', async () => {
		const emulator = await startTestEmulator();
		const warnings: string[] = [];
		const logger = { debug: () => {}, warn: (message: string) => warnings.push(message) };
		const client = createClient(connectionSettings(emulator.url, passwordAuth()), logger);
		await client.getSystemStatus();

		emulator.expireSessions();
		await expect(client.close()).resolves.toBeUndefined();

		expect(emulator.requests.at(-1)).toMatchObject({ url: '/sys/logout', auth: 'session' });
		expect(emulator.counters.logouts).toBe(0);
		expect(warnings).toEqual([]);
	});

	test('close after a failed logout warns', async () => {
		const emulator = await startTestEmulator();
		const warnings: Array<{ message: string; meta?: Record<string, unknown> }> = [];
		const logger = { debug: () => {}, warn: (message: string, meta?: Record<string, unknown>) => warnings.push({ message, meta }) };
		const client = createClient(connectionSettings(emulator.url, passwordAuth()), logger);
		await client.getSystemStatus();

		emulator.injectFault({ match: { url: '/sys/logout' }, fault: { kind: 'http-status', status: 502 } });
		await expect(client.close()).resolves.toBeUndefined();

		expect(warnings).toHaveLength(1);
		expect(warnings[0].message).toBe('FortiAnalyzer logout failed');
		expect(String(warnings[0].meta?.error)).toContain('HTTP 502');
	});
});

test('no error reveals a secret', () => {
	expectNoSecretsInCapturedErrors();
});
