import { sleepWithAbort } from 'n8n-workflow';

import {
	CancelledError,
	formatSeconds,
	type Sleep,
	waitForTask,
	type WaitProgress,
	WaitTimeoutError,
} from '../../nodes/FortiAnalyzer/client';
import {
	apiKeyAuth,
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

/** `sleepWithAbort` that counts its calls and can run a step as each sleep starts. */
function countingSleep(onSleep: (sleeps: number) => void = () => {}): Sleep & { calls: number } {
	const sleep = Object.assign(
		(ms: number, signal?: AbortSignal) => {
			sleep.calls++;
			const sleeping = sleepWithAbort(ms, signal);
			onSleep(sleep.calls);
			return sleeping;
		},
		{ calls: 0 },
	);

	return sleep;
}

async function startTask(adom: string, taskDurationMs: number) {
	const emulator = await startTestEmulator({ taskDurationMs });
	const client = createClient(connectionSettings(emulator.url, apiKeyAuth()));
	const tid = await client.createTopThreatsTask(adom, lastDayQuery());

	return { emulator, client, tid };
}

describe('waitForTask', () => {
	test.each(['root', 'legacy'])('reaches done in ADOM %s', async (adom) => {
		const { emulator, client, tid } = await startTask(adom, 400);
		const sleep = countingSleep();
		const progress: Array<WaitProgress & { sleepsBefore: number }> = [];

		const result = await waitForTask(client, adom, tid, {
			maxWaitMs: 20_000,
			minIntervalMs: 20,
			maxIntervalMs: 200,
			sleep,
			onProgress: (update) => progress.push({ ...update, sleepsBefore: sleep.calls }),
		});

		expect(progress[0].sleepsBefore).toBe(0);
		expect(progress[0].polls).toBe(1);
		expect(result.done).toBe(true);
		expect(result.percentage).toBe(100);
		expect(result.tid).toBe(tid);
		expect(result.threats.length).toBeGreaterThan(0);
		expect(result.polls).toBe(progress.length);
		expect(emulator.counters.fetches).toBe(result.polls);
		// Pauses follow the progress rate, so a 0.4 s task takes a handful of polls, not one per 20 ms.
		expect(result.polls).toBeLessThan(20);

		const percentages = progress.map((update) => update.percentage);
		for (let i = 1; i < percentages.length; i++) {
			expect(percentages[i]).toBeGreaterThanOrEqual(percentages[i - 1]);
		}
		expect(percentages.at(-1)).toBe(100);
	});

	test('finished task takes one poll', async () => {
		const { client, tid } = await startTask('root', 0);
		const sleep = countingSleep();

		const result = await waitForTask(client, 'root', tid, { maxWaitMs: 5_000, sleep });

		expect(result.done).toBe(true);
		expect(result.polls).toBe(1);
		expect(sleep.calls).toBe(0);
	});

	test('deadline is WaitTimeoutError', async () => {
		const { client, tid } = await startTask('root', 60_000);
		const maxWaitMs = 300;
		const progress: WaitProgress[] = [];

		const error = await rejectionOf(
			waitForTask(client, 'root', tid, {
				maxWaitMs,
				minIntervalMs: 50,
				maxIntervalMs: 100,
				sleep: sleepWithAbort,
				onProgress: (update) => progress.push(update),
			}),
		);

		expect(error).toBeInstanceOf(WaitTimeoutError);
		const timeout = error as WaitTimeoutError;
		const last = progress.at(-1);
		expect(timeout.context.tid).toBe(tid);
		expect(timeout.lastPercentage).toBe(last?.percentage);
		expect(timeout.lastPercentage).toBeLessThan(100);
		expect(timeout.elapsedMs).toBe(last?.elapsedMs);
		expect(timeout.elapsedMs).toBeGreaterThanOrEqual(maxWaitMs);
		expect(timeout.elapsedMs).toBeLessThan(maxWaitMs + 2_000);
		expect(timeout.message).toContain(`Task ${tid}`);
		expect(timeout.message).toContain(`${timeout.lastPercentage} %`);
		expect(timeout.message).toContain(formatSeconds(timeout.elapsedMs));
		expect(timeout.hint).toEqual(expect.any(String));
	});

	test('abort during a pause is CancelledError', async () => {
		const taskDurationMs = 5_000;
		const { emulator, client, tid } = await startTask('root', taskDurationMs);
		const controller = new AbortController();
		const sleep = countingSleep(() => controller.abort());

		const startedAt = Date.now();
		const error = await rejectionOf(
			waitForTask(client, 'root', tid, { maxWaitMs: 60_000, minIntervalMs: 4_000, sleep, signal: controller.signal }),
		);
		const tookMs = Date.now() - startedAt;

		expect(error).toBeInstanceOf(CancelledError);
		expect(error.message).toContain(String(tid));
		expect(sleep.calls).toBe(1);
		expect(emulator.counters.fetches).toBe(1);
		expect(tookMs).toBeLessThan(taskDurationMs / 5);
	});

	test('abort during a fetch is CancelledError', async () => {
		const taskDurationMs = 5_000;
		const { emulator, client, tid } = await startTask('root', taskDurationMs);
		emulator.injectFault({ match: { method: 'get' }, fault: { kind: 'delay', ms: 30_000 } });
		const controller = new AbortController();

		const startedAt = Date.now();
		const waiting = rejectionOf(waitForTask(client, 'root', tid, { maxWaitMs: 60_000, sleep: sleepWithAbort, signal: controller.signal }));
		await waitUntil(() => emulator.requests.some((request) => request.method === 'get'), 'the first fetch arrived');
		controller.abort();
		const error = await waiting;

		expect(error).toBeInstanceOf(CancelledError);
		expect(Date.now() - startedAt).toBeLessThan(taskDurationMs / 5);
	});

	test('aborted signal sends no fetch', async () => {
		const { emulator, client, tid } = await startTask('root', 5_000);
		const controller = new AbortController();
		controller.abort();

		const error = await rejectionOf(waitForTask(client, 'root', tid, { maxWaitMs: 60_000, sleep: sleepWithAbort, signal: controller.signal }));

		expect(error).toBeInstanceOf(CancelledError);
		expect(emulator.counters.fetches).toBe(0);
	});

	test('stale session while waiting logs in again', async () => {
		const emulator = await startTestEmulator({ taskDurationMs: 300 });
		const client = createClient(connectionSettings(emulator.url, passwordAuth()));
		const tid = await client.createTopThreatsTask('root', lastDayQuery());

		const result = await waitForTask(client, 'root', tid, {
			maxWaitMs: 20_000,
			minIntervalMs: 20,
			maxIntervalMs: 100,
			sleep: sleepWithAbort,
			onProgress: (update) => {
				if (update.polls === 1) emulator.expireSessions();
			},
		});

		expect(result.done).toBe(true);
		expect(result.polls).toBeGreaterThan(1);
		expect(emulator.counters.logins).toBe(2);
	});
});

test('no error reveals a secret', () => {
	expectNoSecretsInCapturedErrors();
});
