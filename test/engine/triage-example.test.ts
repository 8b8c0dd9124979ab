/**
 * The shipped example workflow, examples/ioc-triage.workflow.json, run through the engine: threats that got
 * through (detected > 0) go to the Switch output of their severity, all others to "Blocked: log only".
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { type RunningEmulator, startEmulator } from '../emulator';
import type { WorkflowJson, WorkflowRun } from './harness';
import { apiKeyCredential, jsonOf, leakedSecrets, passwordCredential, recordedRuns, runJson } from './ioc-workflow';

const WORKFLOW_FILE = path.resolve(__dirname, '../../examples/ioc-triage.workflow.json');

const NODE = {
	topThreats: 'Top threats (last 24 h)',
	detectedCheck: 'Got through? (detected > 0)',
	severitySwitch: 'Route by severity',
	blocked: 'Blocked: log only',
};

/** Switch outputs in the order of the example's rules. */
const SEVERITY_OUTPUTS = ['critical', 'high', 'medium', 'low', 'info'];

let emulator: RunningEmulator;

beforeEach(async () => {
	emulator = await startEmulator({ taskDurationMs: 100 });
});

afterEach(async () => {
	await emulator.stop();
});

function loadWorkflow(): WorkflowJson {
	return JSON.parse(fs.readFileSync(WORKFLOW_FILE, 'utf8')) as WorkflowJson;
}

/** Collects, by rank, the names of every branch each threat reached. */
function branchesByRank(run: WorkflowRun): Map<number, string[]> {
	const branches = new Map<number, string[]>();
	const add = (items: IDataObject[], branch: string) => {
		for (const item of items) {
			const rank = Number(item.rank);
			branches.set(rank, [...(branches.get(rank) ?? []), branch]);
		}
	};

	SEVERITY_OUTPUTS.forEach((severity, outputIndex) => add(jsonOf(run.output(NODE.severitySwitch, outputIndex)), severity));
	add(jsonOf(run.output(NODE.blocked)), 'blocked');

	return branches;
}

describe.each([
	['apiver 3', 'root'],
	['documented shape', 'legacy'],
])('triage in the %s dialect', (_dialect, adom) => {
	async function runTriage(): Promise<WorkflowRun> {
		const run = await runJson(loadWorkflow(), apiKeyCredential(emulator, { adom }));
		expect(run.status).toBe('success');

		return run;
	}

	test('every threat lands in exactly one branch', async () => {
		const run = await runTriage();

		const threats = jsonOf(run.output(NODE.topThreats));
		expect(threats.length).toBeGreaterThan(5);
		const branches = branchesByRank(run);
		expect([...branches.keys()].sort((a, b) => a - b)).toEqual(threats.map((threat) => threat.rank));
		for (const threat of threats) {
			expect(branches.get(Number(threat.rank))).toHaveLength(1);
		}
	});

	test('detected threats go to their severity', async () => {
		const run = await runTriage();

		const branches = branchesByRank(run);
		const detected = jsonOf(run.output(NODE.topThreats)).filter((threat) => Number(threat.detected) > 0);
		expect(detected.length).toBeGreaterThan(0);
		for (const threat of detected) {
			expect(branches.get(Number(threat.rank))).toEqual([threat.severity]);
		}
	});

	test('blocked threats are only logged', async () => {
		const run = await runTriage();

		const branches = branchesByRank(run);
		const blocked = jsonOf(run.output(NODE.topThreats)).filter((threat) => !(Number(threat.detected) > 0));
		expect(blocked.length).toBeGreaterThan(0);
		for (const threat of blocked) {
			expect(branches.get(Number(threat.rank))).toEqual(['blocked']);
		}
	});

	test('the task is deleted afterwards', async () => {
		await runTriage();

		expect(emulator.counters.tasksCreated).toBe(1);
		expect(emulator.counters.tasksOpen).toBe(0);
	});
});

test('runs with a password credential', async () => {
	const run = await runJson(loadWorkflow(), passwordCredential(emulator));

	expect(run.status).toBe('success');
	expect(run.executedNodes()).toEqual(expect.arrayContaining(Object.values(NODE)));
	expect(emulator.counters.logins).toBe(1);
	expect(emulator.counters.logouts).toBe(1);
});

test('no secret in any run', () => {
	expect(recordedRuns.length).toBeGreaterThan(0);
	expect(leakedSecrets(recordedRuns.join('\n'))).toEqual([]);
});
