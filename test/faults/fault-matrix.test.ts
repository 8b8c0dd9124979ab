/**
 * The fault matrix: each fault the emulator can script, met by the IOC Top Threats node running in n8n-core's
 * engine. Every test checks what the node did (recovered, or failed with the error that names what failed) and
 * that it left no session, task or connection open, also when it gave up. The last test scans everything the
 * matrix showed (items, errors, stacks and log lines) for the credentials and every session id the emulator issued.
 * docs/fault-matrix.md lists the faults and the test that covers each one.
 */
import type { ExecutionError, ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import {
	DEFAULT_API_KEY,
	DEFAULT_PASSWORD,
	type Fault,
	type FaultRule,
	FIRST_TID,
	RESTRICTED_PASSWORD,
	RESTRICTED_USERNAME,
	type RunningEmulator,
	startEmulator,
} from '../emulator';
import type { WorkflowRun } from '../engine/harness';
import {
	type Auth,
	CANCEL_TASK,
	CREATE_TASK,
	credentialFor,
	errorKindOf,
	FAST_WAIT,
	FETCH_RESULTS,
	fetchResultsWorkflow,
	type FaultRun,
	GET_TOP_THREATS,
	getTopThreatsWorkflow,
	leftoversOf,
	nodeErrorOf,
	RUN_URL,
	runAgainst,
	summaryThreats,
	TASK_URL,
	threatRows,
	visibleText,
	WAIT_UNTIL_DONE,
	waitUntilDoneWorkflow,
	type WorkflowOptions,
} from './workflows';

const TID = FIRST_TID;

const WRONG_PASSWORD = 'wrong-password-1a2b3c4d';

const WRONG_API_KEY = 'wrong-api-key-0f9e8d7c6b5a';

/** Everything the matrix showed, for the secret scan at the end. */
const shownText: string[] = [];

/** Every session id any emulator of the matrix issued. */
const issuedSessionIds: string[] = [];

const emulators: RunningEmulator[] = [];

async function emulatorWith(faults: FaultRule[] = [], taskDurationMs = 300): Promise<RunningEmulator> {
	const emulator = await startEmulator({ taskDurationMs });
	emulators.push(emulator);
	for (const fault of faults) emulator.injectFault(fault);

	return emulator;
}

afterEach(async () => {
	for (const emulator of emulators.splice(0)) {
		issuedSessionIds.push(...emulator.issuedSessions.map((session) => session.id));
		await emulator.stop();
	}
});

/** The complete rows of a fault-free run, per ADOM, to compare recovered runs against. */
const reference: Record<string, IDataObject[]> = {};

beforeAll(async () => {
	const emulator = await startEmulator({ taskDurationMs: 0 });
	try {
		for (const adom of ['root', 'legacy']) {
			const { run } = await runAgainst(getTopThreatsWorkflow(), credentialFor(emulator, 'apiKey', { adom }));
			reference[adom] = threatRows(run.output(GET_TOP_THREATS).map((item) => item.json));
		}
	} finally {
		await emulator.stop();
	}
});

type Operation = 'getTopThreats' | 'waitUntilDone';

interface Case extends WorkflowOptions {
	operation: Operation;
	auth: Auth;
	faults?: FaultRule[];
	/** Credential fields that replace the defaults, e.g. a short `timeout`. */
	credential?: ICredentialDataDecryptedObject;
	taskDurationMs?: number;
}

interface CaseResult extends FaultRun {
	emulator: RunningEmulator;
	endpoint: string;
}

async function runCase(testCase: Case): Promise<CaseResult> {
	const emulator = await emulatorWith(testCase.faults, testCase.taskDurationMs);
	const workflow = testCase.operation === 'getTopThreats' ? getTopThreatsWorkflow(testCase) : waitUntilDoneWorkflow(testCase);
	const result = await runAgainst(workflow, credentialFor(emulator, testCase.auth, testCase.credential));
	shownText.push(visibleText(result));

	return { ...result, emulator, endpoint: `${emulator.url}/jsonrpc` };
}

function fault(match: FaultRule['match'], faultKind: Fault, times = 1): FaultRule {
	return { match, times, fault: faultKind };
}

const POLL = { method: 'get', url: TASK_URL };
const CREATE = { method: 'add', url: RUN_URL };
const LOGIN = { url: '/sys/login/user' };

/** Returns the threats a run emitted: Get Top Threats' items, or the threats of Wait Until Done's summary item. */
function threatsOf(run: WorkflowRun, operation: Operation = 'getTopThreats'): IDataObject[] {
	if (operation === 'waitUntilDone') return summaryThreats(run);

	return threatRows(run.output(GET_TOP_THREATS).map((item) => item.json));
}

/** Checks that an error message names each part, one assert per part so a failure names the missing one. */
function expectMessageNames(error: ExecutionError, parts: string[]): void {
	for (const part of parts) expect(error.message).toContain(part);
}

/** Checks that nothing is left open: every session logged out, every task deleted, every socket closed. */
async function expectNothingLeftOpen(emulator: RunningEmulator, sessionsMadeStale = 0): Promise<void> {
	const leftovers = await leftoversOf(emulator);

	expect(leftovers.openSessions).toBe(0);
	expect(leftovers.sessionsWithoutLogout).toBe(sessionsMadeStale);
	expect(emulator.counters.openSessions).toBe(0);
	expect(emulator.counters.logins).toBe(emulator.counters.logouts + sessionsMadeStale);
	expect(leftovers.tasksOpen).toBe(0);
	expect(leftovers.openConnections).toBe(0);
}

describe('stale session and login', () => {
	test.each<Operation>(['getTopThreats', 'waitUntilDone'])('%s: stale session mid-poll logs in again', async (operation) => {
		const { run, emulator } = await runCase({
			operation,
			auth: 'password',
			faults: [fault(POLL, { kind: 'progress', percentage: 30 }), fault(POLL, { kind: 'expire-sessions' })],
		});

		expect(run.status).toBe('success');
		expect(threatsOf(run, operation)).toEqual(reference.root);
		expect(emulator.issuedSessions.filter((session) => session.endedBy === 'expiry')).toHaveLength(1);
		await expectNothingLeftOpen(emulator, 1);
	});

	test('wrong password fails with -22', async () => {
		const { run, emulator, endpoint } = await runCase({
			operation: 'getTopThreats',
			auth: 'password',
			credential: { password: WRONG_PASSWORD },
		});

		const error = nodeErrorOf(run, GET_TOP_THREATS);
		expect(errorKindOf(error)).toBe('authentication');
		expectMessageNames(error, ['-22', '"Login fail"', '/sys/login/user', endpoint]);
		expect(emulator.counters.failedLogins).toBe(1);
		expect(emulator.counters.tasksCreated).toBe(0);
		await expectNothingLeftOpen(emulator);
	});

	test('login rejected with -22 fails', async () => {
		const { run, emulator, endpoint } = await runCase({
			operation: 'waitUntilDone',
			auth: 'password',
			faults: [fault(LOGIN, { kind: 'status', code: -22, message: 'Login fail', form: 'legacy' })],
		});

		const error = nodeErrorOf(run, CREATE_TASK);
		expect(errorKindOf(error)).toBe('authentication');
		expectMessageNames(error, ['-22', '/sys/login/user', endpoint]);
		expect(run.executedNodes()).not.toContain(WAIT_UNTIL_DONE);
		await expectNothingLeftOpen(emulator);
	});

	test('rejected API key fails with -11', async () => {
		const { run, emulator, endpoint } = await runCase({
			operation: 'getTopThreats',
			auth: 'apiKey',
			credential: { apiKey: WRONG_API_KEY },
		});

		const error = nodeErrorOf(run, GET_TOP_THREATS);
		expect(errorKindOf(error)).toBe('authentication');
		expectMessageNames(error, ['API key', '-11', endpoint]);
		await expectNothingLeftOpen(emulator);
	});

	test('missing permission fails after one fresh login', async () => {
		const { run, emulator, endpoint } = await runCase({
			operation: 'getTopThreats',
			auth: 'password',
			credential: { username: RESTRICTED_USERNAME, password: RESTRICTED_PASSWORD },
		});

		const error = nodeErrorOf(run, GET_TOP_THREATS);
		expect(errorKindOf(error)).toBe('permission');
		expectMessageNames(error, ['-11', '"No permission for the resource"', '/fortiview/adom/root/top-threats/run', endpoint]);
		expect(emulator.counters.logins).toBe(2);
		await expectNothingLeftOpen(emulator);
	});
});

describe('HTTP errors', () => {
	test('502 on a poll is retried', async () => {
		const { run, emulator } = await runCase({
			operation: 'getTopThreats',
			auth: 'apiKey',
			faults: [fault(POLL, { kind: 'http-status', status: 502 })],
		});

		expect(run.status).toBe('success');
		expect(threatsOf(run)).toEqual(reference.root);
		await expectNothingLeftOpen(emulator);
	});

	test('503 on login is retried', async () => {
		const { run, emulator } = await runCase({
			operation: 'getTopThreats',
			auth: 'password',
			faults: [fault(LOGIN, { kind: 'http-status', status: 503 })],
		});

		expect(run.status).toBe('success');
		expect(emulator.counters.logins).toBe(1);
		await expectNothingLeftOpen(emulator);
	});

	test('504 on task creation is not repeated', async () => {
		const { run, emulator, endpoint } = await runCase({
			operation: 'getTopThreats',
			auth: 'apiKey',
			faults: [fault(CREATE, { kind: 'http-status', status: 504 })],
		});

		const error = nodeErrorOf(run, GET_TOP_THREATS);
		expect(errorKindOf(error)).toBe('http');
		expectMessageNames(error, ['HTTP 504', '/fortiview/adom/root/top-threats/run', endpoint]);
		expect(emulator.requests.filter((request) => request.method === 'add')).toHaveLength(1);
		expect(emulator.counters.tasksCreated).toBe(0);
		await expectNothingLeftOpen(emulator);
	});

	test('502 on the delete is retried', async () => {
		const { run, emulator } = await runCase({
			operation: 'getTopThreats',
			auth: 'password',
			faults: [fault({ method: 'delete', url: TASK_URL }, { kind: 'http-status', status: 502 })],
		});

		expect(run.status).toBe('success');
		expect(emulator.requests.filter((request) => request.method === 'delete')).toHaveLength(2);
		await expectNothingLeftOpen(emulator);
	});

	test('503 on every poll fails and cancels the task', async () => {
		const { run, emulator, endpoint } = await runCase({
			operation: 'waitUntilDone',
			auth: 'apiKey',
			faults: [fault(POLL, { kind: 'http-status', status: 503 }, Infinity)],
		});

		const error = nodeErrorOf(run, WAIT_UNTIL_DONE);
		expect(errorKindOf(error)).toBe('http');
		expectMessageNames(error, ['HTTP 503', `/top-threats/run/${TID}`, endpoint]);
		expect(emulator.counters.tasksDeleted).toBe(1);
		await expectNothingLeftOpen(emulator);
	});
});

describe('connection failures', () => {
	test('reset on a poll is retried', async () => {
		const { run, emulator } = await runCase({
			operation: 'getTopThreats',
			auth: 'password',
			faults: [fault(POLL, { kind: 'reset' })],
		});

		expect(run.status).toBe('success');
		expect(threatsOf(run)).toEqual(reference.root);
		await expectNothingLeftOpen(emulator);
	});

	test('reset on task creation fails', async () => {
		const { run, emulator, endpoint } = await runCase({
			operation: 'getTopThreats',
			auth: 'apiKey',
			faults: [fault(CREATE, { kind: 'reset' })],
		});

		const error = nodeErrorOf(run, GET_TOP_THREATS);
		expect(errorKindOf(error)).toBe('connection');
		expectMessageNames(error, ['/fortiview/adom/root/top-threats/run', endpoint]);
		expect(emulator.counters.tasksCreated).toBe(0);
		await expectNothingLeftOpen(emulator);
	});

	test('reset on every poll fails and cancels the task', async () => {
		const { run, emulator, endpoint } = await runCase({
			operation: 'waitUntilDone',
			auth: 'password',
			faults: [fault(POLL, { kind: 'reset' }, Infinity)],
		});

		const error = nodeErrorOf(run, WAIT_UNTIL_DONE);
		expect(errorKindOf(error)).toBe('connection');
		expectMessageNames(error, [`/top-threats/run/${TID}`, endpoint]);
		expect(emulator.counters.tasksDeleted).toBe(1);
		await expectNothingLeftOpen(emulator);
	});
});

describe('slow responses', () => {
	const ONE_SECOND_TIMEOUT = { timeout: 1 };
	const SLOWER_THAN_TIMEOUT: Fault = { kind: 'delay', ms: 1500 };

	test('slow poll is retried', async () => {
		const { run, emulator } = await runCase({
			operation: 'getTopThreats',
			auth: 'apiKey',
			credential: ONE_SECOND_TIMEOUT,
			faults: [fault(POLL, SLOWER_THAN_TIMEOUT)],
		});

		expect(run.status).toBe('success');
		expect(threatsOf(run)).toEqual(reference.root);
		await expectNothingLeftOpen(emulator);
	});

	test('slow task creation fails with a timeout', async () => {
		const { run, emulator, endpoint } = await runCase({
			operation: 'getTopThreats',
			auth: 'password',
			credential: ONE_SECOND_TIMEOUT,
			faults: [fault(CREATE, SLOWER_THAN_TIMEOUT)],
		});

		const error = nodeErrorOf(run, GET_TOP_THREATS);
		expect(errorKindOf(error)).toBe('timeout');
		expectMessageNames(error, ['timed out', '/fortiview/adom/root/top-threats/run', endpoint]);
		expect(emulator.requests.filter((request) => request.method === 'add')).toHaveLength(1);
		await expectNothingLeftOpen(emulator);
	});

	test('slow polls fail and cancel the task', async () => {
		const { run, emulator, endpoint } = await runCase({
			operation: 'waitUntilDone',
			auth: 'apiKey',
			credential: ONE_SECOND_TIMEOUT,
			faults: [fault(POLL, SLOWER_THAN_TIMEOUT, Infinity)],
		});

		const error = nodeErrorOf(run, WAIT_UNTIL_DONE);
		expect(errorKindOf(error)).toBe('timeout');
		expectMessageNames(error, [`/top-threats/run/${TID}`, endpoint]);
		expect(emulator.counters.tasksDeleted).toBe(1);
		await expectNothingLeftOpen(emulator);
	});
});

describe('unreadable responses', () => {
	test('HTML page on a poll fails and deletes the task', async () => {
		const { run, emulator, endpoint } = await runCase({
			operation: 'getTopThreats',
			auth: 'apiKey',
			faults: [fault(POLL, { kind: 'raw', body: '<html><body>Gateway login</body></html>', contentType: 'text/html' })],
		});

		const error = nodeErrorOf(run, GET_TOP_THREATS);
		expect(errorKindOf(error)).toBe('malformed-response');
		expectMessageNames(error, ['not JSON', 'text/html', `/top-threats/run/${TID}`, endpoint]);
		expect(emulator.counters.tasksDeleted).toBe(1);
		await expectNothingLeftOpen(emulator);
	});

	test('truncated JSON fails and cancels the task', async () => {
		const { run, emulator, endpoint } = await runCase({
			operation: 'waitUntilDone',
			auth: 'password',
			faults: [fault(POLL, { kind: 'raw', body: '{"jsonrpc":"2.0","id":3,"result":{"percentage":100,"data":[{"threat":"udp_fl' })],
		});

		const error = nodeErrorOf(run, WAIT_UNTIL_DONE);
		expect(errorKindOf(error)).toBe('malformed-response');
		expectMessageNames(error, ['not JSON', `/top-threats/run/${TID}`, endpoint]);
		expect(emulator.counters.tasksDeleted).toBe(1);
		await expectNothingLeftOpen(emulator);
	});

	test('result as a list fails and deletes the task', async () => {
		const { run, emulator, endpoint } = await runCase({
			operation: 'getTopThreats',
			auth: 'apiKey',
			faults: [fault(POLL, { kind: 'result-form', form: 'list' })],
		});

		const error = nodeErrorOf(run, GET_TOP_THREATS);
		expect(errorKindOf(error)).toBe('malformed-response');
		expectMessageNames(error, [`/top-threats/run/${TID}`, endpoint]);
		expect(emulator.counters.tasksDeleted).toBe(1);
		await expectNothingLeftOpen(emulator);
	});

	test('result as an object fails in the documented shape', async () => {
		const { run, emulator, endpoint } = await runCase({
			operation: 'getTopThreats',
			auth: 'password',
			credential: { adom: 'legacy' },
			faults: [fault(POLL, { kind: 'result-form', form: 'object' })],
		});

		const error = nodeErrorOf(run, GET_TOP_THREATS);
		expect(errorKindOf(error)).toBe('malformed-response');
		expectMessageNames(error, [`/fortiview/adom/legacy/top-threats/run/${TID}`, endpoint]);
		expect(emulator.counters.tasksDeleted).toBe(1);
		await expectNothingLeftOpen(emulator);
	});

	test('status as a plain string fails', async () => {
		const { run, emulator, endpoint } = await runCase({
			operation: 'waitUntilDone',
			auth: 'apiKey',
			faults: [fault(POLL, { kind: 'status-as-string' })],
		});

		const error = nodeErrorOf(run, WAIT_UNTIL_DONE);
		expect(errorKindOf(error)).toBe('malformed-response');
		expectMessageNames(error, ['unreadable result', '"status"', `/top-threats/run/${TID}`, endpoint]);
		expect(emulator.counters.tasksDeleted).toBe(1);
		await expectNothingLeftOpen(emulator);
	});

	test('missing percentage fails instead of guessing', async () => {
		const { run, emulator, endpoint } = await runCase({
			operation: 'getTopThreats',
			auth: 'apiKey',
			faults: [fault(POLL, { kind: 'omit-fields', fields: ['percentage'] })],
		});

		const error = nodeErrorOf(run, GET_TOP_THREATS);
		expect(errorKindOf(error)).toBe('malformed-response');
		expectMessageNames(error, ['percentage', `/top-threats/run/${TID}`, endpoint]);
		expect(emulator.counters.tasksDeleted).toBe(1);
		await expectNothingLeftOpen(emulator);
	});
});

describe('readable variations', () => {
	test.each<Auth>(['apiKey', 'password'])('%s: numbers as strings become numbers', async (auth) => {
		const { run, emulator } = await runCase({
			operation: 'getTopThreats',
			auth,
			credential: { adom: 'legacy' },
			faults: [fault(undefined, { kind: 'numbers-as-strings' }, Infinity)],
		});

		expect(run.status).toBe('success');
		expect(threatsOf(run)).toEqual(reference.legacy);
		await expectNothingLeftOpen(emulator);
	});

	test('apiver-3 numbers as strings are read', async () => {
		const { run, emulator } = await runCase({
			operation: 'waitUntilDone',
			auth: 'password',
			faults: [fault(POLL, { kind: 'numbers-as-strings' }, Infinity)],
		});

		expect(run.status).toBe('success');
		expect(threatsOf(run, 'waitUntilDone')).toEqual(reference.root);
		await expectNothingLeftOpen(emulator);
	});

	test('documented shape without percentage uses its status', async () => {
		const { run, emulator } = await runCase({
			operation: 'getTopThreats',
			auth: 'apiKey',
			credential: { adom: 'legacy' },
			faults: [fault(POLL, { kind: 'omit-fields', fields: ['percentage'] }, Infinity)],
		});

		expect(run.status).toBe('success');
		expect(threatsOf(run)).toEqual(reference.legacy);
		await expectNothingLeftOpen(emulator);
	});
});

describe('progress', () => {
	test.each<[Operation, Auth]>([
		['getTopThreats', 'apiKey'],
		['waitUntilDone', 'password'],
	])('%s: rows before 100 %% are not reported', async (operation, auth) => {
		const { run, emulator } = await runCase({
			operation,
			auth,
			faults: [fault(POLL, { kind: 'progress', percentage: 20 }), fault(POLL, { kind: 'progress', percentage: 70 })],
		});

		expect(run.status).toBe('success');
		expect(threatsOf(run, operation)).toEqual(reference.root);
		expect(emulator.counters.fetches).toBeGreaterThanOrEqual(3);
		await expectNothingLeftOpen(emulator);
	});

	test('fetchResults: rows before 100 % give a status item', async () => {
		const emulator = await emulatorWith([fault(POLL, { kind: 'progress', percentage: 40 })]);
		const result = await runAgainst(fetchResultsWorkflow(), credentialFor(emulator, 'password'));
		shownText.push(visibleText(result));

		expect(result.run.status).toBe('success');
		const statusItems = result.run.output(FETCH_RESULTS).map((item) => item.json);
		expect(statusItems).toEqual([{ tid: TID, adom: 'root', percentage: 40, done: false }]);
		expect(emulator.counters.tasksDeleted).toBe(1);
		await expectNothingLeftOpen(emulator);
	});

	test('100 % with an empty page is not final', async () => {
		const { run, emulator } = await runCase({
			operation: 'getTopThreats',
			auth: 'apiKey',
			faults: [fault(POLL, { kind: 'empty-page' })],
		});

		expect(run.status).toBe('success');
		expect(threatsOf(run)).toEqual(reference.root);
		await expectNothingLeftOpen(emulator);
	});

	test('documented empty page reads as no threats', async () => {
		// NOTE: the documented shape carries no count beside the page, so an early empty page looks like no threats.
		const { run, emulator } = await runCase({
			operation: 'getTopThreats',
			auth: 'apiKey',
			credential: { adom: 'legacy' },
			faults: [fault(POLL, { kind: 'empty-page' })],
		});

		expect(run.status).toBe('success');
		expect(run.output(GET_TOP_THREATS)).toEqual([]);
		await expectNothingLeftOpen(emulator);
	});

	test('stuck task fails as stalled', async () => {
		const { run, emulator } = await runCase({
			operation: 'getTopThreats',
			auth: 'password',
			parameters: { waitOptions: { ...FAST_WAIT, stallTimeoutSeconds: 1 } },
			faults: [fault(POLL, { kind: 'progress', percentage: 42 }, Infinity)],
		});

		const error = nodeErrorOf(run, GET_TOP_THREATS);
		expectMessageNames(error, [`Task ${TID}`, '42 %', 'stuck']);
		expect(run.output(GET_TOP_THREATS)).toEqual([]);
		expect(emulator.counters.tasksDeleted).toBe(1);
		await expectNothingLeftOpen(emulator);
	});

	test('slow task hits the deadline and is cancelled', async () => {
		const { run, emulator } = await runCase({
			operation: 'waitUntilDone',
			auth: 'apiKey',
			parameters: { waitOptions: { maxWaitSeconds: 1, minPollIntervalMs: 50, maxPollIntervalSeconds: 0.2 } },
			taskDurationMs: 60_000,
		});

		const error = nodeErrorOf(run, WAIT_UNTIL_DONE);
		expectMessageNames(error, [`Task ${TID}`, 'deadline']);
		expect(run.executedNodes()).not.toContain(CANCEL_TASK);
		expect(emulator.counters.tasksDeleted).toBe(1);
		await expectNothingLeftOpen(emulator);
	});
});

describe('task lifecycle', () => {
	test('unknown tid fails with task not found', async () => {
		const { run, emulator, endpoint } = await runCase({ operation: 'waitUntilDone', auth: 'apiKey', tid: 999_999 });

		const error = nodeErrorOf(run, WAIT_UNTIL_DONE);
		expect(errorKindOf(error)).toBe('task-not-found');
		expectMessageNames(error, ['999999', '-32005', '"Invalid tid 999999 for fetching result."', endpoint]);
		await expectNothingLeftOpen(emulator);
	});

	test('task expired mid-poll fails with task not found', async () => {
		const { run, logger, emulator, endpoint } = await runCase({
			operation: 'getTopThreats',
			auth: 'password',
			faults: [fault(POLL, { kind: 'progress', percentage: 50 }), fault(POLL, { kind: 'expire-tasks' })],
		});

		const error = nodeErrorOf(run, GET_TOP_THREATS);
		expect(errorKindOf(error)).toBe('task-not-found');
		expectMessageNames(error, [String(TID), '-32005', endpoint]);
		expect(logger.messages('warn')).toContain(`Could not delete FortiAnalyzer task ${TID}`);
		await expectNothingLeftOpen(emulator);
	});

	const NO_SLOT: Fault = { kind: 'status', code: -32000, message: 'No available slot for a new task', form: 'error' };

	test('busy FortiAnalyzer is asked again', async () => {
		const { run, emulator } = await runCase({
			operation: 'getTopThreats',
			auth: 'apiKey',
			faults: [fault(CREATE, NO_SLOT, 2)],
		});

		expect(run.status).toBe('success');
		expect(emulator.requests.filter((request) => request.method === 'add')).toHaveLength(3);
		expect(emulator.counters.tasksCreated).toBe(1);
		await expectNothingLeftOpen(emulator);
	});

	test('lasting back-pressure fails as busy', async () => {
		const { run, emulator, endpoint } = await runCase({
			operation: 'getTopThreats',
			auth: 'password',
			faults: [fault(CREATE, NO_SLOT, Infinity)],
		});

		const error = nodeErrorOf(run, GET_TOP_THREATS);
		expect(errorKindOf(error)).toBe('busy');
		expectMessageNames(error, ['-32000', '"No available slot for a new task"', endpoint]);
		expect(emulator.counters.tasksCreated).toBe(0);
		await expectNothingLeftOpen(emulator);
	});
});

describe('FortiAnalyzer errors', () => {
	test('JSON-RPC error on a poll fails and deletes the task', async () => {
		const { run, emulator, endpoint } = await runCase({
			operation: 'getTopThreats',
			auth: 'apiKey',
			faults: [fault(POLL, { kind: 'status', code: -32603, message: 'Internal error', form: 'error' })],
		});

		const error = nodeErrorOf(run, GET_TOP_THREATS);
		expect(errorKindOf(error)).toBe('api');
		expectMessageNames(error, ['-32603', '"Internal error"', `/top-threats/run/${TID}`, endpoint]);
		expect(emulator.counters.tasksDeleted).toBe(1);
		await expectNothingLeftOpen(emulator);
	});

	test('unknown filter field fails at creation', async () => {
		const { run, emulator, endpoint } = await runCase({
			operation: 'getTopThreats',
			auth: 'password',
			parameters: { queryOptions: { filter: 'definitelynotafield==1' } },
		});

		const error = nodeErrorOf(run, GET_TOP_THREATS);
		expect(errorKindOf(error)).toBe('api');
		expectMessageNames(error, ["filter 'definitelynotafield' not supported", '/fortiview/adom/root/top-threats/run', endpoint]);
		expect(emulator.counters.tasksCreated).toBe(0);
		await expectNothingLeftOpen(emulator);
	});

	const MISSING_COLUMN: Fault = {
		kind: 'status',
		code: -32000,
		message: "Server error: Missing columns: 'threatweight'",
		form: 'error',
	};

	test('sort column FortiAnalyzer lacks fails at creation', async () => {
		const { run, emulator, endpoint } = await runCase({
			operation: 'waitUntilDone',
			auth: 'apiKey',
			faults: [fault(CREATE, MISSING_COLUMN)],
		});

		const error = nodeErrorOf(run, CREATE_TASK);
		expect(errorKindOf(error)).toBe('api');
		expectMessageNames(error, ["Missing columns: 'threatweight'", '-32000', endpoint]);
		await expectNothingLeftOpen(emulator);
	});

	test('unknown sort column fails before any request', async () => {
		const { run, emulator } = await runCase({
			operation: 'getTopThreats',
			auth: 'password',
			parameters: { queryOptions: { sortBy: 'notacolumn' } },
		});

		const error = nodeErrorOf(run, GET_TOP_THREATS);
		expectMessageNames(error, ['Invalid Sort By', '"notacolumn"']);
		expect(emulator.counters.requests).toBe(0);
		await expectNothingLeftOpen(emulator);
	});
});

describe('several items', () => {
	test('Create Task failure releases the other tasks', async () => {
		const { run, emulator } = await runCase({
			operation: 'waitUntilDone',
			auth: 'password',
			inputItems: [{ request: 1 }, { request: 2 }],
			faults: [fault(CREATE, { kind: 'http-status', status: 504 })],
		});

		expect(errorKindOf(nodeErrorOf(run, CREATE_TASK))).toBe('http');
		expect(emulator.counters.tasksCreated).toBe(1);
		expect(emulator.counters.tasksDeleted).toBe(1);
		await expectNothingLeftOpen(emulator);
	});

	test('Wait Until Done failure releases finished tasks', async () => {
		const { run, emulator } = await runCase({
			operation: 'waitUntilDone',
			auth: 'apiKey',
			inputItems: [{ request: 1 }, { request: 2 }],
			faults: [fault(POLL, { kind: 'status', code: -32603, message: 'Internal error', form: 'error' })],
		});

		expect(errorKindOf(nodeErrorOf(run, WAIT_UNTIL_DONE))).toBe('api');
		expect(run.executedNodes()).not.toContain(CANCEL_TASK);
		expect(emulator.counters.tasksCreated).toBe(2);
		expect(emulator.counters.tasksDeleted).toBe(2);
		await expectNothingLeftOpen(emulator);
	});
});

describe('continue on fail', () => {
	test('failed item becomes an error item and the next runs', async () => {
		const { run, emulator, endpoint } = await runCase({
			operation: 'getTopThreats',
			auth: 'password',
			continueOnFail: true,
			inputItems: [{ request: 1 }, { request: 2 }],
			faults: [fault(CREATE, { kind: 'http-status', status: 502 })],
		});

		expect(run.status).toBe('success');
		const items = run.output(GET_TOP_THREATS);
		const errorItems = items.filter((item) => item.json.error !== undefined);
		const threatItems = items.filter((item) => item.json.error === undefined);
		expect(errorItems).toHaveLength(1);
		expect(errorItems[0].json).toMatchObject({ kind: 'http', httpStatus: 502, endpoint });
		expect(errorItems[0].json.apiUrl).toBe('/fortiview/adom/root/top-threats/run');
		// The two items run in parallel, so either one may meet the fault; the other one gets every threat.
		const failedItem = (errorItems[0].pairedItem as { item: number }).item;
		expect(new Set(threatItems.map((item) => (item.pairedItem as { item: number }).item))).toEqual(new Set([1 - failedItem]));
		expect(threatRows(threatItems.map((item) => item.json))).toEqual(reference.root);
		expect(emulator.counters.logins).toBe(1);
		await expectNothingLeftOpen(emulator);
	});

	test('error item names the tid', async () => {
		const { run, emulator } = await runCase({
			operation: 'waitUntilDone',
			auth: 'apiKey',
			continueOnFail: true,
			withoutCancelTask: true,
			faults: [fault(POLL, { kind: 'raw', body: '<html>Service Unavailable</html>', contentType: 'text/html' })],
		});

		const [errorItem] = run.output(WAIT_UNTIL_DONE);
		expect(errorItem.json).toMatchObject({ kind: 'malformed-response', tid: TID });
		expect(errorItem.json.apiUrl).toBe(`/fortiview/adom/root/top-threats/run/${TID}`);
		expect(emulator.counters.tasksDeleted).toBe(1);
		await expectNothingLeftOpen(emulator);
	});
});

test('no output contains a secret', () => {
	expect(shownText.length).toBeGreaterThan(30);
	expect(issuedSessionIds.length).toBeGreaterThan(10);

	const text = shownText.join('\n');
	const secrets = [DEFAULT_API_KEY, DEFAULT_PASSWORD, RESTRICTED_PASSWORD, WRONG_PASSWORD, WRONG_API_KEY, ...issuedSessionIds];
	const leaked = secrets.filter((secret) => text.includes(secret));
	expect(leaked).toEqual([]);
});
