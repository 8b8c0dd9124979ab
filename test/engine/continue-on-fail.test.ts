/**
 * Continue-on-fail: a failing item becomes an item with `error`, paired with its input item and free of
 * secrets, and the items after it still run.
 */
import type { IDataObject } from 'n8n-workflow';

import { FIRST_TID, type RunningEmulator, startEmulator } from '../emulator';
import {
	apiKeyCredential,
	IOC,
	jsonOf,
	leakedSecrets,
	pairedIndexes,
	passwordCredential,
	recordedRuns,
	runIoc,
	WRONG_API_KEY,
	WRONG_PASSWORD,
} from './ioc-workflow';

const getTopThreats = { operation: 'getTopThreats', adom: '={{ $json.adom }}' };

/** A valid ADOM, an invalid name, an unknown ADOM, and a valid ADOM again. */
const MIXED_ADOMS = [{ adom: 'root' }, { adom: 'no/such' }, { adom: 'nosuch' }, { adom: 'legacy' }];

let emulator: RunningEmulator;

beforeEach(async () => {
	emulator = await startEmulator({ taskDurationMs: 0 });
});

afterEach(async () => {
	await emulator.stop();
});

/** Returns the output items paired with input item `index`. */
function itemsFor(output: IDataObject[], paired: Array<number | undefined>, index: number): IDataObject[] {
	return output.filter((_, position) => paired[position] === index);
}

describe('onError: continueRegularOutput', () => {
	async function runMixed(): Promise<{ output: IDataObject[]; paired: Array<number | undefined> }> {
		const run = await runIoc({
			credential: apiKeyCredential(emulator),
			inputItems: MIXED_ADOMS,
			steps: [{ parameters: getTopThreats, settings: { onError: 'continueRegularOutput' } }],
		});
		expect(run.status).toBe('success');

		const items = run.output(IOC);
		return { output: jsonOf(items), paired: pairedIndexes(items) };
	}

	test('items around the failures still run', async () => {
		const { output, paired } = await runMixed();

		const first = itemsFor(output, paired, 0);
		const last = itemsFor(output, paired, 3);
		expect(first.length).toBeGreaterThan(1);
		expect(first.every((threat) => threat.adom === 'root' && threat.error === undefined)).toBe(true);
		expect(last.length).toBeGreaterThan(1);
		expect(last.every((threat) => threat.adom === 'legacy' && threat.error === undefined)).toBe(true);
	});

	test('invalid input becomes one error item', async () => {
		const { output, paired } = await runMixed();

		const [item, ...rest] = itemsFor(output, paired, 1);
		expect(rest).toEqual([]);
		expect(item.error).toBe('Invalid ADOM: "no/such" contains characters an ADOM name cannot have');
		expect(item.description).toContain('letters, digits');
		expect(item.kind).toBe('invalid-input');
	});

	test('FortiAnalyzer error becomes one error item', async () => {
		const { output, paired } = await runMixed();

		const [item, ...rest] = itemsFor(output, paired, 2);
		expect(rest).toEqual([]);
		expect(item.error).toContain('FortiAnalyzer code -3 "Object does not exist"');
		expect(item).toMatchObject({
			kind: 'api',
			endpoint: `${emulator.url}/jsonrpc`,
			apiUrl: '/fortiview/adom/nosuch/top-threats/run',
			fortiAnalyzerCode: -3,
			fortiAnalyzerMessage: 'Object does not exist',
		});
	});

	test('failed items leave no task behind', async () => {
		await runMixed();

		expect(emulator.counters.tasksCreated).toBe(2);
		expect(emulator.counters.tasksOpen).toBe(0);
	});

	test('unknown tid item names the tid', async () => {
		emulator.setTaskDuration(60_000);
		const run = await runIoc({
			credential: apiKeyCredential(emulator),
			inputItems: [{ tid: 999999 }, { tid: FIRST_TID }],
			steps: [
				{ parameters: { operation: 'createTask' } },
				{
					parameters: { operation: 'cancelTask', tid: `={{ $('One item each').item.json.tid }}` },
					settings: { onError: 'continueRegularOutput' },
				},
			],
		});

		expect(run.status).toBe('success');
		const output = run.output(`${IOC} 2`);
		expect(pairedIndexes(output)).toEqual([0, 1]);
		const [failed, cancelled] = jsonOf(output);
		expect(failed).toMatchObject({ tid: 999999, kind: 'task-not-found', fortiAnalyzerCode: -32005 });
		expect(failed.error).toContain('FortiAnalyzer does not know task 999999');
		expect(cancelled).toEqual({ tid: FIRST_TID, adom: 'root', cancelled: true });
	});
});

describe('continueOnFail: true', () => {
	test('behaves as continueRegularOutput', async () => {
		const run = await runIoc({
			credential: apiKeyCredential(emulator),
			inputItems: MIXED_ADOMS,
			steps: [{ parameters: getTopThreats, settings: { continueOnFail: true } }],
		});

		expect(run.status).toBe('success');
		const output = jsonOf(run.output(IOC));
		const paired = pairedIndexes(run.output(IOC));
		expect(itemsFor(output, paired, 1).map((item) => item.kind)).toEqual(['invalid-input']);
		expect(itemsFor(output, paired, 2).map((item) => item.kind)).toEqual(['api']);
		expect(itemsFor(output, paired, 3).length).toBeGreaterThan(1);
	});
});

describe('onError: continueErrorOutput', () => {
	test('error items go to the error output', async () => {
		const run = await runIoc({
			credential: apiKeyCredential(emulator),
			inputItems: MIXED_ADOMS,
			steps: [{ parameters: getTopThreats, settings: { onError: 'continueErrorOutput' } }],
		});

		expect(run.status).toBe('success');
		const success = jsonOf(run.output(IOC, 0));
		const errors = jsonOf(run.output(IOC, 1));
		// n8n-core reduces an error-output item's json to the message and keeps the full error beside it.
		expect(errors.map((item) => item.error)).toEqual([
			expect.stringContaining('Invalid ADOM: "no/such"'),
			expect.stringContaining('FortiAnalyzer code -3 "Object does not exist"'),
		]);
		expect(run.output(IOC, 1).map((item) => item.error?.name)).toEqual(['NodeOperationError', 'NodeApiError']);
		expect(pairedIndexes(run.output(IOC, 1))).toEqual([1, 2]);
		expect(success.length).toBeGreaterThan(2);
		expect(success.every((item) => item.error === undefined)).toBe(true);
	});
});

describe('failures before the first item', () => {
	test('bad Base URL fails every item', async () => {
		const run = await runIoc({
			credential: apiKeyCredential(emulator, { baseUrl: 'not a url' }),
			inputItems: MIXED_ADOMS.slice(0, 2),
			steps: [{ parameters: getTopThreats, settings: { onError: 'continueRegularOutput' } }],
		});

		expect(run.status).toBe('success');
		const output = run.output(IOC);
		expect(pairedIndexes(output)).toEqual([0, 1]);
		expect(jsonOf(output).map((item) => item.error)).toEqual([
			'Invalid Base URL: "not a url" is not a URL',
			'Invalid Base URL: "not a url" is not a URL',
		]);
	});

	test('bad password fails every item without the password', async () => {
		const run = await runIoc({
			credential: passwordCredential(emulator, { password: WRONG_PASSWORD }),
			inputItems: MIXED_ADOMS.slice(0, 2),
			steps: [{ parameters: getTopThreats, settings: { onError: 'continueRegularOutput' } }],
		});

		expect(run.status).toBe('success');
		const output = jsonOf(run.output(IOC));
		expect(output.map((item) => item.kind)).toEqual(['authentication', 'invalid-input']);
		expect(output[0].fortiAnalyzerCode).toBe(-22);
		expect(JSON.stringify(output)).not.toContain(WRONG_PASSWORD);
		expect(emulator.counters.openSessions).toBe(0);
	});

	test('bad API key fails every item without the key', async () => {
		const run = await runIoc({
			credential: apiKeyCredential(emulator, { apiKey: WRONG_API_KEY }),
			inputItems: [{ adom: 'root' }, { adom: 'legacy' }],
			steps: [{ parameters: getTopThreats, settings: { onError: 'continueRegularOutput' } }],
		});

		expect(run.status).toBe('success');
		const output = jsonOf(run.output(IOC));
		expect(output.map((item) => item.kind)).toEqual(['authentication', 'authentication']);
		expect(output.every((item) => String(item.error).includes('rejected the API key'))).toBe(true);
		expect(JSON.stringify(output)).not.toContain(WRONG_API_KEY);
	});
});

test('no secret in any run', () => {
	expect(recordedRuns.length).toBeGreaterThan(0);
	expect(leakedSecrets(recordedRuns.join('\n'))).toEqual([]);
});
