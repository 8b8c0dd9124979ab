/**
 * Bad parameters and credential values are rejected before any request reaches FortiAnalyzer, and a value
 * that passes validation never leaves its own segment of the JSON-RPC url.
 */
import type { ICredentialDataDecryptedObject, INodeParameters } from 'n8n-workflow';

import { FIRST_TID, type RunningEmulator, startEmulator } from '../emulator';
import { apiKeyCredential, IOC, jsonOf, leakedSecrets, passwordCredential, recordedRuns, runIoc } from './ioc-workflow';

let emulator: RunningEmulator;

beforeEach(async () => {
	emulator = await startEmulator({ taskDurationMs: 0 });
});

afterEach(async () => {
	await emulator.stop();
});

/** Runs the node once and checks that it failed with `message` before sending anything. */
async function expectRejected(parameters: INodeParameters, message: string, credential?: ICredentialDataDecryptedObject): Promise<void> {
	const run = await runIoc({ credential: credential ?? passwordCredential(emulator), steps: [{ parameters }] });

	expect(run.status).toBe('error');
	expect(run.nodeError(IOC)?.message).toContain(message);
	expect(emulator.requests).toEqual([]);
	expect(emulator.counters.requests).toBe(0);
}

describe('Base URL', () => {
	test('empty', async () => {
		await expectRejected({ operation: 'getTopThreats' }, 'Invalid Base URL: it is empty', apiKeyCredential(emulator, { baseUrl: '' }));
	});

	test('not a URL', async () => {
		await expectRejected(
			{ operation: 'getTopThreats' },
			'Invalid Base URL: "faz emulator" is not a URL',
			apiKeyCredential(emulator, { baseUrl: 'faz emulator' }),
		);
	});

	test('without a scheme', async () => {
		const baseUrl = `localhost:${emulator.port}`;

		await expectRejected({ operation: 'getTopThreats' }, 'Invalid Base URL: the scheme', apiKeyCredential(emulator, { baseUrl }));
	});

	test('with a query string', async () => {
		const baseUrl = `${emulator.url}/?adom=root`;

		await expectRejected({ operation: 'getTopThreats' }, 'Invalid Base URL: it contains a query string', apiKeyCredential(emulator, { baseUrl }));
	});

	test('with a password, which is not echoed', async () => {
		const baseUrl = `http://admin:url-secret-5e6f@127.0.0.1:${emulator.port}`;
		const run = await runIoc({ credential: apiKeyCredential(emulator, { baseUrl }), steps: [{ parameters: { operation: 'getTopThreats' } }] });

		expect(run.nodeError(IOC)?.message).toContain('Invalid Base URL: it contains a user name or password');
		expect(JSON.stringify(run.run.data.resultData)).not.toContain('url-secret-5e6f');
		expect(emulator.counters.requests).toBe(0);
	});
});

describe('credential', () => {
	test('empty API key', async () => {
		await expectRejected({ operation: 'getTopThreats' }, 'Invalid API Key: it is empty', apiKeyCredential(emulator, { apiKey: '' }));
	});

	test('empty password', async () => {
		await expectRejected({ operation: 'getTopThreats' }, 'Invalid Password: it is empty', passwordCredential(emulator, { password: '' }));
	});
});

describe('Task ID', () => {
	test.each(['abc', '0', '-5', '1.5', '12470/../1', ' '])('"%s" is rejected', async (tid) => {
		await expectRejected({ operation: 'fetchResults', tid }, 'Invalid Task ID');
	});

	test('message shows the value', async () => {
		await expectRejected({ operation: 'cancelTask', tid: 'abc' }, 'Invalid Task ID: "abc" is not a positive integer');
	});

	test('missing tid from the input item', async () => {
		await expectRejected({ operation: 'waitUntilDone' }, 'Invalid Task ID');
	});
});

describe('time range', () => {
	test('end before start', async () => {
		await expectRejected(
			{ operation: 'createTask', timeRangeType: 'absolute', start: '2025-03-02T00:00:00Z', end: '2025-03-01T00:00:00Z' },
			'Invalid End: 2025-03-01T00:00:00Z is not after the start 2025-03-02T00:00:00Z',
		);
	});

	test('start in the future', async () => {
		await expectRejected(
			{ operation: 'getTopThreats', timeRangeType: 'absolute', start: '2999-01-01T00:00:00Z', end: '2999-01-02T00:00:00Z' },
			'Invalid Start',
		);
	});

	test('start that is not a date', async () => {
		await expectRejected(
			{ operation: 'createTask', timeRangeType: 'absolute', start: 'yesterday', end: '2025-03-01T00:00:00Z' },
			'Invalid Start: "yesterday" is not a date and time',
		);
	});

	test('zero relative window', async () => {
		await expectRejected({ operation: 'createTask', last: 0, unit: 'hours' }, 'Invalid Last');
	});

	test('unknown timezone', async () => {
		await expectRejected({ operation: 'createTask', queryOptions: { timezone: 'Mars/Olympus' } }, 'Invalid Timezone: "Mars/Olympus"');
	});
});

describe('limit', () => {
	test.each([0, 1001, 2.5])('%s is rejected', async (limit) => {
		await expectRejected({ operation: 'getTopThreats', limit }, `Invalid Limit: ${limit} is not an integer from 1 to 1000`);
	});
});

describe('query options', () => {
	test('filter with a line break', async () => {
		await expectRejected({ operation: 'createTask', queryOptions: { filter: 'threatlevel_s==critical\nor 1' } }, 'Invalid Filter');
	});

	test('device with a slash', async () => {
		await expectRejected({ operation: 'createTask', queryOptions: { devices: 'FG100FTK19000001, ../root' } }, 'Invalid Devices: "../root"');
	});
});

describe('ADOM', () => {
	test.each(['../root', 'root/../soc', '..', 'a/b', 'root?x=1', 'root\nsoc'])('"%s" is rejected', async (adom) => {
		await expectRejected({ operation: 'createTask', adom }, 'Invalid ADOM');
	});

	test('empty in node and credential', async () => {
		await expectRejected({ operation: 'createTask', adom: '' }, 'Invalid ADOM: it is empty', passwordCredential(emulator, { adom: '' }));
	});

	test('bad credential ADOM', async () => {
		await expectRejected({ operation: 'createTask', adom: '' }, 'Invalid ADOM', passwordCredential(emulator, { adom: 'root/../soc' }));
	});
});

describe('JSON-RPC url', () => {
	const TASK_URL = /^\/fortiview\/adom\/[A-Za-z0-9_.-]+\/top-threats\/run(\/[1-9]\d*)?$/;

	test('padded ADOM and tid stay in their segment', async () => {
		// A running task makes Fetch Results return one status item, so Cancel Task runs once.
		emulator.setTaskDuration(60_000);
		const run = await runIoc({
			credential: apiKeyCredential(emulator, { adom: 'root' }),
			steps: [
				{ parameters: { operation: 'createTask', adom: ' soc ' } },
				{ parameters: { operation: 'fetchResults', adom: '={{ "  " + $json.adom + "  " }}', tid: '={{ " 0" + $json.tid + " " }}' } },
				{ parameters: { operation: 'cancelTask', adom: '={{ $json.adom }}', tid: `= ${FIRST_TID}` } },
			],
		});

		expect(run.status).toBe('success');
		expect(emulator.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
			'add /fortiview/adom/soc/top-threats/run',
			`get /fortiview/adom/soc/top-threats/run/${FIRST_TID}`,
			`delete /fortiview/adom/soc/top-threats/run/${FIRST_TID}`,
		]);
	});

	test('unknown ADOM that passes validation', async () => {
		const run = await runIoc({
			credential: apiKeyCredential(emulator),
			inputItems: [{ adom: 'Unmanaged_Devices' }, { adom: 'soc.v2-x' }, { adom: 'root' }],
			steps: [{ parameters: { operation: 'createTask', adom: '={{ $json.adom }}' }, settings: { onError: 'continueRegularOutput' } }],
		});

		expect(run.status).toBe('success');
		expect(jsonOf(run.output(IOC)).map((item) => item.error === undefined)).toEqual([false, false, true]);
		// Items run in parallel, so the requests may arrive in any order.
		const urls = emulator.requests.map((request) => request.url).sort();
		expect(urls).toEqual([
			'/fortiview/adom/Unmanaged_Devices/top-threats/run',
			'/fortiview/adom/root/top-threats/run',
			'/fortiview/adom/soc.v2-x/top-threats/run',
		]);
		expect(urls.every((url) => TASK_URL.test(url))).toBe(true);
	});

	test('rejected item sends nothing for that item', async () => {
		const run = await runIoc({
			credential: apiKeyCredential(emulator),
			inputItems: [{ tid: '../../sys/status' }, { tid: `${FIRST_TID}/../1` }, { tid: '1e3' }],
			steps: [{ parameters: { operation: 'cancelTask' }, settings: { onError: 'continueRegularOutput' } }],
		});

		expect(run.status).toBe('success');
		const errors = jsonOf(run.output(IOC)).map((item) => String(item.error));
		expect(errors.every((error) => error.startsWith('Invalid Task ID'))).toBe(true);
		expect(errors).toHaveLength(3);
		expect(emulator.requests).toEqual([]);
	});
});

test('no secret in any run', () => {
	expect(recordedRuns.length).toBeGreaterThan(0);
	expect(leakedSecrets(recordedRuns.join('\n'))).toEqual([]);
});
