import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { FortiAnalyzerClient, relativeTimeRange } from '../../nodes/FortiAnalyzer/client';
import { DEFAULT_API_KEY, type RunningEmulator, startEmulator, type ThreatChange } from '../emulator';
import { apiKeyCredential, IOC, jsonOf, pairedIndexes, runIoc } from './ioc-workflow';

const HOUR_MS = 3_600_000;
/** The current period of most tests is 10:00 to 11:00 UTC; "from T10" data exists only in it. */
const T10 = Date.UTC(2026, 2, 1, 10, 0, 0);
const CANARY_FILTER = 'threattype_s==canary';

/**
 * One threat for each status between 09:00-10:00 (previous) and 10:00-11:00 (current): a change with `from: T10`
 * applies only to the current hour, one with `until: T10` only to the previous hour.
 */
const CRAFTED: ThreatChange[] = [
	{ threat: 'Canary.Persist', ratePerHour: 10 },
	{ threat: 'Canary.Fresh', ratePerHour: 6, from: T10 },
	{ threat: 'Canary.Gone', ratePerHour: 6, level: 4, until: T10 },
	{ threat: 'Canary.Escalate', ratePerHour: 8, level: 2 },
	{ threat: 'Canary.Escalate', level: 5, from: T10 },
	{ threat: 'Canary.Leak', ratePerHour: 20 },
	{ threat: 'Canary.Leak', passRatio: 0.25, from: T10 },
	{ threat: 'Canary.Both', ratePerHour: 10 },
	{ threat: 'Canary.Both', level: 4, passRatio: 0.5, from: T10 },
];

const EXPECTED_STATUS: Record<string, string> = {
	'Canary.Persist': 'persisting',
	'Canary.Fresh': 'new',
	'Canary.Gone': 'resolved',
	'Canary.Escalate': 'escalated',
	'Canary.Leak': 'unblocked',
	'Canary.Both': 'unblocked',
};

let emulator: RunningEmulator;

beforeAll(async () => {
	emulator = await startEmulator({ taskDurationMs: 0 });
});

afterAll(async () => {
	await emulator.stop();
});

beforeEach(() => {
	emulator.setTaskDuration(0);
	emulator.setThreatChanges('root', CRAFTED.map((change) => ({ threattype: 'canary', ...change })));
	emulator.setThreatChanges('soc', []);
	emulator.resetCounters();
});

function compareStep(parameters: INodeParameters = {}): INodeParameters {
	return {
		operation: 'comparePeriods',
		timeRangeType: 'absolute',
		start: '2026-03-01T10:00:00Z',
		end: '2026-03-01T11:00:00Z',
		limit: 100,
		queryOptions: { filter: CANARY_FILTER, timezone: 'UTC' },
		...parameters,
	};
}

async function compare(parameters: INodeParameters = {}): Promise<IDataObject[]> {
	const run = await runIoc({ credential: apiKeyCredential(emulator), steps: [{ parameters: compareStep(parameters) }] });
	expect(run.nodeError(IOC)).toBeUndefined();

	return jsonOf(run.output(IOC));
}

function byThreat(items: IDataObject[]): Record<string, IDataObject> {
	return Object.fromEntries(items.map((item) => [String(item.threat), item]));
}

function statusesOf(items: IDataObject[]): Record<string, unknown> {
	return Object.fromEntries(items.map((item) => [String(item.threat), item.status]));
}

describe('Compare Periods with two time ranges', () => {
	test('every status with both periods counts', async () => {
		const items = byThreat(await compare());

		expect(statusesOf(Object.values(items))).toEqual(EXPECTED_STATUS);
		expect(items['Canary.Persist']).toMatchObject({ incidents: 10, previousIncidents: 10, incidentsChange: 0, incidentsChangePercent: 0 });
		expect(items['Canary.Fresh']).toMatchObject({ incidents: 6, previousIncidents: 0, incidentsChangePercent: null, previousSeverity: null });
		expect(items['Canary.Gone']).toMatchObject({ incidents: 0, previousIncidents: 6, severity: 'high', rank: null });
		expect(items['Canary.Escalate']).toMatchObject({ severity: 'critical', previousSeverity: 'low', statuses: ['escalated'] });
		expect(items['Canary.Leak']).toMatchObject({ detected: 5, previousDetected: 0, detectedChange: 5, blocked: 15, previousBlocked: 20 });
		expect(items['Canary.Both']).toMatchObject({ statuses: ['unblocked', 'escalated'], severity: 'high', previousSeverity: 'medium' });
	});

	test('items name both periods', async () => {
		const [item] = await compare();

		expect(item).toMatchObject({
			adom: 'root',
			currentPeriod: { startUtc: '2026-03-01T10:00:00.000Z', endUtc: '2026-03-01T11:00:00.000Z', timezone: 'UTC' },
			previousPeriod: { startUtc: '2026-03-01T09:00:00.000Z', endUtc: '2026-03-01T10:00:00.000Z', timezone: 'UTC' },
		});
	});

	test('both tasks are deleted', async () => {
		await compare();

		expect(emulator.counters).toMatchObject({ tasksCreated: 2, tasksDeleted: 2, tasksOpen: 0 });
	});

	test('only changed drops persisting threats', async () => {
		const items = await compare({ compareOptions: { onlyChanged: true } });

		expect(items.map((item) => item.threat).sort()).toEqual(
			Object.keys(EXPECTED_STATUS)
				.filter((threat) => threat !== 'Canary.Persist')
				.sort(),
		);
	});

	test('minimum severity keeps threats high in either period', async () => {
		const items = await compare({ compareOptions: { minimumSeverity: 'high' } });

		expect(items.map((item) => item.threat).sort()).toEqual(['Canary.Both', 'Canary.Escalate', 'Canary.Gone']);
	});

	test('summary counts each status', async () => {
		const [summary, ...rest] = await compare({ compareOptions: { outputMode: 'summary' } });

		expect(rest).toEqual([]);
		expect(summary).toMatchObject({
			adom: 'root',
			threatCount: 6,
			byStatus: { new: 1, resolved: 1, unblocked: 2, escalated: 1, persisting: 1 },
			incidents: 54,
			previousIncidents: 54,
		});
		expect(summary.threats).toHaveLength(6);
	});

	test('24 hours earlier shifts the window by a day', async () => {
		const items = await compare({ previousPeriod: 'dayBefore' });

		expect(items[0].previousPeriod).toMatchObject({ startUtc: '2026-02-28T10:00:00.000Z', endUtc: '2026-02-28T11:00:00.000Z' });
		expect(statusesOf(items)).toEqual(EXPECTED_STATUS);
	});

	test('7 days earlier shifts the window by a week', async () => {
		const items = await compare({ previousPeriod: 'weekBefore' });

		expect(items[0].previousPeriod).toMatchObject({ startUtc: '2026-02-22T10:00:00.000Z', endUtc: '2026-02-22T11:00:00.000Z' });
	});

	test('custom previous period of another length', async () => {
		const items = byThreat(
			await compare({ previousPeriod: 'custom', previousStart: '2026-03-01T08:00:00Z', previousEnd: '2026-03-01T10:00:00Z' }),
		);

		expect(items['Canary.Persist']).toMatchObject({ incidents: 10, previousIncidents: 20, incidentsChange: -10, incidentsChangePercent: -50 });
		expect(items['Canary.Persist'].previousPeriod).toMatchObject({ startUtc: '2026-03-01T08:00:00.000Z' });
	});

	test('relative range compares with the same length before', async () => {
		const [item] = await compare({ timeRangeType: 'relative', last: 2, unit: 'hours' });
		const current = item.currentPeriod as IDataObject;
		const previous = item.previousPeriod as IDataObject;

		expect(previous.endUtc).toBe(current.startUtc);
		expect(Date.parse(String(previous.endUtc)) - Date.parse(String(previous.startUtc))).toBe(2 * HOUR_MS);
		expect(Date.parse(String(current.endUtc)) - Date.parse(String(current.startUtc))).toBe(2 * HOUR_MS);
	});

	test('items pair with their input items', async () => {
		emulator.setThreatChanges('soc', [{ threat: 'Canary.SocOnly', threattype: 'canary', ratePerHour: 5, from: T10 }]);

		const run = await runIoc({
			credential: apiKeyCredential(emulator),
			inputItems: [{ adom: 'root' }, { adom: 'soc' }],
			steps: [{ parameters: compareStep({ adom: '={{ $json.adom }}' }) }],
		});
		const output = run.output(IOC);
		const items = jsonOf(output);
		const paired = pairedIndexes(output);

		expect(items.filter((_, index) => paired[index] === 0).map((item) => item.adom)).toEqual(Array(6).fill('root'));
		expect(items.filter((_, index) => paired[index] === 1).map((item) => [item.adom, item.threat, item.status])).toEqual([
			['soc', 'Canary.SocOnly', 'new'],
		]);
	});
});

describe('Compare Periods with two existing tasks', () => {
	async function createTask(client: FortiAnalyzerClient, startMs: number): Promise<number> {
		const timeRange = relativeTimeRange(1, 'hours', 'UTC', new Date(startMs + HOUR_MS));
		return await client.createTopThreatsTask('root', {
			timeRange,
			devices: [{ devname: 'All_Device' }],
			filter: CANARY_FILTER,
			limit: 100,
		});
	}

	test('tasks are compared and left in place', async () => {
		emulator.setTaskDuration(300);
		const client = new FortiAnalyzerClient({
			baseUrl: emulator.url,
			auth: { method: 'apiKey', apiKey: DEFAULT_API_KEY },
			tls: { verify: true },
			timeoutMs: 10_000,
		});
		try {
			const previousTid = await createTask(client, T10 - HOUR_MS);
			const currentTid = await createTask(client, T10);

			const items = await compare({ compareSource: 'tasks', currentTid: String(currentTid), previousTid: `={{ ${previousTid} }}` });

			expect(statusesOf(items)).toEqual(EXPECTED_STATUS);
			expect(items[0]).toMatchObject({ currentPeriod: { tid: currentTid }, previousPeriod: { tid: previousTid } });
			expect(emulator.counters).toMatchObject({ tasksCreated: 2, tasksDeleted: 0, tasksOpen: 2 });

			await client.cancelTopThreatsTask('root', previousTid);
			await client.cancelTopThreatsTask('root', currentTid);
		} finally {
			await client.close();
		}
	});

	test('invalid task ID fails before any request', async () => {
		const run = await runIoc({
			credential: apiKeyCredential(emulator),
			steps: [{ parameters: { operation: 'comparePeriods', compareSource: 'tasks', currentTid: '12470', previousTid: 'last' } }],
		});

		expect(run.nodeError(IOC)?.message).toBe('Invalid Previous Task ID: "last" is not a positive integer');
		expect(emulator.counters.requests).toBe(0);
	});
});
