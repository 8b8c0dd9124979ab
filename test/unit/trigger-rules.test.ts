import { type IDataObject, type INodeTypes, Workflow } from 'n8n-workflow';

import type { Threat } from '../../nodes/FortiAnalyzer/client';
import { MAX_REMEMBERED_THREATS, readMemory, rememberPoll, type RememberedThreat, writeMemory } from '../../nodes/FortiAnalyzer/trigger/memory';
import { pollWindow } from '../../nodes/FortiAnalyzer/trigger/poll';
import { baselineFor, hasRisen, reasonsFor, type RiseRule } from '../../nodes/FortiAnalyzer/trigger/reasons';

const HOUR_MS = 3_600_000;
const T0 = Date.UTC(2026, 2, 2, 12, 0, 0);
const DEFAULT_RULE: RiseRule = { minimumIncreasePercent: 50, minimumIncrease: 1 };

function threat(overrides: Partial<Threat> = {}): Threat {
	return {
		threat: 'HTTP.URI.SQL.Injection',
		threattype: 'ips',
		severity: 'high',
		incidents: 10,
		blocked: 10,
		detected: 0,
		sources: null,
		destinations: null,
		threatweight: 300,
		rank: 1,
		tid: 12470,
		adom: 'root',
		...overrides,
	};
}

function remembered(overrides: Partial<RememberedThreat> = {}): RememberedThreat {
	return { incidents: 10, detected: 0, severity: 'high', windowMs: HOUR_MS, seenAt: T0, ...overrides };
}

describe('rise rule', () => {
	test.each([
		{ current: 15, baseline: 10, rule: DEFAULT_RULE, risen: true, why: 'exactly 50 % more' },
		{ current: 14, baseline: 10, rule: DEFAULT_RULE, risen: false, why: '40 % is below 50 %' },
		{ current: 1, baseline: 0, rule: DEFAULT_RULE, risen: true, why: 'from zero by the minimum count' },
		{ current: 2, baseline: 0, rule: { minimumIncreasePercent: 0, minimumIncrease: 3 }, risen: false, why: 'below the minimum count' },
		{ current: 10, baseline: 10, rule: { minimumIncreasePercent: 0, minimumIncrease: 0 }, risen: false, why: 'equal is no rise' },
		{ current: 10.5, baseline: 10, rule: { minimumIncreasePercent: 0, minimumIncrease: 0 }, risen: true, why: 'any growth with zero thresholds' },
		{ current: 5, baseline: 10, rule: DEFAULT_RULE, risen: false, why: 'a fall' },
	])('$why', ({ current, baseline, rule, risen }) => {
		expect(hasRisen(current, baseline, rule)).toBe(risen);
	});

	test('baseline scales counts to the window length', () => {
		const baseline = baselineFor(remembered({ incidents: 10, detected: 4, windowMs: HOUR_MS }), 3 * HOUR_MS);

		expect(baseline).toEqual({ incidents: 30, detected: 12 });
	});

	test('baseline keeps an unknown detected count unknown', () => {
		expect(baselineFor(remembered({ detected: null }), HOUR_MS).detected).toBeNull();
	});
});

describe('emit reasons', () => {
	test('unremembered threat is new', () => {
		expect(reasonsFor(threat(), undefined, HOUR_MS, DEFAULT_RULE)).toEqual(['new']);
	});

	test('equal counts give no reason', () => {
		expect(reasonsFor(threat(), remembered(), HOUR_MS, DEFAULT_RULE)).toEqual([]);
	});

	test('double count in double time is no rise', () => {
		expect(reasonsFor(threat({ incidents: 20 }), remembered(), 2 * HOUR_MS, DEFAULT_RULE)).toEqual([]);
	});

	test('several reasons come in emit order', () => {
		const reasons = reasonsFor(threat({ severity: 'critical', incidents: 40, detected: 5 }), remembered(), HOUR_MS, DEFAULT_RULE);

		expect(reasons).toEqual(['severity-rose', 'detected-rose', 'incidents-rose']);
	});

	test('lower severity is no reason', () => {
		expect(reasonsFor(threat({ severity: 'low' }), remembered({ severity: 'critical' }), HOUR_MS, DEFAULT_RULE)).toEqual([]);
	});

	test('unknown detected count is not compared', () => {
		expect(reasonsFor(threat({ detected: null }), remembered({ detected: 0 }), HOUR_MS, DEFAULT_RULE)).toEqual([]);
	});
});

describe('trigger memory', () => {
	const poll = (threats: Threat[], windowEnd: number) => ({ scope: 'root', windowEnd, windowMs: HOUR_MS, threats });

	test('memory round-trips through static data', () => {
		const staticData: IDataObject = {};
		const memory = rememberPoll(undefined, poll([threat()], T0), 7 * 24 * HOUR_MS);

		writeMemory(staticData, JSON.parse(JSON.stringify(memory)));

		expect(readMemory(staticData)).toEqual(memory);
	});

	test('memory reads from n8n-tracked static data', () => {
		const memory = rememberPoll(undefined, poll([threat()], T0), 7 * 24 * HOUR_MS);
		const nodeTypes = { getByName: jest.fn(), getByNameAndVersion: jest.fn(), getKnownTypes: () => ({}) } as unknown as INodeTypes;
		// The Workflow constructor wraps stored static data in n8n's change-tracking proxies, as after a restart.
		const workflow = new Workflow({
			nodes: [],
			connections: {},
			active: true,
			nodeTypes,
			staticData: { 'node:Trigger': { topThreats: JSON.parse(JSON.stringify(memory)) } },
		});

		expect(readMemory(workflow.staticData['node:Trigger'] as IDataObject)).toEqual(memory);
	});

	test('unreadable memory reads as none', () => {
		expect(readMemory({ topThreats: { version: 99, threats: {} } })).toBeUndefined();
	});

	test('poll replaces the counts of a seen threat', () => {
		const first = rememberPoll(undefined, poll([threat({ incidents: 10 })], T0), 7 * 24 * HOUR_MS);
		const second = rememberPoll(first, poll([threat({ incidents: 25 })], T0 + HOUR_MS), 7 * 24 * HOUR_MS);

		expect(second.threats['ips|HTTP.URI.SQL.Injection']).toEqual(remembered({ incidents: 25, seenAt: T0 + HOUR_MS }));
		expect(second.lastWindowEnd).toBe(T0 + HOUR_MS);
	});

	test('threat unseen for the forget period is dropped', () => {
		const first = rememberPoll(undefined, poll([threat({ threat: 'Gone' }), threat()], T0), 24 * HOUR_MS);
		const within = rememberPoll(first, poll([threat()], T0 + 24 * HOUR_MS), 24 * HOUR_MS);
		const beyond = rememberPoll(within, poll([threat()], T0 + 25 * HOUR_MS), 24 * HOUR_MS);

		expect(Object.keys(within.threats)).toContain('ips|Gone');
		expect(Object.keys(beyond.threats)).not.toContain('ips|Gone');
	});

	test('memory keeps newest threats at maximum', () => {
		const older = Array.from({ length: MAX_REMEMBERED_THREATS }, (_, index) => threat({ threat: `Old.${index}` }));
		const first = rememberPoll(undefined, poll(older, T0), 7 * 24 * HOUR_MS);
		const second = rememberPoll(first, poll([threat({ threat: 'Newest' })], T0 + HOUR_MS), 7 * 24 * HOUR_MS);

		expect(Object.keys(second.threats)).toHaveLength(MAX_REMEMBERED_THREATS);
		expect(second.threats['ips|Newest']).toBeDefined();
	});
});

describe('poll window', () => {
	const settings = { firstWindowMs: HOUR_MS, overlapMs: 5 * 60_000 };

	test('first poll reads the first window', () => {
		expect(pollWindow(undefined, T0, settings)).toEqual({ startMs: T0 - HOUR_MS, endMs: T0 });
	});

	test('later poll starts the overlap before the previous end', () => {
		expect(pollWindow(T0, T0 + HOUR_MS, settings)).toEqual({ startMs: T0 - 5 * 60_000, endMs: T0 + HOUR_MS });
	});

	test('window ends on a whole second', () => {
		expect(pollWindow(undefined, T0 + 1999, settings).endMs).toBe(T0 + 1000);
	});

	test('window is at least a minute long', () => {
		expect(pollWindow(T0, T0, { firstWindowMs: HOUR_MS, overlapMs: 0 })).toEqual({ startMs: T0 - 60_000, endMs: T0 });
	});

	test('future previous end still ends now', () => {
		expect(pollWindow(T0 + HOUR_MS, T0, settings)).toEqual({ startMs: T0 - 60_000, endMs: T0 });
	});
});
