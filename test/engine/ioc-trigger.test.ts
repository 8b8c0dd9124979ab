import type { IDataObject, INode, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { IocTopThreatsTrigger } from '../../nodes/FortiAnalyzer/IocTopThreatsTrigger.node';
import { type RunningEmulator, startEmulator, type ThreatChange } from '../emulator';
import { createMemoryLogger, createNodeTypes, runWorkflow, type WorkflowJson } from './harness';
import { apiKeyCredential, credentialTypes, leakedSecrets, passwordCredential, waitFor } from './ioc-workflow';
import { createPoller, type Poller, type PollerOptions } from './poll-harness';

const TRIGGER_TYPE = 'n8n-nodes-fortianalyzer.iocTopThreatsTrigger';
const TRIGGER = 'IOC Top Threats Trigger';
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const T0 = Date.UTC(2026, 2, 2, 12, 0, 0);

const nodeTypes = createNodeTypes([{ type: TRIGGER_TYPE, nodeType: new IocTopThreatsTrigger() }]);

/** Threats the tests add to the emulator under their own threat type; the trigger's filter keeps only these. */
const CANARY_FILTER = 'threattype_s==canary';

/** Four threats at steady hourly rates: medium, except Canary.Escalate (low); none of them gets through. */
const STEADY: ThreatChange[] = [
	{ threat: 'Canary.Steady', ratePerHour: 20 },
	{ threat: 'Canary.Surge', ratePerHour: 10 },
	{ threat: 'Canary.Leak', ratePerHour: 20 },
	{ threat: 'Canary.Escalate', ratePerHour: 8, level: 2 },
];

let emulator: RunningEmulator;
let now = T0;

beforeAll(async () => {
	emulator = await startEmulator({ taskDurationMs: 0 });
});

afterAll(async () => {
	await emulator.stop();
});

beforeEach(() => {
	now = T0;
	// The trigger reads the time from Date.now; the emulator keeps its own clock, taken before this spy.
	jest.spyOn(Date, 'now').mockImplementation(() => now);
	emulator.clearFaults();
	emulator.setTaskDuration(0);
	emulator.resetCounters();
	setThreats(STEADY);
});

afterEach(() => {
	jest.restoreAllMocks();
});

function setThreats(changes: ThreatChange[]): void {
	emulator.setThreatChanges(
		'root',
		changes.map((change) => ({ threattype: 'canary', ...change })),
	);
}

/** STEADY with the changes of the named threats merged in, and any threat STEADY lacks appended. */
function steadyWith(...changes: ThreatChange[]): ThreatChange[] {
	const merged = STEADY.map((base) => ({ ...base, ...changes.find((change) => change.threat === base.threat) }));
	const added = changes.filter((change) => !STEADY.some((base) => base.threat === change.threat));

	return [...merged, ...added];
}

function triggerWorkflow(parameters: INodeParameters = {}): WorkflowJson {
	const trigger: INode = {
		id: 'trigger-id',
		name: TRIGGER,
		type: TRIGGER_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {
			firstWindow: 1,
			firstWindowUnit: 'hours',
			queryOptions: { filter: CANARY_FILTER },
			...parameters,
			triggerOptions: { overlapMinutes: 0, ...(parameters.triggerOptions as IDataObject | undefined) },
		},
		credentials: { fortiAnalyzerApi: { id: 'emulator-credential', name: 'FortiAnalyzer emulator' } },
	};

	return { id: 'trigger-test-workflow', name: 'IOC trigger test', nodes: [trigger], connections: {}, settings: { executionOrder: 'v1' } };
}

function poller(parameters: INodeParameters = {}, options: Partial<PollerOptions> = {}): Poller {
	return createPoller({
		nodeTypes,
		credentialTypes,
		workflow: triggerWorkflow(parameters),
		credentials: { fortiAnalyzerApi: apiKeyCredential(emulator) },
		...options,
	});
}

/** Returns the emitted items' JSON by threat name. */
function byThreat(emitted: INodeExecutionData[][] | null): Record<string, IDataObject> {
	expect(emitted).not.toBeNull();
	return Object.fromEntries((emitted?.[0] ?? []).map((item) => [String(item.json.threat), item.json]));
}

function memoryOf(staticData: IDataObject | undefined): { lastWindowEnd: number; threats: Record<string, IDataObject> } {
	const memory = (staticData?.[`node:${TRIGGER}`] as IDataObject | undefined)?.topThreats;
	return memory as { lastWindowEnd: number; threats: Record<string, IDataObject> };
}

/** Polls once at T0 to record the steady threats, then moves the clock on by `afterMs`. */
async function baselineThen(trigger: Poller, afterMs = HOUR_MS): Promise<void> {
	expect(await trigger.poll()).toBeNull();
	now += afterMs;
}

describe('IOC Top Threats Trigger first run', () => {
	test('baseline poll emits nothing and remembers', async () => {
		const trigger = poller();

		expect(await trigger.poll()).toBeNull();

		const memory = memoryOf(trigger.currentStaticData());
		expect(Object.keys(memory.threats).sort()).toEqual(STEADY.map((change) => `canary|${change.threat}`).sort());
		expect(memory.lastWindowEnd).toBe(T0);
		// n8n stores static data only when a poll emits items.
		expect(trigger.savedStaticData()).toBeUndefined();
	});

	test('emit current choice emits every threat as new', async () => {
		const trigger = poller({ firstRun: 'emitCurrent' });

		const items = byThreat(await trigger.poll());

		expect(Object.keys(items).sort()).toEqual(STEADY.map((change) => change.threat).sort());
		for (const item of Object.values(items)) {
			expect(item).toMatchObject({ reason: 'new', reasons: ['new'], previous: null, baseline: null, windowMinutes: 60 });
		}
		expect(items['Canary.Steady'].timeRange).toMatchObject({ startUtc: new Date(T0 - HOUR_MS).toISOString(), endUtc: new Date(T0).toISOString() });
		expect(memoryOf(trigger.savedStaticData()).lastWindowEnd).toBe(T0);
	});
});

describe('IOC Top Threats Trigger settings', () => {
	test('first run emits new without it chosen', async () => {
		const trigger = poller({ firstRun: 'emitCurrent', triggerOptions: { emitFor: ['incidents-rose'] } });

		expect(Object.values(byThreat(await trigger.poll())).map((item) => item.reason)).toEqual(['new', 'new', 'new', 'new']);
	});

	test('empty Emit When fails before any request', async () => {
		const trigger = poller({ triggerOptions: { emitFor: [] } });

		await expect(trigger.poll()).rejects.toThrow('Invalid Emit When: no reason is selected, so the trigger would never emit');
		expect(emulator.counters.requests).toBe(0);
	});
});

describe('IOC Top Threats Trigger reasons', () => {
	test('unchanged threats emit nothing', async () => {
		const trigger = poller();
		await baselineThen(trigger);

		expect(await trigger.poll()).toBeNull();
		expect(memoryOf(trigger.currentStaticData()).lastWindowEnd).toBe(T0 + HOUR_MS);
	});

	test('new threat has reason new', async () => {
		const trigger = poller();
		await baselineThen(trigger);
		setThreats(steadyWith({ threat: 'Canary.Fresh', ratePerHour: 4 }));

		const items = byThreat(await trigger.poll());

		expect(Object.keys(items)).toEqual(['Canary.Fresh']);
		expect(items['Canary.Fresh']).toMatchObject({ reason: 'new', reasons: ['new'], previous: null, incidents: 4 });
	});

	test('incidents rose over the previous window', async () => {
		const trigger = poller();
		await baselineThen(trigger);
		setThreats(steadyWith({ threat: 'Canary.Surge', scale: 3 }));

		const items = byThreat(await trigger.poll());

		expect(Object.keys(items)).toEqual(['Canary.Surge']);
		expect(items['Canary.Surge']).toMatchObject({
			reason: 'incidents-rose',
			reasons: ['incidents-rose'],
			incidents: 30,
			previous: { incidents: 10, detected: 0, severity: 'medium', seenAt: new Date(T0).toISOString(), windowMinutes: 60 },
			baseline: { incidents: 10, detected: 0 },
			windowMinutes: 60,
		});
	});

	test('detected rose when a blocked threat gets through', async () => {
		const trigger = poller();
		await baselineThen(trigger);
		setThreats(steadyWith({ threat: 'Canary.Leak', passRatio: 0.25 }));

		const items = byThreat(await trigger.poll());

		expect(Object.keys(items)).toEqual(['Canary.Leak']);
		expect(items['Canary.Leak']).toMatchObject({ reason: 'detected-rose', reasons: ['detected-rose'], detected: 5, incidents: 20 });
		expect(items['Canary.Leak'].previous).toMatchObject({ detected: 0, incidents: 20 });
	});

	test('severity rose with a higher level', async () => {
		const trigger = poller();
		await baselineThen(trigger);
		setThreats(steadyWith({ threat: 'Canary.Escalate', level: 5 }));

		const items = byThreat(await trigger.poll());

		expect(Object.keys(items)).toEqual(['Canary.Escalate']);
		expect(items['Canary.Escalate']).toMatchObject({ reason: 'severity-rose', reasons: ['severity-rose'], severity: 'critical' });
		expect(items['Canary.Escalate'].previous).toMatchObject({ severity: 'low' });
	});

	test('several reasons pick the first chosen one', async () => {
		const trigger = poller({ triggerOptions: { emitFor: ['incidents-rose'] } });
		await baselineThen(trigger);
		setThreats(steadyWith({ threat: 'Canary.Escalate', level: 5, scale: 4 }, { threat: 'Canary.Leak', passRatio: 0.5 }));

		const items = byThreat(await trigger.poll());

		expect(Object.keys(items)).toEqual(['Canary.Escalate']);
		expect(items['Canary.Escalate']).toMatchObject({ reason: 'incidents-rose', reasons: ['severity-rose', 'incidents-rose'] });
	});

	test('rise below the minimum increase is not emitted', async () => {
		const trigger = poller();
		await baselineThen(trigger);
		setThreats(steadyWith({ threat: 'Canary.Surge', scale: 1.4 }));

		expect(await trigger.poll()).toBeNull();
	});

	test('lower minimum increase emits the same rise', async () => {
		const trigger = poller({ triggerOptions: { minimumIncreasePercent: 30 } });
		await baselineThen(trigger);
		setThreats(steadyWith({ threat: 'Canary.Surge', scale: 1.4 }));

		expect(Object.keys(byThreat(await trigger.poll()))).toEqual(['Canary.Surge']);
	});

	test('longer window compares at the same rate', async () => {
		const trigger = poller();
		await baselineThen(trigger, 3 * HOUR_MS);

		expect(await trigger.poll()).toBeNull();
	});

	test('longer window scales the baseline', async () => {
		const trigger = poller();
		await baselineThen(trigger, 3 * HOUR_MS);
		setThreats(steadyWith({ threat: 'Canary.Surge', scale: 2 }));

		const items = byThreat(await trigger.poll());

		expect(items['Canary.Surge']).toMatchObject({ incidents: 60, baseline: { incidents: 30 }, windowMinutes: 180 });
		expect(items['Canary.Surge'].previous).toMatchObject({ incidents: 10, windowMinutes: 60 });
	});

	test('overlap reaches back before the previous poll', async () => {
		const trigger = poller({ triggerOptions: { overlapMinutes: 5 } });
		await baselineThen(trigger);
		setThreats(steadyWith({ threat: 'Canary.Fresh', ratePerHour: 12 }));

		const item = byThreat(await trigger.poll())['Canary.Fresh'];

		expect(item.timeRange).toMatchObject({ startUtc: new Date(T0 - 5 * MINUTE_MS).toISOString(), endUtc: new Date(T0 + HOUR_MS).toISOString() });
		expect(item).toMatchObject({ windowMinutes: 65, incidents: 13 });
	});
});

describe('IOC Top Threats Trigger memory', () => {
	test('restart keeps what the trigger remembered', async () => {
		const before = poller({ firstRun: 'emitCurrent' });
		await before.poll();
		now += HOUR_MS;
		setThreats(steadyWith({ threat: 'Canary.Fresh', ratePerHour: 4 }));

		const after = poller({ firstRun: 'emitCurrent' }, { staticData: before.savedStaticData() });
		const items = byThreat(await after.poll());

		expect(Object.keys(items)).toEqual(['Canary.Fresh']);
	});

	test('restart resumes from the last stored poll', async () => {
		const before = poller({ firstRun: 'emitCurrent' });
		await before.poll();
		now += HOUR_MS;
		// A quiet poll emits nothing, so n8n does not store its window end.
		expect(await before.poll()).toBeNull();
		now += HOUR_MS;
		setThreats(steadyWith({ threat: 'Canary.Surge', scale: 3 }));

		const after = poller({}, { staticData: before.savedStaticData() });
		const item = byThreat(await after.poll())['Canary.Surge'];

		expect(item.timeRange).toMatchObject({ startUtc: new Date(T0).toISOString(), endUtc: new Date(T0 + 2 * HOUR_MS).toISOString() });
		expect(item).toMatchObject({ windowMinutes: 120, incidents: 60, baseline: { incidents: 20 } });
	});

	test('threat back within the forget period is not new', async () => {
		const trigger = poller({ triggerOptions: { forgetAfterDays: 1 } });
		await baselineThen(trigger);
		setThreats(steadyWith({ threat: 'Canary.Steady', scale: 0 }));
		expect(await trigger.poll()).toBeNull();
		now += HOUR_MS;
		setThreats(STEADY);

		expect(await trigger.poll()).toBeNull();
	});

	test('threat back after the forget period is new again', async () => {
		const trigger = poller({ triggerOptions: { forgetAfterDays: 1 } });
		await baselineThen(trigger, 25 * HOUR_MS);
		setThreats(steadyWith({ threat: 'Canary.Steady', scale: 0 }));
		expect(await trigger.poll()).toBeNull();
		expect(Object.keys(memoryOf(trigger.currentStaticData()).threats)).not.toContain('canary|Canary.Steady');
		now += HOUR_MS;
		setThreats(STEADY);

		const items = byThreat(await trigger.poll());

		expect(Object.keys(items)).toEqual(['Canary.Steady']);
		expect(items['Canary.Steady'].reason).toBe('new');
	});

	test('changed filter starts a new baseline', async () => {
		const trigger = poller({ firstRun: 'emitCurrent' });
		await trigger.poll();
		now += HOUR_MS;

		const narrowed = poller(
			{ firstRun: 'emitCurrent', queryOptions: { filter: `${CANARY_FILTER} and threat~Canary.S` } },
			{ staticData: trigger.savedStaticData() },
		);
		const items = byThreat(await narrowed.poll());

		expect(Object.keys(items).sort()).toEqual(['Canary.Steady', 'Canary.Surge']);
		expect(items['Canary.Steady'].reason).toBe('new');
	});
});

describe('IOC Top Threats Trigger manual test', () => {
	test('manual poll emits a sample and leaves the memory alone', async () => {
		const active = poller({ firstRun: 'emitCurrent' });
		await active.poll();
		const stored = active.savedStaticData();
		now += HOUR_MS;

		const manual = poller({}, { mode: 'manual', staticData: stored });
		const items = byThreat(await manual.poll());

		expect(Object.keys(items).sort()).toEqual(STEADY.map((change) => change.threat).sort());
		expect(Object.values(items).every((item) => item.reason === 'new')).toBe(true);
		expect(manual.currentStaticData()).toEqual(stored);
		expect(manual.savedStaticData()).toBeUndefined();
	});

	test('test run of a workflow polls in manual mode', async () => {
		const workflow = triggerWorkflow({ firstRun: 'baseline' });
		workflow.nodes.push({ id: 'noop-id', name: 'Next', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [200, 0], parameters: {} });
		workflow.connections = { [TRIGGER]: { main: [[{ node: 'Next', type: 'main', index: 0 }]] } };

		const run = await runWorkflow(workflow, { nodeTypes, credentialTypes, credentials: { fortiAnalyzerApi: apiKeyCredential(emulator) } });

		expect(run.status).toBe('success');
		expect(run.executedNodes()).toEqual([TRIGGER, 'Next']);
		expect(run.output('Next').map((item) => item.json.reason)).toEqual(['new', 'new', 'new', 'new']);
	});
});

describe('IOC Top Threats Trigger output options', () => {
	test('minimum severity drops lower threats', async () => {
		const trigger = poller({ outputOptions: { minimumSeverity: 'high' } });
		await baselineThen(trigger);
		setThreats(steadyWith({ threat: 'Canary.Surge', scale: 3 }, { threat: 'Canary.Escalate', level: 5 }));

		expect(Object.keys(byThreat(await trigger.poll()))).toEqual(['Canary.Escalate']);
	});

	test('summary holds every emitted threat', async () => {
		const trigger = poller({ outputOptions: { outputMode: 'summary' } });
		await baselineThen(trigger);
		setThreats(steadyWith({ threat: 'Canary.Surge', scale: 3 }, { threat: 'Canary.Fresh', ratePerHour: 4 }));

		const emitted = await trigger.poll();

		expect(emitted?.[0]).toHaveLength(1);
		const summary = emitted?.[0][0].json as IDataObject;
		expect(summary).toMatchObject({
			threatCount: 2,
			byReason: { new: 1, 'severity-rose': 0, 'detected-rose': 0, 'incidents-rose': 1 },
			windowMinutes: 60,
		});
		expect((summary.threats as IDataObject[]).map((threat) => threat.threat).sort()).toEqual(['Canary.Fresh', 'Canary.Surge']);
	});
});

describe('IOC Top Threats Trigger sessions and tasks', () => {
	test('every poll logs in, logs out and deletes its task', async () => {
		const trigger = poller({}, { credentials: { fortiAnalyzerApi: passwordCredential(emulator) } });
		await baselineThen(trigger);
		await trigger.poll();
		now += HOUR_MS;
		await trigger.poll();

		expect(emulator.counters).toMatchObject({ logins: 3, logouts: 3, openSessions: 0, tasksCreated: 3, tasksDeleted: 3, tasksOpen: 0 });
	});

	test('failed poll cleans up and keeps the memory', async () => {
		const trigger = poller({}, { credentials: { fortiAnalyzerApi: passwordCredential(emulator) } });
		await baselineThen(trigger);
		const before = trigger.currentStaticData();
		emulator.injectFault({ match: { method: 'get', url: /\/top-threats\/run\/\d+$/ }, fault: { kind: 'http-status', status: 500 } });

		await expect(trigger.poll()).rejects.toThrow(/500/);

		expect(emulator.counters).toMatchObject({ logins: 2, logouts: 2, openSessions: 0, tasksCreated: 2, tasksDeleted: 2, tasksOpen: 0 });
		expect(trigger.currentStaticData()).toEqual(before);
	});

	test('poll after a failure covers the failed window', async () => {
		const trigger = poller();
		await baselineThen(trigger);
		emulator.injectFault({ match: { method: 'get', url: /\/top-threats\/run\/\d+$/ }, fault: { kind: 'http-status', status: 500 } });
		await expect(trigger.poll()).rejects.toThrow();
		now += HOUR_MS;
		setThreats(steadyWith({ threat: 'Canary.Fresh', ratePerHour: 4 }));

		const item = byThreat(await trigger.poll())['Canary.Fresh'];

		expect(item.timeRange).toMatchObject({ startUtc: new Date(T0).toISOString() });
		expect(item.windowMinutes).toBe(120);
	});

	test('failure shows no secret', async () => {
		const trigger = poller({}, { credentials: { fortiAnalyzerApi: passwordCredential(emulator, { password: 'wrong-password-1a2b3c4d' }) } });

		const error = await trigger.poll().then(
			() => undefined,
			(reason: unknown) => reason as Error & { description?: string },
		);

		expect(error?.message).toMatch(/rejected the username or password/);
		expect(leakedSecrets(`${error?.message}\n${error?.description ?? ''}\n${error?.stack ?? ''}`)).toEqual([]);
	});

	test('poll is skipped while the previous one runs', async () => {
		const logger = createMemoryLogger();
		const trigger = poller({}, { logger });
		emulator.setTaskDuration(400);

		const first = trigger.poll();
		await waitFor(() => emulator.counters.tasksCreated === 1, 'the first poll created its task');

		expect(await trigger.poll()).toBeNull();
		expect(logger.messages('warn')).toContain('IOC Top Threats Trigger skipped a poll because the previous poll is still running');
		await expect(first).resolves.toBeNull();
		expect(emulator.counters.tasksCreated).toBe(1);
	});
});
