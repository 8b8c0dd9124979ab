/**
 * Both FortiView response dialects give the same canonical threat items. The emulator responds for ADOM `root`
 * in the FortiAnalyzer 7.4/7.6 apiver-3 shape (numbers as strings) and for ADOM `legacy` in the documented shape.
 */
import type { IDataObject } from 'n8n-workflow';

import { type RunningEmulator, startEmulator } from '../emulator';
import { apiKeyCredential, IOC, jsonOf, leakedSecrets, recordedRuns, runIoc } from './ioc-workflow';

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];

let emulator: RunningEmulator;

beforeEach(async () => {
	// Tasks finish at once, because these tests check the shape of the threats, not the waiting.
	emulator = await startEmulator({ taskDurationMs: 0 });
});

afterEach(async () => {
	await emulator.stop();
});

async function threatsOf(adom: string): Promise<IDataObject[]> {
	const run = await runIoc({
		credential: apiKeyCredential(emulator),
		steps: [{ parameters: { operation: 'getTopThreats', adom, limit: 100, outputOptions: { includeRaw: true } } }],
	});
	expect(run.status).toBe('success');

	const threats = jsonOf(run.output(IOC));
	expect(threats.length).toBeGreaterThan(1);

	return threats;
}

function expectCommonFields(threat: IDataObject, adom: string): void {
	expect(typeof threat.threat).toBe('string');
	expect(typeof threat.threattype).toBe('string');
	expect(SEVERITIES).toContain(threat.severity);
	expect(Number.isInteger(threat.incidents)).toBe(true);
	expect(Number.isInteger(threat.blocked)).toBe(true);
	expect(Number.isInteger(threat.detected)).toBe(true);
	expect(Number(threat.blocked) + Number(threat.detected)).toBe(threat.incidents);
	expect(typeof threat.rank).toBe('number');
	expect(typeof threat.tid).toBe('number');
	expect(threat.adom).toBe(adom);
}

describe('apiver 3 (ADOM root)', () => {
	test('numbers are numbers', async () => {
		for (const threat of await threatsOf('root')) {
			expectCommonFields(threat, 'root');
			expect(typeof threat.threatweight).toBe('number');
		}
	});

	test('sources and destinations are null', async () => {
		for (const threat of await threatsOf('root')) {
			expect(threat.sources).toBeNull();
			expect(threat.destinations).toBeNull();
		}
	});

	test('fields come from the raw row', async () => {
		for (const threat of await threatsOf('root')) {
			const raw = threat.raw as IDataObject;
			expect(typeof raw.incidents).toBe('string');
			expect(threat.incidents).toBe(Number(raw.incidents));
			expect(threat.blocked).toBe(Number(raw.incident_block));
			expect(threat.detected).toBe(Number(raw.incident_pass));
			expect(threat.threatweight).toBe(Number(raw.threatweight));
			expect(threat.severity).toBe(String(raw.level_s).toLowerCase());
		}
	});

	test('string percentage still completes', async () => {
		await emulator.stop();
		emulator = await startEmulator({ taskDurationMs: 300, percentageAsString: true });

		const threats = await threatsOf('root');

		expect(threats.every((threat) => typeof threat.incidents === 'number')).toBe(true);
		expect(emulator.counters.fetches).toBeGreaterThanOrEqual(2);
		expect(emulator.counters.tasksOpen).toBe(0);
	});
});

describe('documented shape (ADOM legacy)', () => {
	test('numbers are numbers', async () => {
		for (const threat of await threatsOf('legacy')) {
			expectCommonFields(threat, 'legacy');
			expect(Number.isInteger(threat.sources)).toBe(true);
			expect(Number.isInteger(threat.destinations)).toBe(true);
		}
	});

	test('threatweight is null', async () => {
		for (const threat of await threatsOf('legacy')) {
			expect(threat.threatweight).toBeNull();
		}
	});

	test('fields come from the raw threat', async () => {
		for (const threat of await threatsOf('legacy')) {
			const raw = threat.raw as IDataObject;
			expect(threat.incidents).toBe(raw.incidents);
			expect(threat.blocked).toBe(raw.blocked);
			expect(threat.detected).toBe(raw.detected);
			expect(threat.sources).toBe(raw.sources);
			expect(threat.destinations).toBe(raw.destinations);
			expect(threat.severity).toBe(raw.severity);
		}
	});
});

test('both dialects use the same keys', async () => {
	const [apiver3] = await threatsOf('root');
	const [documented] = await threatsOf('legacy');

	expect(Object.keys(documented).sort()).toEqual(Object.keys(apiver3).sort());
});

test('dialect set per ADOM at runtime', async () => {
	emulator.setDialect('documented', 'soc');

	const threats = await threatsOf('soc');

	expect(threats.every((threat) => threat.threatweight === null && typeof threat.sources === 'number')).toBe(true);
});

test('no secret in any run', () => {
	expect(recordedRuns.length).toBeGreaterThan(0);
	expect(leakedSecrets(recordedRuns.join('\n'))).toEqual([]);
});
