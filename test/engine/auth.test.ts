/**
 * API key and username/password authentication through the engine: which requests carry what, and that
 * every login of a node execution is paired with a logout, also when the node fails.
 */
import { RESTRICTED_PASSWORD, RESTRICTED_USERNAME, type RunningEmulator, startEmulator } from '../emulator';
import {
	apiKeyCredential,
	IOC,
	jsonOf,
	leakedSecrets,
	passwordCredential,
	recordedRuns,
	runIoc,
	startIoc,
	waitFor,
	WRONG_PASSWORD,
} from './ioc-workflow';

let emulator: RunningEmulator;

beforeEach(async () => {
	emulator = await startEmulator({ taskDurationMs: 300 });
});

afterEach(async () => {
	await emulator.stop();
});

const getTopThreats = { operation: 'getTopThreats', adom: '={{ $json.adom }}' };

describe('API key', () => {
	test('sends the key, never logs in', async () => {
		const run = await runIoc({ credential: apiKeyCredential(emulator), steps: [{ parameters: { operation: 'getTopThreats' } }] });

		expect(run.status).toBe('success');
		expect(run.output(IOC).length).toBeGreaterThan(1);
		expect(emulator.counters.logins).toBe(0);
		expect(emulator.counters.logouts).toBe(0);
		expect(emulator.requests.length).toBeGreaterThan(2);
		expect(emulator.requests.filter((request) => request.auth !== 'apiKey')).toEqual([]);
	});
});

describe('username and password', () => {
	test('one login and one logout', async () => {
		const run = await runIoc({ credential: passwordCredential(emulator), steps: [{ parameters: { operation: 'getTopThreats' } }] });

		expect(run.status).toBe('success');
		expect(run.output(IOC).length).toBeGreaterThan(1);
		expect(emulator.counters.logins).toBe(1);
		expect(emulator.counters.logouts).toBe(1);
		expect(emulator.counters.openSessions).toBe(0);
	});

	test('requests carry the session', async () => {
		await runIoc({ credential: passwordCredential(emulator), steps: [{ parameters: { operation: 'getTopThreats' } }] });

		const methods = emulator.requests.map((request) => `${request.method} ${request.url}`);
		expect(methods[0]).toBe('exec /sys/login/user');
		expect(methods.at(-1)).toBe('exec /sys/logout');
		expect(emulator.requests.slice(1).filter((request) => request.auth !== 'session')).toEqual([]);
	});

	test('input items share one login', async () => {
		const run = await runIoc({
			credential: passwordCredential(emulator),
			inputItems: [{ adom: 'root' }, { adom: 'soc' }, { adom: 'legacy' }],
			steps: [{ parameters: getTopThreats }],
		});

		expect(run.status).toBe('success');
		expect(new Set(jsonOf(run.output(IOC)).map((threat) => threat.adom))).toEqual(new Set(['root', 'soc', 'legacy']));
		expect(emulator.counters.tasksCreated).toBe(3);
		expect(emulator.counters.logins).toBe(1);
		expect(emulator.counters.logouts).toBe(1);
		expect(emulator.counters.openSessions).toBe(0);
	});

	test('each node execution logs in once', async () => {
		const run = await runIoc({
			credential: passwordCredential(emulator),
			steps: [{ parameters: { operation: 'createTask' } }, { parameters: { operation: 'waitUntilDone' } }],
		});

		expect(run.status).toBe('success');
		expect(emulator.counters.logins).toBe(2);
		expect(emulator.counters.logouts).toBe(2);
		expect(emulator.counters.openSessions).toBe(0);
	});

	test('logs out when the node fails', async () => {
		const run = await runIoc({
			credential: passwordCredential(emulator),
			steps: [{ parameters: { operation: 'fetchResults', tid: '999999' } }],
		});

		expect(run.status).toBe('error');
		expect(run.nodeError(IOC)?.message).toContain('999999');
		expect(emulator.counters.logins).toBe(1);
		expect(emulator.counters.logouts).toBe(1);
		expect(emulator.counters.openSessions).toBe(0);
	});

	test('logs out under continue-on-fail', async () => {
		const run = await runIoc({
			credential: passwordCredential(emulator),
			inputItems: [{ tid: 999999 }, { tid: 999998 }],
			steps: [{ parameters: { operation: 'fetchResults' }, settings: { onError: 'continueRegularOutput' } }],
		});

		expect(run.status).toBe('success');
		expect(jsonOf(run.output(IOC)).map((item) => item.tid)).toEqual([999999, 999998]);
		expect(emulator.counters.logins).toBe(1);
		expect(emulator.counters.logouts).toBe(1);
		expect(emulator.counters.openSessions).toBe(0);
	});

	test('logs in again on a stale session', async () => {
		// The delay keeps the create request waiting on the emulator until its session has been expired.
		emulator.injectFault({ match: { method: 'add' }, fault: { kind: 'delay', ms: 1000 } });
		const running = startIoc({ credential: passwordCredential(emulator), steps: [{ parameters: { operation: 'getTopThreats' } }] });
		await waitFor(() => emulator.requests.some((request) => request.method === 'add'), 'the create request arrived');
		emulator.expireSessions();

		const run = await running.result;

		expect(run.status).toBe('success');
		expect(run.output(IOC).length).toBeGreaterThan(1);
		expect(emulator.counters.logins).toBe(2);
		expect(emulator.counters.tasksCreated).toBe(1);
		expect(emulator.counters.tasksOpen).toBe(0);
		expect(emulator.counters.logouts).toBe(1);
		expect(emulator.counters.openSessions).toBe(0);
	});

	test('bad password sends nothing else', async () => {
		const run = await runIoc({
			credential: passwordCredential(emulator, { password: WRONG_PASSWORD }),
			steps: [{ parameters: { operation: 'getTopThreats' } }],
		});

		expect(run.status).toBe('error');
		expect(emulator.counters.failedLogins).toBe(1);
		expect(emulator.counters.logins).toBe(0);
		expect(emulator.counters.tasksCreated).toBe(0);
		expect(emulator.requests.map((request) => request.url)).toEqual(['/sys/login/user']);
	});

	test('user without permission leaves no session open', async () => {
		const run = await runIoc({
			credential: passwordCredential(emulator, { username: RESTRICTED_USERNAME, password: RESTRICTED_PASSWORD }),
			steps: [{ parameters: { operation: 'getTopThreats' } }],
		});

		expect(run.status).toBe('error');
		expect(run.nodeError(IOC)?.message).toContain('-11');
		expect(emulator.counters.logouts).toBe(emulator.counters.logins);
		expect(emulator.counters.openSessions).toBe(0);
	});
});

test('no secret in any run', () => {
	expect(recordedRuns.length).toBeGreaterThan(0);
	expect(leakedSecrets(recordedRuns.join('\n'))).toEqual([]);
});
