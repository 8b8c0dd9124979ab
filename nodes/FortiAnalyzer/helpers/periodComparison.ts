import type { Severity, Threat } from '../client';
import { SEVERITY_RANK } from './output';

/**
 * The change of a threat from a previous period to the current one:
 * - `new`: only in the current period's top threats;
 * - `resolved`: only in the previous period's top threats;
 * - `unblocked`: in both, with no detected incidents before and some now, so the threat started to get through;
 * - `escalated`: in both, with a higher severity now;
 * - `persisting`: in both, with neither of the above.
 */
export type PeriodStatus = 'new' | 'resolved' | 'unblocked' | 'escalated' | 'persisting';

export const PERIOD_STATUSES: readonly PeriodStatus[] = ['new', 'resolved', 'unblocked', 'escalated', 'persisting'];

/**
 * One threat with the counts of both periods. A threat missing from a period's top threats has 0 incidents,
 * blocked and detected there, and a null severity and rank.
 */
export interface ComparedThreat {
	threat: string;
	threattype: string;
	/** The first of `statuses`. */
	status: PeriodStatus;
	/** Both `unblocked` and `escalated` when both apply, otherwise the one status. */
	statuses: PeriodStatus[];
	/** The current severity, or the previous one for a resolved threat. */
	severity: Severity | null;
	previousSeverity: Severity | null;
	incidents: number;
	previousIncidents: number;
	incidentsChange: number;
	/** The change in percent of the previous incidents, to one decimal, or null when there were none. */
	incidentsChangePercent: number | null;
	blocked: number | null;
	previousBlocked: number | null;
	detected: number | null;
	previousDetected: number | null;
	/** Null when FortiAnalyzer reported no detected count for one of the periods. */
	detectedChange: number | null;
	rank: number | null;
	previousRank: number | null;
}

/** Pairs the threats of two periods by threat type and name. Current threats come first in their rank order, then resolved ones. */
export function comparePeriods(current: Threat[], previous: Threat[]): ComparedThreat[] {
	const previousByKey = new Map(previous.map((threat) => [threatKey(threat), threat]));
	const currentKeys = new Set(current.map(threatKey));

	const compared = current.map((threat) => compareThreat(threat, previousByKey.get(threatKey(threat))));
	for (const threat of previous) {
		if (!currentKeys.has(threatKey(threat))) compared.push(compareThreat(undefined, threat));
	}

	return compared;
}

/** Returns the higher severity of the two periods, for the Minimum Severity option. */
export function highestSeverity(threat: Pick<ComparedThreat, 'severity' | 'previousSeverity'>): Severity | null {
	const { severity, previousSeverity } = threat;
	if (severity === null || previousSeverity === null) return severity ?? previousSeverity;

	return SEVERITY_RANK[severity] >= SEVERITY_RANK[previousSeverity] ? severity : previousSeverity;
}

function compareThreat(current: Threat | undefined, previous: Threat | undefined): ComparedThreat {
	const named = (current ?? previous) as Threat;
	const statuses = statusesOf(current, previous);
	const incidents = current?.incidents ?? 0;
	const previousIncidents = previous?.incidents ?? 0;
	const detected = countOf(current, 'detected');
	const previousDetected = countOf(previous, 'detected');

	return {
		threat: named.threat,
		threattype: named.threattype,
		status: statuses[0],
		statuses,
		severity: current ? current.severity : (previous?.severity ?? null),
		previousSeverity: previous?.severity ?? null,
		incidents,
		previousIncidents,
		incidentsChange: incidents - previousIncidents,
		incidentsChangePercent: previousIncidents > 0 ? Math.round(((incidents - previousIncidents) / previousIncidents) * 1000) / 10 : null,
		blocked: countOf(current, 'blocked'),
		previousBlocked: countOf(previous, 'blocked'),
		detected,
		previousDetected,
		detectedChange: detected === null || previousDetected === null ? null : detected - previousDetected,
		rank: current?.rank ?? null,
		previousRank: previous?.rank ?? null,
	};
}

function statusesOf(current: Threat | undefined, previous: Threat | undefined): PeriodStatus[] {
	if (!previous) return ['new'];
	if (!current) return ['resolved'];

	const statuses: PeriodStatus[] = [];
	if (previous.detected === 0 && current.detected !== null && current.detected > 0) statuses.push('unblocked');
	if (current.severity !== null && previous.severity !== null && SEVERITY_RANK[current.severity] > SEVERITY_RANK[previous.severity]) {
		statuses.push('escalated');
	}

	return statuses.length > 0 ? statuses : ['persisting'];
}

/** Returns a count of one period: 0 when the threat is not among its top threats, null when FortiAnalyzer did not report it. */
function countOf(threat: Threat | undefined, field: 'blocked' | 'detected'): number | null {
	return threat === undefined ? 0 : threat[field];
}

/** Returns the key that identifies a threat across tasks. FortiAnalyzer names a threat by its name within its threat type. */
export function threatKey(threat: Pick<Threat, 'threat' | 'threattype'>): string {
	return `${threat.threattype}|${threat.threat}`;
}
