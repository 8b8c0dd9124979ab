import {
	AuthenticationError,
	PermissionError,
	TaskNotFoundError,
} from '../../nodes/FortiAnalyzer/client';
import { FIRST_TID, RESTRICTED_API_KEY } from '../emulator';
import {
	apiKeyAuth,
	cleanUp,
	connectionSettings,
	createClient,
	expectNoSecretsInCapturedErrors,
	lastDayQuery,
	passwordAuth,
	rejectionOf,
	startTcpRelay,
	startTestEmulator,
} from './helpers';

afterEach(cleanUp);

describe('API key authentication', () => {
	test('getSystemStatus reads the status', async () => {
		const emulator = await startTestEmulator();
		const client = createClient(connectionSettings(emulator.url, apiKeyAuth()));

		const status = await client.getSystemStatus();

		expect(status.Version).toEqual(expect.any(String));
		expect(status.Hostname).toEqual(expect.any(String));
		expect(client.endpoint).toBe(`${emulator.url}/jsonrpc`);
		expect(emulator.counters.logins).toBe(0);
	});

	// The emulator rejects a session beside a valid key with -11, so success also proves no session was sent.
	test('requests carry the key and no session', async () => {
		const emulator = await startTestEmulator({ taskDurationMs: 0 });
		const client = createClient(connectionSettings(emulator.url, apiKeyAuth()));

		await client.getSystemStatus();
		const tid = await client.createTopThreatsTask('root', lastDayQuery());
		await client.fetchTopThreatsTask('root', tid);
		await client.cancelTopThreatsTask('root', tid);

		expect(emulator.requests.map((request) => request.auth)).toEqual(['apiKey', 'apiKey', 'apiKey', 'apiKey']);
	});

	test.each([
		['root', 'apiver3'],
		['legacy', 'documented'],
	] as const)('task lifecycle in ADOM %s (%s dialect)', async (adom, dialect) => {
		const emulator = await startTestEmulator({ taskDurationMs: 0 });
		const client = createClient(connectionSettings(emulator.url, apiKeyAuth()));

		const tid = await client.createTopThreatsTask(adom, lastDayQuery());
		expect(tid).toBe(FIRST_TID);
		expect(emulator.counters.tasksCreated).toBe(1);

		const result = await client.fetchTopThreatsTask(adom, tid);
		expect(result.dialect).toBe(dialect);
		expect(result.tid).toBe(tid);
		expect(result.adom).toBe(adom);
		expect(result.percentage).toBe(100);
		expect(result.done).toBe(true);
		expect(result.threats.length).toBeGreaterThan(0);
		expect(result.threats.length).toBeLessThanOrEqual(10);
		expect(result.threats[0].rank).toBe(1);
		expect(result.threats[0].tid).toBe(tid);

		await client.cancelTopThreatsTask(adom, tid);
		expect(emulator.counters.tasksDeleted).toBe(1);
		expect(emulator.counters.tasksOpen).toBe(0);

		const afterCancel = await rejectionOf(client.fetchTopThreatsTask(adom, tid));
		expect(afterCancel).toBeInstanceOf(TaskNotFoundError);
		expect((afterCancel as TaskNotFoundError).context.tid).toBe(tid);
	});

	test('running task reports partial percentage', async () => {
		const emulator = await startTestEmulator({ taskDurationMs: 60_000 });
		const client = createClient(connectionSettings(emulator.url, apiKeyAuth()));

		const tid = await client.createTopThreatsTask('root', lastDayQuery());
		const result = await client.fetchTopThreatsTask('root', tid);

		expect(result.done).toBe(false);
		expect(result.percentage).toBeLessThan(100);
	});

	test('percentage sent as a string is read', async () => {
		const emulator = await startTestEmulator({ taskDurationMs: 60_000, percentageAsString: true });
		const client = createClient(connectionSettings(emulator.url, apiKeyAuth()));

		const tid = await client.createTopThreatsTask('root', lastDayQuery());
		const result = await client.fetchTopThreatsTask('root', tid);

		expect(typeof result.percentage).toBe('number');
		expect(result.percentage).toBeLessThan(100);
		expect(result.done).toBe(false);
	});

	test('rejected key on status is AuthenticationError', async () => {
		const emulator = await startTestEmulator();
		const client = createClient(connectionSettings(emulator.url, apiKeyAuth('not-a-valid-api-key')));

		const error = await rejectionOf(client.getSystemStatus());

		expect(error).toBeInstanceOf(AuthenticationError);
		expect(error.message).toContain('rejected the API key');
		expect((error as AuthenticationError).context.code).toBe(-11);
		expect((error as AuthenticationError).hint).toContain('API key');
	});

	test('rejected key on FortiView is AuthenticationError', async () => {
		const emulator = await startTestEmulator();
		const client = createClient(connectionSettings(emulator.url, apiKeyAuth('not-a-valid-api-key')));

		const error = await rejectionOf(client.createTopThreatsTask('root', lastDayQuery()));

		expect(error).toBeInstanceOf(AuthenticationError);
		expect(error.message).toContain('rejected the API key');
		expect((error as AuthenticationError).context.code).toBe(-11);
		expect(emulator.counters.tasksCreated).toBe(0);
	});

	test('restricted key on FortiView is PermissionError', async () => {
		const emulator = await startTestEmulator();
		const client = createClient(connectionSettings(emulator.url, apiKeyAuth(RESTRICTED_API_KEY)));

		const error = await rejectionOf(client.createTopThreatsTask('root', lastDayQuery()));

		expect(error).toBeInstanceOf(PermissionError);
		expect((error as PermissionError).context.code).toBe(-11);
		expect((error as PermissionError).hint).toContain('FortiView read permission');
		expect(error.message).toContain('/fortiview/adom/root/top-threats/run');
		expect(emulator.counters.tasksCreated).toBe(0);
	});
});

describe('keep-alive', () => {
	test('sequential requests share one connection', async () => {
		const emulator = await startTestEmulator({ taskDurationMs: 0 });
		const client = createClient(connectionSettings(emulator.url, apiKeyAuth()));

		await client.getSystemStatus();
		const tid = await client.createTopThreatsTask('root', lastDayQuery());
		await client.fetchTopThreatsTask('root', tid);
		await client.fetchTopThreatsTask('root', tid);
		await client.cancelTopThreatsTask('root', tid);

		expect(emulator.counters.requests).toBe(5);
		expect(emulator.counters.connections).toBe(1);
	});

	test('login, requests and logout share one connection', async () => {
		const emulator = await startTestEmulator();
		const client = createClient(connectionSettings(emulator.url, passwordAuth()));

		await client.getSystemStatus();
		await client.getSystemStatus();
		await client.close();

		expect(emulator.counters.requests).toBe(4);
		expect(emulator.counters.logouts).toBe(1);
		expect(emulator.counters.connections).toBe(1);
	});

	test('close releases the sockets', async () => {
		const emulator = await startTestEmulator();
		const relay = await startTcpRelay(emulator.port);
		const client = createClient(connectionSettings(relay.url, apiKeyAuth()));

		await client.getSystemStatus();
		await client.getSystemStatus();
		expect(relay.accepted).toBe(1);
		expect(relay.open).toBe(1);

		await client.close();
		await relay.allClosed();

		expect(relay.open).toBe(0);
	});
});

test('no error reveals a secret', () => {
	expectNoSecretsInCapturedErrors();
});
