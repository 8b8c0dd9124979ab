/**
 * Wait Until Done and Get Top Threats report how long FortiAnalyzer took (`taskDurationMs`) and log the wait's
 * progress through n8n's logger.
 */
import { type RunningEmulator, startEmulator } from '../emulator';
import { apiKeyCredential, IOC, jsonOf, runIoc } from './ioc-workflow';
import { createMemoryLogger } from './logging';

const TASK_DURATION_MS = 600;

const fastPolls = { minPollIntervalMs: 50, maxPollIntervalSeconds: 0.2 };

let emulator: RunningEmulator;

beforeEach(async () => {
	emulator = await startEmulator({ taskDurationMs: TASK_DURATION_MS });
});

afterEach(async () => {
	await emulator.stop();
});

function expectTaskDuration(value: unknown): void {
	expect(typeof value).toBe('number');
	// The first poll comes right after the create call, so the measured time is close to the emulator's duration.
	expect(value).toBeGreaterThanOrEqual(TASK_DURATION_MS - 100);
	expect(value).toBeLessThan(TASK_DURATION_MS + 5_000);
}

test('Get Top Threats items carry taskDurationMs', async () => {
	const run = await runIoc({
		credential: apiKeyCredential(emulator),
		steps: [{ parameters: { operation: 'getTopThreats', limit: 5, waitOptions: fastPolls } }],
	});

	expect(run.status).toBe('success');
	const items = jsonOf(run.output(IOC));
	expect(items).toHaveLength(5);
	expectTaskDuration(items[0].taskDurationMs);
	expect(new Set(items.map((item) => item.taskDurationMs)).size).toBe(1);
});

test('Wait Until Done items carry taskDurationMs', async () => {
	const run = await runIoc({
		credential: apiKeyCredential(emulator),
		steps: [
			{ parameters: { operation: 'createTask', limit: 5 } },
			{ parameters: { operation: 'waitUntilDone', waitOptions: fastPolls } },
		],
	});

	expect(run.status).toBe('success');
	const items = jsonOf(run.output(`${IOC} 2`));
	expect(items).toHaveLength(5);
	for (const item of items) expect(typeof item.taskDurationMs).toBe('number');
	expect(items[0].taskDurationMs).toBeLessThan(TASK_DURATION_MS + 5_000);
});

test('summary item carries taskDurationMs', async () => {
	const run = await runIoc({
		credential: apiKeyCredential(emulator),
		steps: [{ parameters: { operation: 'getTopThreats', limit: 5, waitOptions: fastPolls, outputOptions: { outputMode: 'summary' } } }],
	});

	const [summary] = jsonOf(run.output(IOC));
	expectTaskDuration(summary.taskDurationMs);
});

test('Return All sums the page tasks', async () => {
	await emulator.stop();
	emulator = await startEmulator({ taskDurationMs: TASK_DURATION_MS, adoms: ['root', 'bulk'], bulkThreats: { bulk: 1500 } });

	const run = await runIoc({
		credential: apiKeyCredential(emulator),
		steps: [{ parameters: { operation: 'getTopThreats', adom: 'bulk', returnAll: true, waitOptions: fastPolls } }],
	});

	expect(run.status).toBe('success');
	const items = jsonOf(run.output(IOC));
	expect(items).toHaveLength(1500);
	expect(emulator.counters.tasksCreated).toBe(2);
	expect(items[0].taskDurationMs).toBeGreaterThanOrEqual(emulator.counters.tasksCreated * (TASK_DURATION_MS - 100));
});

test('wait logs each poll at debug', async () => {
	const logger = createMemoryLogger();

	await runIoc({
		credential: apiKeyCredential(emulator),
		steps: [{ parameters: { operation: 'getTopThreats', limit: 5, waitOptions: fastPolls } }],
		logger,
	});

	const progress = logger.entries.filter((entry) => /^FortiAnalyzer task \d+ at \d+ % after/.test(entry.message));
	expect(progress.length).toBeGreaterThanOrEqual(2);
	expect(progress.every((entry) => entry.level === 'debug')).toBe(true);
	expect(progress.at(-1)?.metadata).toMatchObject({ adom: 'root', percentage: 100 });
	const done = logger.entries.filter((entry) => /^FortiAnalyzer task \d+ done after/.test(entry.message));
	expect(done.map((entry) => entry.level)).toEqual(['debug']);
});
