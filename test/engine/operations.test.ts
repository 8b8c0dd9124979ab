/**
 * Every operation of the IOC Top Threats node, run through n8n's engine against the emulator, with the
 * emulator's counters and a direct JSON-RPC fetch as the reference for what FortiAnalyzer stores.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { FIRST_TID, type RunningEmulator, startEmulator } from '../emulator';
import {
	apiKeyCredential,
	IOC,
	jsonOf,
	leakedSecrets,
	pairedIndexes,
	recordedRuns,
	rpc,
	runIoc,
} from './ioc-workflow';

const FETCH = `${IOC} 2`;

const createTask = { operation: 'createTask', last: 2, unit: 'hours' };

let emulator: RunningEmulator;

beforeEach(async () => {
	emulator = await startEmulator({ taskDurationMs: 300 });
});

afterEach(async () => {
	await emulator.stop();
});

/** Fetches the rows of a finished apiver-3 task straight from the emulator, without the node. */
async function referenceRows(tid: number): Promise<IDataObject[]> {
	const reply = await rpc(emulator, 'get', `/fortiview/adom/root/top-threats/run/${tid}`);
	const result = reply.result as IDataObject;
	expect(result.percentage).toBe(100);

	return result.data as IDataObject[];
}

function expectThreatsMatchRows(threats: IDataObject[], rows: IDataObject[], tid: number): void {
	expect(threats.map((threat) => threat.threat)).toEqual(rows.map((row) => row.threat));
	threats.forEach((threat, index) => {
		const row = rows[index];
		expect(threat.incidents).toBe(Number(row.incidents));
		expect(threat.blocked).toBe(Number(row.incident_block));
		expect(threat.detected).toBe(Number(row.incident_pass));
		expect(threat.rank).toBe(index + 1);
		expect(threat.tid).toBe(tid);
		expect(threat.adom).toBe('root');
	});
}

describe('Create Task', () => {
	test('returns tid, adom and time range', async () => {
		const run = await runIoc({ credential: apiKeyCredential(emulator), steps: [{ parameters: createTask }] });

		expect(run.status).toBe('success');
		const items = jsonOf(run.output(IOC));
		expect(items).toHaveLength(1);
		expect(items[0].tid).toBe(FIRST_TID);
		expect(items[0].adom).toBe('root');

		const timeRange = items[0].timeRange as IDataObject;
		expect(timeRange.timezone).toBe('UTC');
		expect(timeRange.start).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
		expect(timeRange.end).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
		expect(Date.parse(String(timeRange.endUtc)) - Date.parse(String(timeRange.startUtc))).toBe(2 * 3_600_000);
	});

	test('starts one task on FortiAnalyzer', async () => {
		const run = await runIoc({ credential: apiKeyCredential(emulator), steps: [{ parameters: createTask }] });

		expect(run.status).toBe('success');
		expect(emulator.counters.tasksCreated).toBe(1);
		expect(emulator.counters.tasksOpen).toBe(1);
		expect(emulator.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
			'add /fortiview/adom/root/top-threats/run',
		]);
	});

	test('absolute range in a named timezone', async () => {
		const parameters = {
			operation: 'createTask',
			timeRangeType: 'absolute',
			start: '2025-03-01T08:00:00',
			end: '2025-03-01T20:00:00',
			queryOptions: { timezone: 'Europe/Berlin' },
		};
		const run = await runIoc({ credential: apiKeyCredential(emulator), steps: [{ parameters }] });

		expect(run.status).toBe('success');
		const [item] = jsonOf(run.output(IOC));
		expect(item.timeRange).toEqual({
			start: '2025-03-01 08:00:00',
			end: '2025-03-01 20:00:00',
			timezone: 'Europe/Berlin',
			startUtc: '2025-03-01T07:00:00.000Z',
			endUtc: '2025-03-01T19:00:00.000Z',
		});
	});

	test('node ADOM overrides the credential ADOM', async () => {
		const run = await runIoc({
			credential: apiKeyCredential(emulator, { adom: 'root' }),
			steps: [{ parameters: { ...createTask, adom: 'soc' } }],
		});

		expect(run.status).toBe('success');
		expect(jsonOf(run.output(IOC))[0].adom).toBe('soc');
		expect(emulator.requests.map((request) => request.url)).toEqual(['/fortiview/adom/soc/top-threats/run']);
	});
});

describe('Fetch Results', () => {
	test('done task gives one item per threat', async () => {
		emulator.setTaskDuration(0);
		const run = await runIoc({
			credential: apiKeyCredential(emulator),
			steps: [{ parameters: createTask }, { parameters: { operation: 'fetchResults' } }],
		});

		expect(run.status).toBe('success');
		const threats = jsonOf(run.output(FETCH));
		expect(threats.length).toBeGreaterThan(1);
		expect(emulator.counters.fetches).toBe(1);
		expectThreatsMatchRows(threats, await referenceRows(FIRST_TID), FIRST_TID);
	});

	test('running task gives a status item', async () => {
		emulator.setTaskDuration(60_000);
		const run = await runIoc({
			credential: apiKeyCredential(emulator),
			steps: [{ parameters: createTask }, { parameters: { operation: 'fetchResults', whenNotDone: 'statusItem' } }],
		});

		expect(run.status).toBe('success');
		const items = jsonOf(run.output(FETCH));
		expect(items).toEqual([{ tid: FIRST_TID, adom: 'root', percentage: expect.any(Number), done: false }]);
		expect(items[0].percentage).toBeLessThan(100);
		expect(emulator.counters.tasksOpen).toBe(1);
	});

	test('running task fails when asked to', async () => {
		emulator.setTaskDuration(60_000);
		const run = await runIoc({
			credential: apiKeyCredential(emulator),
			steps: [{ parameters: createTask }, { parameters: { operation: 'fetchResults', whenNotDone: 'error' } }],
		});

		expect(run.status).toBe('error');
		const error = run.nodeError(FETCH);
		expect(error?.message).toMatch(new RegExp(`^Task ${FIRST_TID} is not done yet: FortiAnalyzer reports \\d+ %`));
		expect(error?.message).toContain(`${emulator.url}/jsonrpc`);
		expect(error?.description).toContain('Wait Until Done');
		expect(run.output(FETCH)).toEqual([]);
	});

	test('tid from a number parameter', async () => {
		emulator.setTaskDuration(0);
		const created = await runIoc({ credential: apiKeyCredential(emulator), steps: [{ parameters: createTask }] });
		const tid = jsonOf(created.output(IOC))[0].tid as number;

		const run = await runIoc({
			credential: apiKeyCredential(emulator),
			steps: [{ parameters: { operation: 'fetchResults', tid: `=${tid}` } }],
		});

		expect(run.status).toBe('success');
		expectThreatsMatchRows(jsonOf(run.output(IOC)), await referenceRows(tid), tid);
	});
});

describe('Wait Until Done', () => {
	test('polls until done, then emits threats', async () => {
		emulator.setTaskDuration(600);
		const run = await runIoc({
			credential: apiKeyCredential(emulator),
			steps: [
				{ parameters: createTask },
				{ parameters: { operation: 'waitUntilDone', waitOptions: { minPollIntervalMs: 50, maxPollIntervalSeconds: 0.2 } } },
			],
		});

		expect(run.status).toBe('success');
		const threats = jsonOf(run.output(FETCH));
		expect(threats.length).toBeGreaterThan(1);
		expect(emulator.counters.fetches).toBeGreaterThanOrEqual(3);
		expectThreatsMatchRows(threats, await referenceRows(FIRST_TID), FIRST_TID);
	});

	test('leaves the finished task in place', async () => {
		const run = await runIoc({
			credential: apiKeyCredential(emulator),
			steps: [{ parameters: createTask }, { parameters: { operation: 'waitUntilDone' } }],
		});

		expect(run.status).toBe('success');
		expect(emulator.counters.tasksDeleted).toBe(0);
		expect(emulator.counters.tasksOpen).toBe(1);
	});

	test('first poll is immediate', async () => {
		emulator.setTaskDuration(0);
		const run = await runIoc({
			credential: apiKeyCredential(emulator),
			steps: [{ parameters: createTask }, { parameters: { operation: 'waitUntilDone', waitOptions: { minPollIntervalMs: 5000 } } }],
		});

		expect(run.status).toBe('success');
		expect(emulator.counters.fetches).toBe(1);
		expect(run.output(FETCH).length).toBeGreaterThan(1);
	});
});

describe('Get Top Threats', () => {
	test('emits the threats of a new task', async () => {
		const run = await runIoc({
			credential: apiKeyCredential(emulator),
			steps: [{ parameters: { operation: 'getTopThreats', last: 24, unit: 'hours' } }],
		});

		expect(run.status).toBe('success');
		const threats = jsonOf(run.output(IOC));
		expect(threats.length).toBeGreaterThan(1);
		expect(threats.every((threat) => threat.tid === FIRST_TID && threat.adom === 'root')).toBe(true);
		expect(threats.map((threat) => threat.rank)).toEqual(threats.map((_, index) => index + 1));
		expect(emulator.counters.fetches).toBeGreaterThanOrEqual(2);
	});

	test('deletes its task afterwards', async () => {
		const run = await runIoc({ credential: apiKeyCredential(emulator), steps: [{ parameters: { operation: 'getTopThreats' } }] });

		expect(run.status).toBe('success');
		expect(emulator.counters.tasksCreated).toBe(1);
		expect(emulator.counters.tasksDeleted).toBe(1);
		expect(emulator.counters.tasksOpen).toBe(0);
		expect(emulator.requests.at(-1)).toMatchObject({ method: 'delete', url: `/fortiview/adom/root/top-threats/run/${FIRST_TID}` });
	});

	test('Return All matches the largest limit', async () => {
		emulator.setTaskDuration(0);
		const limited = await runIoc({ credential: apiKeyCredential(emulator), steps: [{ parameters: { operation: 'getTopThreats', limit: 1000 } }] });
		const all = await runIoc({ credential: apiKeyCredential(emulator), steps: [{ parameters: { operation: 'getTopThreats', returnAll: true } }] });

		expect(all.status).toBe('success');
		const threats = jsonOf(all.output(IOC)).map((threat) => threat.threat);
		expect(threats.length).toBeGreaterThan(1);
		expect(threats).toEqual(jsonOf(limited.output(IOC)).map((threat) => threat.threat));
		expect(emulator.counters.tasksOpen).toBe(0);
	});

	test('Return All pages past 1000 threats', async () => {
		await emulator.stop();
		emulator = await startEmulator({ taskDurationMs: 0, adoms: ['root', 'bulk'], bulkThreats: { bulk: 2500 } });

		const run = await runIoc({
			credential: apiKeyCredential(emulator),
			steps: [{ parameters: { operation: 'getTopThreats', adom: 'bulk', returnAll: true } }],
		});

		expect(run.status).toBe('success');
		const threats = jsonOf(run.output(IOC));
		expect(threats).toHaveLength(2500);
		expect(new Set(threats.map((threat) => threat.threat)).size).toBe(2500);
		expect(threats.map((threat) => threat.rank)).toEqual(threats.map((_, index) => index + 1));
		expect(emulator.counters.tasksCreated).toBe(3);
		expect(emulator.counters.tasksOpen).toBe(0);
	});

	test('limit caps the number of threats', async () => {
		const run = await runIoc({ credential: apiKeyCredential(emulator), steps: [{ parameters: { operation: 'getTopThreats', limit: 3 } }] });

		expect(run.status).toBe('success');
		expect(run.output(IOC)).toHaveLength(3);
	});
});

describe('Cancel Task', () => {
	test('returns a status item', async () => {
		emulator.setTaskDuration(60_000);
		const run = await runIoc({
			credential: apiKeyCredential(emulator),
			steps: [{ parameters: createTask }, { parameters: { operation: 'cancelTask' } }],
		});

		expect(run.status).toBe('success');
		expect(jsonOf(run.output(FETCH))).toEqual([{ tid: FIRST_TID, adom: 'root', cancelled: true }]);
	});

	test('deletes the task on FortiAnalyzer', async () => {
		emulator.setTaskDuration(60_000);
		const run = await runIoc({
			credential: apiKeyCredential(emulator),
			steps: [{ parameters: createTask }, { parameters: { operation: 'cancelTask' } }],
		});

		expect(run.status).toBe('success');
		expect(emulator.counters.tasksDeleted).toBe(1);
		expect(emulator.counters.tasksOpen).toBe(0);
		const reply = await rpc(emulator, 'get', `/fortiview/adom/root/top-threats/run/${FIRST_TID}`);
		expect(reply.error).toMatchObject({ message: expect.stringContaining(`Invalid tid ${FIRST_TID}`) });
	});
});

describe('Output options', () => {
	async function getTopThreats(outputOptions: INodeParameters): Promise<IDataObject[]> {
		emulator.setTaskDuration(0);
		const run = await runIoc({
			credential: apiKeyCredential(emulator),
			steps: [{ parameters: { operation: 'getTopThreats', limit: 200, outputOptions } }],
		});
		expect(run.status).toBe('success');

		return jsonOf(run.output(IOC));
	}

	test('summary item counts all threats', async () => {
		const threats = await getTopThreats({});
		const [summary] = await getTopThreats({ outputMode: 'summary' });

		expect(summary.threatCount).toBe(threats.length);
		expect(summary.detectedThreatCount).toBe(threats.filter((threat) => Number(threat.detected) > 0).length);
		expect(summary.incidents).toBe(threats.reduce((total, threat) => total + Number(threat.incidents), 0));
		expect((summary.threats as IDataObject[]).map((threat) => threat.threat)).toEqual(threats.map((threat) => threat.threat));
	});

	test('minimum severity drops lower ones', async () => {
		const threats = await getTopThreats({});
		const high = await getTopThreats({ minimumSeverity: 'high' });

		expect(high.length).toBeGreaterThan(0);
		expect(high.length).toBeLessThan(threats.length);
		expect(high.map((threat) => threat.threat)).toEqual(
			threats.filter((threat) => threat.severity === 'high' || threat.severity === 'critical').map((threat) => threat.threat),
		);
	});

	test('only detected keeps detected > 0', async () => {
		const threats = await getTopThreats({});
		const detected = await getTopThreats({ onlyDetected: true });

		expect(detected.length).toBeGreaterThan(0);
		expect(detected.length).toBeLessThan(threats.length);
		expect(detected.map((threat) => threat.threat)).toEqual(
			threats.filter((threat) => Number(threat.detected) > 0).map((threat) => threat.threat),
		);
	});

	test('raw row on request only', async () => {
		const plain = await getTopThreats({});
		const withRaw = await getTopThreats({ includeRaw: true });

		expect(plain.some((threat) => 'raw' in threat)).toBe(false);
		expect(withRaw.every((threat) => typeof threat.raw === 'object' && threat.raw !== null)).toBe(true);
		expect((withRaw[0].raw as IDataObject).threat).toBe(withRaw[0].threat);
	});
});

test('every output item pairs with input item 0', async () => {
	const run = await runIoc({
		credential: apiKeyCredential(emulator),
		steps: [{ parameters: createTask }, { parameters: { operation: 'waitUntilDone' } }],
	});

	expect(run.status).toBe('success');
	expect(pairedIndexes(run.output(IOC))).toEqual([0]);
	const threats = run.output(FETCH);
	expect(threats.length).toBeGreaterThan(1);
	expect(pairedIndexes(threats).every((index) => index === 0)).toBe(true);
});

test('no secret in any run', () => {
	expect(recordedRuns.length).toBeGreaterThan(0);
	expect(leakedSecrets(recordedRuns.join('\n'))).toEqual([]);
});
