import type { RecordedRequest, RunningEmulator } from '../emulator';
import { startEmulator } from '../emulator';
import { IOC, passwordCredential, runIoc } from './ioc-workflow';

const RUN_URL = /\/top-threats\/run$/;
const TASK_URL = /\/top-threats\/run\/\d+$/;

let emulator: RunningEmulator;

beforeEach(async () => {
	emulator = await startEmulator({ taskDurationMs: 600 });
});

afterEach(async () => {
	await emulator.stop();
});

/** Returns the largest number of tasks that existed at once, from the order of creates and deletes. */
function maxOpenTasks(requests: RecordedRequest[]): number {
	let open = 0;
	let max = 0;
	for (const request of requests) {
		if (request.method === 'add' && RUN_URL.test(request.url)) open += 1;
		if (request.method === 'delete' && TASK_URL.test(request.url)) open -= 1;
		max = Math.max(max, open);
	}

	return max;
}

function getTopThreats(parallelItems: number) {
	return {
		credential: passwordCredential(emulator),
		inputItems: [{ index: 0 }, { index: 1 }, { index: 2 }, { index: 3 }],
		steps: [{ parameters: { operation: 'getTopThreats', limit: 5, executionOptions: { parallelItems } } }],
	};
}

test('two parallel items overlap tasks', async () => {
	const run = await runIoc(getTopThreats(2));

	expect(run.status).toBe('success');
	expect(maxOpenTasks(emulator.requests)).toBe(2);
	expect(emulator.counters.tasksCreated).toBe(4);
	expect(emulator.counters.tasksOpen).toBe(0);
	expect(emulator.counters.logins).toBe(1);
	expect(emulator.counters.connections).toBeLessThanOrEqual(2);
	expect(run.output(IOC)).toHaveLength(20);
});

test('one parallel item runs tasks in turn', async () => {
	const run = await runIoc(getTopThreats(1));

	expect(run.status).toBe('success');
	expect(maxOpenTasks(emulator.requests)).toBe(1);
	expect(emulator.counters.tasksCreated).toBe(4);
	expect(emulator.counters.connections).toBe(1);
});
