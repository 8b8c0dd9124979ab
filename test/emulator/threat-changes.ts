/**
 * Changes that tests lay over the seeded data of an ADOM: scale a threat, change its level or the share of its
 * incidents that pass, or add a threat the catalogue lacks. They apply when a task is created, so a test can
 * change the data between two tasks, or give two time ranges different data with `from` and `until`.
 */
import { DEVICES, THREATS, type ThreatDefinition } from './catalogue';
import type { ThreatTotal, TimeWindow } from './dataset';
import type { ThreatChange } from './types';

const HOUR_MS = 3_600_000;

/** Checks every change and returns a copy. Throws a TypeError that names the first invalid field. */
export function checkThreatChanges(changes: readonly ThreatChange[]): ThreatChange[] {
	return changes.map((change, index) => {
		const field = (name: string) => `threat change ${index} (${JSON.stringify(change.threat)}): ${name}`;

		if (typeof change.threat !== 'string' || change.threat === '') throw new TypeError(`threat change ${index}: threat must be a non-empty name`);
		if (change.scale !== undefined && !(change.scale >= 0 && Number.isFinite(change.scale))) {
			throw new TypeError(`${field('scale')} must be a finite number, 0 or more; got ${String(change.scale)}`);
		}
		if (change.level !== undefined && ![1, 2, 3, 4, 5].includes(change.level)) {
			throw new TypeError(`${field('level')} must be 1 (info) to 5 (critical); got ${String(change.level)}`);
		}
		if (change.passRatio !== undefined && !(change.passRatio >= 0 && change.passRatio <= 1)) {
			throw new TypeError(`${field('passRatio')} must be from 0 to 1; got ${String(change.passRatio)}`);
		}
		if (change.ratePerHour !== undefined && !(change.ratePerHour >= 0 && Number.isFinite(change.ratePerHour))) {
			throw new TypeError(`${field('ratePerHour')} must be a finite number, 0 or more; got ${String(change.ratePerHour)}`);
		}
		if (change.from !== undefined && change.until !== undefined && change.until < change.from) {
			throw new TypeError(`${field('until')} is before from`);
		}

		return { ...change };
	});
}

/**
 * Applies the changes in order to the totals of one task. A change applies only when the task's window lies
 * within its `from` and `until`. A change for a threat that the totals do not contain adds it when it sets
 * `ratePerHour`, and is skipped otherwise.
 */
export function applyThreatChanges(totals: ThreatTotal[], changes: readonly ThreatChange[], window: TimeWindow): ThreatTotal[] {
	let changed = totals;

	for (const change of changes) {
		if (!appliesTo(change, window)) continue;

		const index = changed.findIndex((total) => total.definition.threat === change.threat);
		if (index >= 0) {
			const next = changeTotal(changed[index], change, window);
			changed = changed.map((total, position) => (position === index ? next : total));
		} else if (change.ratePerHour !== undefined) {
			changed = [...changed, changeTotal(addedTotal(change), change, window)];
		}
	}

	return changed.filter((total) => total.incidents > 0);
}

function appliesTo(change: ThreatChange, window: TimeWindow): boolean {
	if (change.from !== undefined && window.startMs < change.from) return false;
	if (change.until !== undefined && window.endMs > change.until) return false;

	return true;
}

function changeTotal(total: ThreatTotal, change: ThreatChange, window: TimeWindow): ThreatTotal {
	const definition: ThreatDefinition = {
		...total.definition,
		level: change.level ?? total.definition.level,
		passRatio: change.passRatio ?? total.definition.passRatio,
	};

	const base = change.ratePerHour === undefined ? total.incidents : (change.ratePerHour * (window.endMs - window.startMs)) / HOUR_MS;
	const incidents = Math.round(base * (change.scale ?? 1));

	// Without a new pass ratio the passed share stays what it was, so scaling keeps detected in proportion.
	const passShare = change.passRatio ?? (total.incidents > 0 ? total.incidentPass / total.incidents : definition.passRatio);
	const incidentPass = Math.min(incidents, Math.round(incidents * passShare));

	return {
		...total,
		definition,
		incidents,
		incidentPass,
		sources: total.sources.slice(0, incidents),
		destinations: total.destinations.slice(0, incidents),
	};
}

/** Creates a threat with no incidents yet, for `changeTotal` to fill in. A catalogue threat keeps its definition. */
function addedTotal(change: ThreatChange): ThreatTotal {
	const catalogued = THREATS.find((definition) => definition.threat === change.threat);
	const definition: ThreatDefinition = catalogued ?? {
		threat: change.threat,
		threattype: change.threattype ?? 'ips',
		category: 'ips',
		level: 3,
		ratePerHour: change.ratePerHour ?? 0,
		passRatio: 0,
		devices: [0],
		sourceCount: 3,
		destinationCount: 1,
	};

	return {
		definition,
		incidents: 0,
		incidentPass: 0,
		devices: definition.devices.map((index) => DEVICES[index]),
		sources: ['198.51.100.201', '198.51.100.202', '198.51.100.203'],
		destinations: ['10.10.0.61'],
		dstcountry: 'Reserved',
	};
}
