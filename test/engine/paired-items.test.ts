/**
 * Every output item of every operation points at the input item it came from, with several input items
 * made by a Set node and a Split Out node.
 */
import type { IDataObject } from 'n8n-workflow';

import { FIRST_TID, type RunningEmulator, startEmulator } from '../emulator';
import { apiKeyCredential, IOC, jsonOf, leakedSecrets, pairedIndexes, recordedRuns, runIoc } from './ioc-workflow';

const SECOND = `${IOC} 2`;

const ADOMS = [{ adom: 'root' }, { adom: 'soc' }, { adom: 'legacy' }];

const byItemAdom = { adom: '={{ $json.adom }}' };

let emulator: RunningEmulator;

beforeEach(async () => {
	emulator = await startEmulator({ taskDurationMs: 0 });
});

afterEach(async () => {
	await emulator.stop();
});

/** Checks that each output item's `field` equals that of the input item it is paired with. */
function expectPairedBy(output: IDataObject[], paired: Array<number | undefined>, inputs: IDataObject[], field: string): void {
	expect(paired).toHaveLength(output.length);
	output.forEach((item, index) => {
		const input = paired[index];
		expect(input).toBeDefined();
		expect(item[field]).toBe(inputs[input as number][field]);
	});
}

test('Create Task pairs one item per input', async () => {
	const run = await runIoc({ credential: apiKeyCredential(emulator), inputItems: ADOMS, steps: [{ parameters: { operation: 'createTask', ...byItemAdom } }] });

	expect(run.status).toBe('success');
	const output = run.output(IOC);
	expect(pairedIndexes(output)).toEqual([0, 1, 2]);
	expect(jsonOf(output).map((item) => item.adom)).toEqual(['root', 'soc', 'legacy']);
});

test('Get Top Threats pairs threats to their ADOM', async () => {
	const run = await runIoc({ credential: apiKeyCredential(emulator), inputItems: ADOMS, steps: [{ parameters: { operation: 'getTopThreats', ...byItemAdom } }] });

	expect(run.status).toBe('success');
	const output = run.output(IOC);
	const paired = pairedIndexes(output);
	expectPairedBy(jsonOf(output), paired, ADOMS, 'adom');
	expect(new Set(paired)).toEqual(new Set([0, 1, 2]));
	expect(paired).toEqual([...paired].sort());
});

test('Fetch Results pairs status items', async () => {
	emulator.setTaskDuration(60_000);
	const run = await runIoc({
		credential: apiKeyCredential(emulator),
		inputItems: ADOMS,
		steps: [{ parameters: { operation: 'createTask', ...byItemAdom } }, { parameters: { operation: 'fetchResults', ...byItemAdom } }],
	});

	expect(run.status).toBe('success');
	const created = jsonOf(run.output(IOC));
	const output = run.output(SECOND);
	expect(pairedIndexes(output)).toEqual([0, 1, 2]);
	expectPairedBy(jsonOf(output), pairedIndexes(output), created, 'tid');
	expect(jsonOf(output).every((item) => item.done === false)).toBe(true);
});

test('Wait Until Done pairs threats to their task', async () => {
	const run = await runIoc({
		credential: apiKeyCredential(emulator),
		inputItems: ADOMS.slice(0, 2),
		steps: [{ parameters: { operation: 'createTask', ...byItemAdom } }, { parameters: { operation: 'waitUntilDone', ...byItemAdom } }],
	});

	expect(run.status).toBe('success');
	const created = jsonOf(run.output(IOC));
	expect(new Set(created.map((item) => item.tid))).toEqual(new Set([FIRST_TID, FIRST_TID + 1]));
	const output = run.output(SECOND);
	expectPairedBy(jsonOf(output), pairedIndexes(output), created, 'tid');
	expect(new Set(pairedIndexes(output))).toEqual(new Set([0, 1]));
});

test('Cancel Task pairs status items', async () => {
	emulator.setTaskDuration(60_000);
	const run = await runIoc({
		credential: apiKeyCredential(emulator),
		inputItems: ADOMS,
		steps: [{ parameters: { operation: 'createTask', ...byItemAdom } }, { parameters: { operation: 'cancelTask', ...byItemAdom } }],
	});

	expect(run.status).toBe('success');
	const created = jsonOf(run.output(IOC));
	const output = run.output(SECOND);
	expect(pairedIndexes(output)).toEqual([0, 1, 2]);
	expectPairedBy(jsonOf(output), pairedIndexes(output), created, 'tid');
	expect(emulator.counters.tasksOpen).toBe(0);
});

test('parallel items keep input order', async () => {
	const run = await runIoc({
		credential: apiKeyCredential(emulator),
		inputItems: ADOMS,
		steps: [{ parameters: { operation: 'getTopThreats', ...byItemAdom, executionOptions: { parallelItems: 3 } } }],
	});

	expect(run.status).toBe('success');
	const paired = pairedIndexes(run.output(IOC));
	expect(paired).toEqual([...paired].sort());
	expect(new Set(paired)).toEqual(new Set([0, 1, 2]));
	expect(emulator.counters.tasksCreated).toBe(3);
});

test('summary mode pairs one item per input', async () => {
	const run = await runIoc({
		credential: apiKeyCredential(emulator),
		inputItems: ADOMS,
		steps: [{ parameters: { operation: 'getTopThreats', ...byItemAdom, outputOptions: { outputMode: 'summary' } } }],
	});

	expect(run.status).toBe('success');
	const output = run.output(IOC);
	expect(pairedIndexes(output)).toEqual([0, 1, 2]);
	expect(jsonOf(output).map((item) => item.adom)).toEqual(['root', 'soc', 'legacy']);
});

test('no secret in any run', () => {
	expect(recordedRuns.length).toBeGreaterThan(0);
	expect(leakedSecrets(recordedRuns.join('\n'))).toEqual([]);
});
