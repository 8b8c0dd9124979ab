import type { Threat } from '../../nodes/FortiAnalyzer/client';
import { comparePeriods, highestSeverity } from '../../nodes/FortiAnalyzer/helpers/periodComparison';

function threat(name: string, overrides: Partial<Threat> = {}): Threat {
	return {
		threat: name,
		threattype: 'ips',
		severity: 'medium',
		incidents: 10,
		blocked: 10,
		detected: 0,
		sources: null,
		destinations: null,
		threatweight: 100,
		rank: 1,
		tid: 12470,
		adom: 'root',
		...overrides,
	};
}

describe('period comparison', () => {
	test.each([
		{ name: 'new', current: [threat('A')], previous: [], statuses: ['new'] },
		{ name: 'resolved', current: [], previous: [threat('A')], statuses: ['resolved'] },
		{ name: 'persisting', current: [threat('A', { incidents: 30 })], previous: [threat('A')], statuses: ['persisting'] },
		{ name: 'unblocked', current: [threat('A', { detected: 2, blocked: 8 })], previous: [threat('A')], statuses: ['unblocked'] },
		{ name: 'escalated', current: [threat('A', { severity: 'high' })], previous: [threat('A')], statuses: ['escalated'] },
		{
			name: 'unblocked and escalated',
			current: [threat('A', { severity: 'critical', detected: 1 })],
			previous: [threat('A')],
			statuses: ['unblocked', 'escalated'],
		},
	])('$name', ({ current, previous, statuses }) => {
		const [compared] = comparePeriods(current, previous);

		expect(compared.statuses).toEqual(statuses);
		expect(compared.status).toBe(statuses[0]);
	});

	test('detected rising from above zero is not unblocked', () => {
		const [compared] = comparePeriods([threat('A', { detected: 5 })], [threat('A', { detected: 1 })]);

		expect(compared.status).toBe('persisting');
	});

	test('unknown detected count is not unblocked', () => {
		const [compared] = comparePeriods([threat('A', { detected: 3 })], [threat('A', { detected: null })]);

		expect(compared.status).toBe('persisting');
		expect(compared.detectedChange).toBeNull();
	});

	test('changes count both periods', () => {
		const [compared] = comparePeriods([threat('A', { incidents: 15, detected: 3, blocked: 12, rank: 2 })], [threat('A', { rank: 4 })]);

		expect(compared).toMatchObject({
			incidents: 15,
			previousIncidents: 10,
			incidentsChange: 5,
			incidentsChangePercent: 50,
			detected: 3,
			previousDetected: 0,
			detectedChange: 3,
			blocked: 12,
			previousBlocked: 10,
			rank: 2,
			previousRank: 4,
		});
	});

	test('missing period counts as zero', () => {
		const [resolved] = comparePeriods([], [threat('A', { severity: 'high' })]);

		expect(resolved).toMatchObject({ incidents: 0, detected: 0, blocked: 0, rank: null, severity: 'high', previousSeverity: 'high' });
		expect(resolved.incidentsChange).toBe(-10);
	});

	test('new threat has no change percentage', () => {
		expect(comparePeriods([threat('A')], [])[0].incidentsChangePercent).toBeNull();
	});

	test('same name in another threat type is another threat', () => {
		const compared = comparePeriods([threat('A', { threattype: 'virus' })], [threat('A')]);

		expect(compared.map((entry) => entry.status)).toEqual(['new', 'resolved']);
	});

	test('current threats come first, then resolved ones', () => {
		const compared = comparePeriods([threat('B'), threat('C')], [threat('A'), threat('C')]);

		expect(compared.map((entry) => entry.threat)).toEqual(['B', 'C', 'A']);
	});

	test('highest severity takes either period', () => {
		expect(highestSeverity({ severity: 'low', previousSeverity: 'critical' })).toBe('critical');
		expect(highestSeverity({ severity: 'high', previousSeverity: null })).toBe('high');
		expect(highestSeverity({ severity: null, previousSeverity: null })).toBeNull();
	});
});
