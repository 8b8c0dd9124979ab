/**
 * Synthetic threats for ADOMs that need many rows, such as benchmarks of paging through 20,000 rows. Each row
 * copies a catalogue threat under a numbered name, with counts that fall with the row number, so sorting by
 * threat weight keeps the numbering and the same count always gives the same rows.
 */
import { DEVICES, THREATS } from './catalogue';
import type { ThreatTotal } from './dataset';

export function bulkTotals(count: number): ThreatTotal[] {
	const totals: ThreatTotal[] = [];

	for (let index = 0; index < count; index++) {
		const base = THREATS[index % THREATS.length];
		const incidents = Math.max(1, count - index);
		totals.push({
			definition: { ...base, threat: `${base.threat}#${String(index + 1).padStart(5, '0')}` },
			incidents,
			incidentPass: Math.round(incidents * base.passRatio),
			devices: base.devices.map((deviceIndex) => DEVICES[deviceIndex]),
			sources: ['198.51.100.7'],
			destinations: ['10.20.1.10'],
			dstcountry: 'Reserved',
		});
	}

	return totals;
}
