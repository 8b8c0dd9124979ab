import {
	ApiError,
	CancelledError,
	ConnectionError,
	type FortiAnalyzerClient,
	HttpError,
	MalformedResponseError,
	RequestTimeoutError,
	TaskNotFoundError,
} from '../../nodes/FortiAnalyzer/client';
import type { RunningEmulator } from '../emulator';
import {
	apiKeyAuth,
	cleanUp,
	closedPort,
	connectionSettings,
	createClient,
	expectNoSecretsInCapturedErrors,
	lastDayQuery,
	rejectionOf,
	startTestEmulator,
	waitUntil,
} from './helpers';

afterEach(cleanUp);

const STATUS_URL = '/sys/status';
const RUN_URL = '/fortiview/adom/root/top-threats/run';

async function apiKeyClient(): Promise<{ emulator: RunningEmulator; client: FortiAnalyzerClient }> {
	const emulator = await startTestEmulator({ taskDurationMs: 0 });
	const client = createClient(connectionSettings(emulator.url, apiKeyAuth()));

	return { emulator, client };
}

/** Checks that the message names the JSON-RPC endpoint and url, so the user can see which call failed. */
function expectNamesCall(error: Error, emulator: RunningEmulator, url: string): void {
	expect(error.message).toContain(`endpoint ${emulator.url}/jsonrpc`);
	expect(error.message).toContain(`url ${url}`);
}

describe('HTTP failures', () => {
	test.each([502, 503])('HTTP %i is HttpError', async (status) => {
		const { emulator, client } = await apiKeyClient();
		emulator.injectFault({ fault: { kind: 'http-status', status } });

		const error = await rejectionOf(client.getSystemStatus());

		expect(error).toBeInstanceOf(HttpError);
		expect((error as HttpError).context.httpStatus).toBe(status);
		expect(error.message).toContain(`HTTP ${status}`);
		expect((error as HttpError).hint).toEqual(expect.any(String));
		expectNamesCall(error, emulator, STATUS_URL);
	});

	test('HTML body is MalformedResponseError', async () => {
		const { emulator, client } = await apiKeyClient();
		emulator.injectFault({
			fault: { kind: 'raw', body: '<!DOCTYPE html><html><body>Please log in</body></html>', contentType: 'text/html; charset=utf-8' },
		});

		const error = await rejectionOf(client.getSystemStatus());

		expect(error).toBeInstanceOf(MalformedResponseError);
		expect(error.message).toContain('text/html');
		expectNamesCall(error, emulator, STATUS_URL);
	});

	test('truncated JSON is MalformedResponseError', async () => {
		const { emulator, client } = await apiKeyClient();
		emulator.injectFault({ fault: { kind: 'raw', body: '{"id":1,"result":[{"status":{"code":0,' } });

		const error = await rejectionOf(client.createTopThreatsTask('root', lastDayQuery()));

		expect(error).toBeInstanceOf(MalformedResponseError);
		expect(error.message).toContain('not JSON');
		expectNamesCall(error, emulator, RUN_URL);
	});

	test('empty body is MalformedResponseError', async () => {
		const { emulator, client } = await apiKeyClient();
		emulator.injectFault({ fault: { kind: 'raw', body: '' } });

		const error = await rejectionOf(client.getSystemStatus());

		expect(error).toBeInstanceOf(MalformedResponseError);
		expect(error.message).toContain('empty body');
		expectNamesCall(error, emulator, STATUS_URL);
	});

	test('JSON that is not JSON-RPC is MalformedResponseError', async () => {
		const { emulator, client } = await apiKeyClient();
		emulator.injectFault({ fault: { kind: 'json', body: ['not', 'an', 'envelope'] } });

		const error = await rejectionOf(client.getSystemStatus());

		expect(error).toBeInstanceOf(MalformedResponseError);
		expectNamesCall(error, emulator, STATUS_URL);
	});
});

describe('socket failures', () => {
	test('slow reply is RequestTimeoutError', async () => {
		const emulator = await startTestEmulator();
		const client = createClient(connectionSettings(emulator.url, apiKeyAuth(), { timeoutMs: 200 }));
		emulator.injectFault({ fault: { kind: 'delay', ms: 10_000 } });

		const startedAt = Date.now();
		const error = await rejectionOf(client.getSystemStatus());

		expect(error).toBeInstanceOf(RequestTimeoutError);
		expect(Date.now() - startedAt).toBeLessThan(5_000);
		expectNamesCall(error, emulator, STATUS_URL);
	});

	test('connection reset is ConnectionError', async () => {
		const { emulator, client } = await apiKeyClient();
		emulator.injectFault({ fault: { kind: 'reset' } });

		const error = await rejectionOf(client.getSystemStatus());

		expect(error).toBeInstanceOf(ConnectionError);
		expectNamesCall(error, emulator, STATUS_URL);
	});

	test('client recovers after a reset', async () => {
		const { emulator, client } = await apiKeyClient();
		await client.getSystemStatus();
		emulator.injectFault({ fault: { kind: 'reset' } });

		await rejectionOf(client.getSystemStatus());
		const status = await client.getSystemStatus();

		expect(status.Version).toEqual(expect.any(String));
	});

	test('refused connection is ConnectionError', async () => {
		const port = await closedPort();
		const client = createClient(connectionSettings(`http://127.0.0.1:${port}`, apiKeyAuth()));

		const error = await rejectionOf(client.getSystemStatus());

		expect(error).toBeInstanceOf(ConnectionError);
		expect(error.message).toContain('ECONNREFUSED');
		expect(error.message).toContain(`endpoint http://127.0.0.1:${port}/jsonrpc`);
		expect(error.message).toContain(`url ${STATUS_URL}`);
	});

	test('abort mid-request is CancelledError', async () => {
		const { emulator, client } = await apiKeyClient();
		emulator.injectFault({ fault: { kind: 'delay', ms: 10_000 } });
		const controller = new AbortController();

		const startedAt = Date.now();
		const pending = rejectionOf(client.getSystemStatus(controller.signal));
		await waitUntil(() => emulator.counters.requests === 1, 'the emulator received the request');
		controller.abort();
		const error = await pending;

		expect(error).toBeInstanceOf(CancelledError);
		expect(Date.now() - startedAt).toBeLessThan(5_000);
		expectNamesCall(error, emulator, STATUS_URL);
	});

	test('abort before the request sends nothing', async () => {
		const { emulator, client } = await apiKeyClient();
		const controller = new AbortController();
		controller.abort();

		const error = await rejectionOf(client.getSystemStatus(controller.signal));

		expect(error).toBeInstanceOf(CancelledError);
		expect(emulator.counters.requests).toBe(0);
	});
});

describe('FortiAnalyzer error forms', () => {
	test.each([
		['legacy', -10, 'The data is invalid for selected url'],
		['result', -10, 'The data is invalid for selected url'],
		['error', -32603, 'Internal error'],
	] as const)('%s form is ApiError with code', async (form, code, message) => {
		const { emulator, client } = await apiKeyClient();
		emulator.injectFault({ match: { url: RUN_URL }, fault: { kind: 'status', code, message, form } });

		const error = await rejectionOf(client.createTopThreatsTask('root', lastDayQuery()));

		expect(error).toBeInstanceOf(ApiError);
		expect((error as ApiError).context.code).toBe(code);
		expect((error as ApiError).context.apiMessage).toBe(message);
		expect(error.message).toContain(`FortiAnalyzer code ${code} "${message}"`);
		expectNamesCall(error, emulator, RUN_URL);
	});

	test.each(['legacy', 'result', 'error'] as const)('%s form of -3 on a tid is TaskNotFoundError', async (form) => {
		const { emulator, client } = await apiKeyClient();
		const tid = await client.createTopThreatsTask('root', lastDayQuery());
		emulator.injectFault({ match: { method: 'get' }, fault: { kind: 'status', code: -3, message: 'Object does not exist', form } });

		const error = await rejectionOf(client.fetchTopThreatsTask('root', tid));

		expect(error).toBeInstanceOf(TaskNotFoundError);
		expect((error as TaskNotFoundError).context.tid).toBe(tid);
		expectNamesCall(error, emulator, `${RUN_URL}/${tid}`);
	});

	test.each(['root', 'legacy'])('unknown tid in ADOM %s is TaskNotFoundError', async (adom) => {
		const { emulator, client } = await apiKeyClient();
		const tid = 99_999;

		const error = await rejectionOf(client.fetchTopThreatsTask(adom, tid));

		expect(error).toBeInstanceOf(TaskNotFoundError);
		expect((error as TaskNotFoundError).context.tid).toBe(tid);
		expect(error.message).toContain(`task ${tid}`);
		expectNamesCall(error, emulator, `/fortiview/adom/${adom}/top-threats/run/${tid}`);
	});

	test('cancel of an unknown tid is TaskNotFoundError', async () => {
		const { emulator, client } = await apiKeyClient();

		const error = await rejectionOf(client.cancelTopThreatsTask('root', 99_999));

		expect(error).toBeInstanceOf(TaskNotFoundError);
		expect((error as TaskNotFoundError).context.tid).toBe(99_999);
		expect(emulator.counters.tasksDeleted).toBe(0);
	});

	test('create reply without tid is MalformedResponseError', async () => {
		const { emulator, client } = await apiKeyClient();
		emulator.injectFault({ fault: { kind: 'json', body: { jsonrpc: '2.0', id: 1, result: { status: { code: 0, message: 'OK' } } } } });

		const error = await rejectionOf(client.createTopThreatsTask('root', lastDayQuery()));

		expect(error).toBeInstanceOf(MalformedResponseError);
		expect(error.message).toContain('tid');
		expectNamesCall(error, emulator, RUN_URL);
	});
});

test('no error reveals a secret', () => {
	expectNoSecretsInCapturedErrors();
});
