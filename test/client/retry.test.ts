import { BusyError, HttpError, RequestTimeoutError, waitForTask, TaskStalledError } from '../../nodes/FortiAnalyzer/client';
import { sleepWithAbort } from 'n8n-workflow';

import {
	apiKeyAuth,
	cleanUp,
	connectionSettings,
	createClient,
	expectNoSecretsInCapturedErrors,
	FAST_RETRIES,
	lastDayQuery,
	passwordAuth,
	rejectionOf,
	startTestEmulator,
} from './helpers';

const STATUS_URL = '/sys/status';
const RUN_URL = /\/top-threats\/run$/;
const TASK_URL = /\/top-threats\/run\/\d+$/;

afterEach(cleanUp);

function recordingLogger() {
	const warnings: string[] = [];
	return { warnings, logger: { debug: () => {}, warn: (message: string) => warnings.push(message) } };
}

describe('retries', () => {
	test.each([502, 503, 504])('status read survives one HTTP %i', async (status) => {
		const emulator = await startTestEmulator();
		const { warnings, logger } = recordingLogger();
		const client = createClient(connectionSettings(emulator.url, apiKeyAuth()), logger, FAST_RETRIES);
		emulator.injectFault({ match: { url: STATUS_URL }, fault: { kind: 'http-status', status } });

		const result = await client.getSystemStatus();

		expect(result.Version).toEqual(expect.any(String));
		expect(emulator.requests.filter((request) => request.url === STATUS_URL)).toHaveLength(2);
		expect(warnings).toEqual([expect.stringMatching(/retrying in \d+ ms/)]);
	});

	test('fetch survives a connection reset', async () => {
		const emulator = await startTestEmulator({ taskDurationMs: 0 });
		const client = createClient(connectionSettings(emulator.url, apiKeyAuth()), undefined, FAST_RETRIES);
		const tid = await client.createTopThreatsTask('root', lastDayQuery());
		emulator.injectFault({ match: { method: 'get', url: TASK_URL }, fault: { kind: 'reset' } });

		const result = await client.fetchTopThreatsTask('root', tid);

		expect(result.done).toBe(true);
		expect(emulator.counters.fetches).toBe(1);
	});

	test('cancel survives one HTTP 503', async () => {
		const emulator = await startTestEmulator();
		const client = createClient(connectionSettings(emulator.url, apiKeyAuth()), undefined, FAST_RETRIES);
		const tid = await client.createTopThreatsTask('root', lastDayQuery());
		emulator.injectFault({ match: { method: 'delete' }, fault: { kind: 'http-status', status: 503 } });

		await client.cancelTopThreatsTask('root', tid);

		expect(emulator.counters.tasksDeleted).toBe(1);
		expect(emulator.counters.tasksOpen).toBe(0);
	});

	test('login survives one HTTP 502', async () => {
		const emulator = await startTestEmulator();
		const client = createClient(connectionSettings(emulator.url, passwordAuth()), undefined, FAST_RETRIES);
		emulator.injectFault({ match: { url: '/sys/login/user' }, fault: { kind: 'http-status', status: 502 } });

		await client.getSystemStatus();

		expect(emulator.counters.logins).toBe(1);
	});

	test('task creation is never repeated after a timeout', async () => {
		const emulator = await startTestEmulator();
		const client = createClient(connectionSettings(emulator.url, apiKeyAuth(), { timeoutMs: 200 }), undefined, FAST_RETRIES);
		emulator.injectFault({ match: { method: 'add', url: RUN_URL }, fault: { kind: 'delay', ms: 1_000 } });

		const error = await rejectionOf(client.createTopThreatsTask('root', lastDayQuery()));

		expect(error).toBeInstanceOf(RequestTimeoutError);
		expect(emulator.requests.filter((request) => request.method === 'add')).toHaveLength(1);
	});

	test('task creation is not repeated after HTTP 502', async () => {
		const emulator = await startTestEmulator();
		const client = createClient(connectionSettings(emulator.url, apiKeyAuth()), undefined, FAST_RETRIES);
		emulator.injectFault({ match: { method: 'add' }, fault: { kind: 'http-status', status: 502 } });

		const error = await rejectionOf(client.createTopThreatsTask('root', lastDayQuery()));

		expect(error).toBeInstanceOf(HttpError);
		expect(emulator.counters.tasksCreated).toBe(0);
	});

	test('busy task creation is repeated', async () => {
		const emulator = await startTestEmulator();
		const client = createClient(connectionSettings(emulator.url, apiKeyAuth()), undefined, FAST_RETRIES);
		emulator.injectFault({
			match: { method: 'add' },
			times: 2,
			fault: { kind: 'status', code: -32603, message: 'Internal error: no available slot for new task', form: 'error' },
		});

		const tid = await client.createTopThreatsTask('root', lastDayQuery());

		expect(tid).toBeGreaterThan(0);
		expect(emulator.counters.tasksCreated).toBe(1);
		expect(emulator.requests.filter((request) => request.method === 'add')).toHaveLength(3);
	});

	test('persistent busy ends in BusyError', async () => {
		const emulator = await startTestEmulator();
		const client = createClient(connectionSettings(emulator.url, apiKeyAuth()), undefined, FAST_RETRIES);
		emulator.injectFault({
			match: { method: 'add' },
			times: Infinity,
			fault: { kind: 'status', code: -32603, message: 'no available slot', form: 'error' },
		});

		const error = await rejectionOf(client.createTopThreatsTask('root', lastDayQuery()));

		expect(error).toBeInstanceOf(BusyError);
		expect(emulator.requests.filter((request) => request.method === 'add')).toHaveLength(FAST_RETRIES.retries + 1);
	});

	test('retries stop after the retry count', async () => {
		const emulator = await startTestEmulator();
		const client = createClient(connectionSettings(emulator.url, apiKeyAuth()), undefined, FAST_RETRIES);
		emulator.injectFault({ match: { url: STATUS_URL }, times: Infinity, fault: { kind: 'http-status', status: 503 } });

		const error = await rejectionOf(client.getSystemStatus());

		expect(error).toBeInstanceOf(HttpError);
		expect(emulator.requests.filter((request) => request.url === STATUS_URL)).toHaveLength(FAST_RETRIES.retries + 1);
	});

	test('HTTP 500 is not repeated', async () => {
		const emulator = await startTestEmulator();
		const client = createClient(connectionSettings(emulator.url, apiKeyAuth()), undefined, FAST_RETRIES);
		emulator.injectFault({ match: { url: STATUS_URL }, fault: { kind: 'http-status', status: 500 } });

		await rejectionOf(client.getSystemStatus());

		expect(emulator.requests.filter((request) => request.url === STATUS_URL)).toHaveLength(1);
	});
});

describe('stall detection', () => {
	test('stuck task raises TaskStalledError', async () => {
		const emulator = await startTestEmulator({ taskDurationMs: Infinity });
		const client = createClient(connectionSettings(emulator.url, apiKeyAuth()));
		const tid = await client.createTopThreatsTask('root', lastDayQuery());

		const error = await rejectionOf(
			waitForTask(client, 'root', tid, { maxWaitMs: 10_000, stallTimeoutMs: 300, minIntervalMs: 50, maxIntervalMs: 100, sleep: sleepWithAbort }),
		);

		expect(error).toBeInstanceOf(TaskStalledError);
		expect(error.message).toMatch(new RegExp(`Task ${tid} has been stuck at 0 % for \\d+\\.\\d s`));
		expect((error as TaskStalledError).stalledForMs).toBeLessThan(10_000);
	});

	test('100 % with an empty counted page is not final', async () => {
		const emulator = await startTestEmulator({ taskDurationMs: 0 });
		const client = createClient(connectionSettings(emulator.url, apiKeyAuth()));
		const tid = await client.createTopThreatsTask('root', lastDayQuery({ countTotal: true }));
		emulator.injectFault({
			match: { method: 'get' },
			fault: { kind: 'json', body: { jsonrpc: '2.0', id: 1, result: { percentage: 100, data: [], 'total-count-all': '40', status: { code: 0, message: 'OK' } } } },
		});

		const early = await client.fetchTopThreatsTask('root', tid);
		const later = await client.fetchTopThreatsTask('root', tid);

		expect(early.done).toBe(false);
		expect(later.done).toBe(true);
		expect(later.threats.length).toBeGreaterThan(0);
	});
});

test('no error reveals a secret', () => {
	expectNoSecretsInCapturedErrors();
});
