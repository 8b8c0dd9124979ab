/**
 * Each kind of failure surfaces as a node error whose message names what failed: the endpoint, the
 * JSON-RPC url, the tid and FortiAnalyzer's code and message where they apply.
 */
import type { ExecutionError } from 'n8n-workflow';

import { FIRST_TID, RESTRICTED_API_KEY, RESTRICTED_PASSWORD, RESTRICTED_USERNAME, type RunningEmulator, startEmulator } from '../emulator';
import { createMemoryLogger, type WorkflowRun } from './harness';
import {
	apiKeyCredential,
	IOC,
	leakedSecrets,
	passwordCredential,
	recordedRuns,
	runIoc,
	startIoc,
	waitFor,
	WRONG_API_KEY,
	WRONG_PASSWORD,
} from './ioc-workflow';

const WAIT = `${IOC} 2`;

const createTask = { operation: 'createTask' };

const getTopThreats = { operation: 'getTopThreats' };

let emulator: RunningEmulator;

let endpoint: string;

beforeEach(async () => {
	emulator = await startEmulator({ taskDurationMs: 300 });
	endpoint = `${emulator.url}/jsonrpc`;
});

afterEach(async () => {
	await emulator.stop();
});

/** Returns the error of the failed node, after checking that the run failed. */
function failureOf(run: WorkflowRun, nodeName = IOC): ExecutionError {
	expect(run.status).toBe('error');
	const error = run.nodeError(nodeName);
	expect(error).toBeDefined();

	return error as ExecutionError;
}

describe('authentication', () => {
	test('bad password names -22', async () => {
		const run = await runIoc({
			credential: passwordCredential(emulator, { password: WRONG_PASSWORD }),
			steps: [{ parameters: getTopThreats }],
		});

		const error = failureOf(run);
		expect(error.message).toContain('FortiAnalyzer rejected the username or password');
		expect(error.message).toContain('FortiAnalyzer code -22 "Login fail"');
		expect(error.message).toContain('url /sys/login/user');
		expect(error.message).toContain(`endpoint ${endpoint}`);
		expect(error.description).toContain('username and password');
	});

	test('bad API key is called rejected', async () => {
		const run = await runIoc({ credential: apiKeyCredential(emulator, { apiKey: WRONG_API_KEY }), steps: [{ parameters: getTopThreats }] });

		const error = failureOf(run);
		expect(error.message).toContain('FortiAnalyzer rejected the API key');
		expect(error.message).toContain('FortiAnalyzer code -11');
		expect(error.message).toContain(`endpoint ${endpoint}`);
		expect(error.description).toContain('Check the API key');
		expect(emulator.counters.tasksCreated).toBe(0);
	});
});

describe('permission', () => {
	test('restricted API key gets -11 with a hint', async () => {
		const run = await runIoc({
			credential: apiKeyCredential(emulator, { apiKey: RESTRICTED_API_KEY }),
			steps: [{ parameters: getTopThreats }],
		});

		const error = failureOf(run);
		expect(error.message).toContain('FortiAnalyzer rejected the request');
		expect(error.message).toContain('FortiAnalyzer code -11 "No permission for the resource"');
		expect(error.message).toContain('url /fortiview/adom/root/top-threats/run');
		expect(error.message).not.toContain('rejected the API key');
		expect(error.description).toContain('FortiView read permission');
	});

	test('restricted user gets -11 with a hint', async () => {
		const run = await runIoc({
			credential: passwordCredential(emulator, { username: RESTRICTED_USERNAME, password: RESTRICTED_PASSWORD }),
			steps: [{ parameters: getTopThreats }],
		});

		const error = failureOf(run);
		expect(error.message).toContain('FortiAnalyzer rejected the request');
		expect(error.message).toContain('FortiAnalyzer code -11');
		expect(error.message).toContain('url /fortiview/adom/root/top-threats/run');
		expect(error.description).toContain('FortiView read permission');
	});
});

describe('unknown or expired task', () => {
	test('unknown tid in apiver 3', async () => {
		const run = await runIoc({ credential: apiKeyCredential(emulator), steps: [{ parameters: { operation: 'fetchResults', tid: '999999' } }] });

		const error = failureOf(run);
		expect(error.message).toContain('FortiAnalyzer does not know task 999999');
		expect(error.message).toContain('FortiAnalyzer code -32005 "Invalid tid 999999 for fetching result."');
		expect(error.message).toContain('url /fortiview/adom/root/top-threats/run/999999');
		expect(error.description).toContain('create a new task');
	});

	test('unknown tid in the documented shape', async () => {
		const run = await runIoc({
			credential: apiKeyCredential(emulator),
			steps: [{ parameters: { operation: 'cancelTask', adom: 'legacy', tid: '999999' } }],
		});

		const error = failureOf(run);
		expect(error.message).toContain('FortiAnalyzer does not know task 999999');
		expect(error.message).toContain('FortiAnalyzer code -3 "Invalid task ID"');
		expect(error.message).toContain('url /fortiview/adom/legacy/top-threats/run/999999');
	});

	test('expired tid', async () => {
		await emulator.stop();
		emulator = await startEmulator({ taskDurationMs: 0, taskTtlMs: 50 });
		const created = await runIoc({ credential: apiKeyCredential(emulator), steps: [{ parameters: createTask }] });
		expect(created.status).toBe('success');
		await waitFor(() => emulator.counters.tasksOpen === 0, 'the task expired');

		const run = await runIoc({
			credential: apiKeyCredential(emulator),
			steps: [{ parameters: { operation: 'fetchResults', tid: String(FIRST_TID) } }],
		});

		const error = failureOf(run);
		expect(error.message).toContain(`FortiAnalyzer does not know task ${FIRST_TID}`);
		expect(error.message).toContain(`url /fortiview/adom/root/top-threats/run/${FIRST_TID}`);
	});
});

describe('transport', () => {
	test('request timeout from the credential', async () => {
		emulator.injectFault({ match: { method: 'add' }, fault: { kind: 'delay', ms: 3000 } });
		const startedAt = Date.now();

		const run = await runIoc({ credential: apiKeyCredential(emulator, { timeout: 0.3 }), steps: [{ parameters: getTopThreats }] });

		const error = failureOf(run);
		expect(Date.now() - startedAt).toBeLessThan(2500);
		expect(error.message).toContain('The request to FortiAnalyzer timed out');
		expect(error.message).toContain('url /fortiview/adom/root/top-threats/run');
		expect(error.message).toContain(`endpoint ${endpoint}`);
		expect(error.description).toContain('Timeout');
	});

	test('HTML page is a malformed response', async () => {
		emulator.injectFault({
			match: { method: 'add' },
			fault: { kind: 'raw', body: '<html><body>Please log in</body></html>', contentType: 'text/html' },
		});

		const run = await runIoc({ credential: apiKeyCredential(emulator), steps: [{ parameters: getTopThreats }] });

		const error = failureOf(run);
		expect(error.message).toContain('FortiAnalyzer returned a body that is not JSON (content type "text/html")');
		expect(error.message).toContain('url /fortiview/adom/root/top-threats/run');
		expect(error.message).toContain(`endpoint ${endpoint}`);
		expect(error.description).toContain('Base URL');
	});

	test('unreadable task result is malformed', async () => {
		emulator.setTaskDuration(0);
		emulator.injectFault({
			match: { method: 'get' },
			fault: { kind: 'json', body: { jsonrpc: '2.0', id: 1, result: { percentage: 100, data: [{ threat: 'x', incidents: 'many' }] } } },
		});

		const run = await runIoc({ credential: apiKeyCredential(emulator), steps: [{ parameters: getTopThreats }] });

		const error = failureOf(run);
		expect(error.message).toContain('FortiAnalyzer returned an unreadable threat row 1');
		expect(error.message).toContain(`tid ${FIRST_TID}`);
		expect(error.message).toContain(`url /fortiview/adom/root/top-threats/run/${FIRST_TID}`);
		expect(emulator.counters.tasksOpen).toBe(0);
	});

	test('HTTP 502 on a poll is retried', async () => {
		emulator.injectFault({ match: { method: 'get' }, fault: { kind: 'http-status', status: 502 } });
		const logger = createMemoryLogger();

		const run = await runIoc({ credential: apiKeyCredential(emulator), steps: [{ parameters: getTopThreats }], logger });

		expect(run.status).toBe('success');
		expect(run.output(IOC).length).toBeGreaterThan(1);
		expect(logger.messages('warn').some((message) => message.startsWith('FortiAnalyzer request failed, retrying'))).toBe(true);
		expect(emulator.counters.tasksCreated).toBe(1);
	});

	test('HTTP 502 names the status', async () => {
		emulator.injectFault({ match: { method: 'add' }, fault: { kind: 'http-status', status: 502 } });

		const run = await runIoc({ credential: apiKeyCredential(emulator), steps: [{ parameters: getTopThreats }] });

		const error = failureOf(run);
		expect(error.message).toContain('FortiAnalyzer responded with HTTP 502 Bad Gateway');
		expect(error.message).toContain('url /fortiview/adom/root/top-threats/run');
		expect(error.message).toContain(`endpoint ${endpoint}`);
		expect((error as ExecutionError & { httpCode?: string }).httpCode).toBe('502');
	});

	test('refused connection names the endpoint', async () => {
		const closed = await startEmulator();
		await closed.stop();

		const run = await runIoc({ credential: apiKeyCredential(closed), steps: [{ parameters: getTopThreats }] });

		const error = failureOf(run);
		expect(error.message).toContain('ECONNREFUSED');
		expect(error.message).toContain(`endpoint ${closed.url}/jsonrpc`);
	});

	test('reset connection names the endpoint', async () => {
		emulator.injectFault({ match: { method: 'add' }, fault: { kind: 'reset' } });

		const run = await runIoc({ credential: apiKeyCredential(emulator), steps: [{ parameters: getTopThreats }] });

		const error = failureOf(run);
		expect(error.message).toContain('The connection to FortiAnalyzer failed');
		expect(error.message).toContain('url /fortiview/adom/root/top-threats/run');
		expect(error.message).toContain(`endpoint ${endpoint}`);
	});

	test('FortiAnalyzer error status names code and message', async () => {
		emulator.injectFault({
			match: { method: 'add' },
			fault: { kind: 'status', code: -10, message: 'The data is invalid for selected url', form: 'result' },
		});

		const run = await runIoc({ credential: apiKeyCredential(emulator), steps: [{ parameters: getTopThreats }] });

		const error = failureOf(run);
		expect(error.message).toContain('FortiAnalyzer code -10 "The data is invalid for selected url"');
		expect(error.message).toContain('url /fortiview/adom/root/top-threats/run');
	});
});

describe('wait timeout', () => {
	const shortWait = { maxWaitSeconds: 1, minPollIntervalMs: 100, maxPollIntervalSeconds: 0.2 };

	test('message names tid, percentage and time', async () => {
		emulator.setTaskDuration(10_000);

		const run = await runIoc({
			credential: apiKeyCredential(emulator),
			steps: [{ parameters: createTask }, { parameters: { operation: 'waitUntilDone', waitOptions: shortWait } }],
		});

		const error = failureOf(run, WAIT);
		const match = /^Task (\d+) was still at (\d+) % after (\d+\.\d) s/.exec(error.message);
		expect(match).not.toBeNull();
		const [, tid, percentage, seconds] = match as RegExpExecArray;
		expect(Number(tid)).toBe(FIRST_TID);
		expect(Number(percentage)).toBeGreaterThan(0);
		expect(Number(percentage)).toBeLessThan(50);
		expect(Number(seconds)).toBeGreaterThanOrEqual(1);
		expect(Number(seconds)).toBeLessThan(3);
		expect(error.description).toContain('Max Wait Time');
	});

	test('Wait Until Done cancels the task', async () => {
		emulator.setTaskDuration(10_000);

		const run = await runIoc({
			credential: apiKeyCredential(emulator),
			steps: [{ parameters: createTask }, { parameters: { operation: 'waitUntilDone', waitOptions: shortWait } }],
		});

		expect(run.status).toBe('error');
		expect(emulator.counters.tasksDeleted).toBe(1);
		expect(emulator.counters.tasksOpen).toBe(0);
	});

	test('keeps the task when asked to', async () => {
		emulator.setTaskDuration(10_000);

		const run = await runIoc({
			credential: apiKeyCredential(emulator),
			steps: [
				{ parameters: createTask },
				{ parameters: { operation: 'waitUntilDone', cancelOnGiveUp: false, waitOptions: shortWait } },
			],
		});

		expect(run.status).toBe('error');
		expect(emulator.counters.tasksDeleted).toBe(0);
		expect(emulator.counters.tasksOpen).toBe(1);
	});

	test('stalled task names tid and percentage', async () => {
		emulator.setTaskDuration(Infinity);

		const run = await runIoc({
			credential: apiKeyCredential(emulator),
			steps: [
				{ parameters: createTask },
				{ parameters: { operation: 'waitUntilDone', waitOptions: { ...shortWait, maxWaitSeconds: 30, stallTimeoutSeconds: 1 } } },
			],
		});

		const error = failureOf(run, WAIT);
		expect(error.message).toMatch(new RegExp(`^Task ${FIRST_TID} has been stuck at 0 % for \\d+\\.\\d s`));
		expect(error.description).toContain('Stall Timeout');
		expect(emulator.counters.tasksOpen).toBe(0);
	});

	test('Get Top Threats deletes the task', async () => {
		emulator.setTaskDuration(10_000);

		const run = await runIoc({ credential: apiKeyCredential(emulator), steps: [{ parameters: { ...getTopThreats, waitOptions: shortWait } }] });

		expect(failureOf(run).message).toContain(`Task ${FIRST_TID} was still at`);
		expect(emulator.counters.tasksDeleted).toBe(1);
		expect(emulator.counters.tasksOpen).toBe(0);
	});
});

describe('cancellation', () => {
	test('stops Wait Until Done and deletes the task', async () => {
		emulator.setTaskDuration(20_000);
		const startedAt = Date.now();
		const running = startIoc({
			credential: passwordCredential(emulator),
			steps: [{ parameters: createTask }, { parameters: { operation: 'waitUntilDone', waitOptions: { maxWaitSeconds: 60 } } }],
		});
		await waitFor(() => emulator.counters.fetches >= 1, 'Wait Until Done polled once');

		running.cancel();
		const run = await running.result;

		expect(run.status).toBe('canceled');
		expect(Date.now() - startedAt).toBeLessThan(5000);
		expect(run.output(WAIT)).toEqual([]);
		await waitFor(() => emulator.counters.tasksDeleted === 1, 'the task was deleted');
		expect(emulator.counters.tasksOpen).toBe(0);
		await waitFor(() => emulator.counters.openSessions === 0, 'the node logged out');
		expect(emulator.counters.logouts).toBe(emulator.counters.logins);
	});

	test('stops polling after the cancel', async () => {
		emulator.setTaskDuration(20_000);
		const running = startIoc({
			credential: apiKeyCredential(emulator),
			steps: [
				{ parameters: createTask },
				{ parameters: { operation: 'waitUntilDone', waitOptions: { minPollIntervalMs: 50, maxPollIntervalSeconds: 0.1 } } },
			],
		});
		await waitFor(() => emulator.counters.fetches >= 2, 'Wait Until Done polled twice');

		running.cancel();
		await running.result;
		await waitFor(() => emulator.counters.tasksDeleted === 1, 'the task was deleted');

		// The delete must be the node's last request, because a poll after it would ask for an unknown tid.
		const afterDelete = emulator.requests.slice(emulator.requests.findIndex((request) => request.method === 'delete') + 1);
		expect(afterDelete).toEqual([]);
	});
});

test('no secret in any run', () => {
	expect(recordedRuns.length).toBeGreaterThan(0);
	expect(leakedSecrets(recordedRuns.join('\n'))).toEqual([]);
});
