import type { Threat, TimeRange } from '../client';
import { SEVERITY_RANK } from '../helpers/output';
import type { RememberedThreat } from './memory';

/** Reason for which the trigger emits a threat. */
export type EmitReason = 'new' | 'severity-rose' | 'detected-rose' | 'incidents-rose';

/** Every reason, in the order that picks an item's main `reason` when several apply. */
export const EMIT_REASONS: readonly EmitReason[] = ['new', 'severity-rose', 'detected-rose', 'incidents-rose'];

/** Minimum growth of a count over its baseline for the count to have risen. */
export interface RiseRule {
	/** Minimum growth in percent of the baseline. 0 accepts any growth. */
	minimumIncreasePercent: number;
	/** Minimum growth in incidents, whatever the percentage. */
	minimumIncrease: number;
}

/** The previous counts scaled to the length of the current window, so that both cover the same time. */
export interface Baseline {
	incidents: number;
	detected: number | null;
}

/** A threat as the trigger emits it: the canonical threat plus why it was emitted and what it was before. */
export interface TrendThreat extends Threat {
	/** The first of `reasons` that the node emits for. */
	reason: EmitReason;
	/** Every reason that applies, in the order of `EMIT_REASONS`. */
	reasons: EmitReason[];
	/** Counts and severity from the last poll that returned the threat, or null for a new threat. */
	previous: { incidents: number; detected: number | null; severity: Threat['severity']; seenAt: string; windowMinutes: number } | null;
	/** The previous counts scaled to this window's length, rounded to one decimal, or null for a new threat. */
	baseline: Baseline | null;
	windowMinutes: number;
	timeRange: TimeRange;
}

/** Scales the remembered counts from the window they cover to a window of `windowMs`. */
export function baselineFor(remembered: RememberedThreat, windowMs: number): Baseline {
	const factor = windowMs / remembered.windowMs;

	return {
		incidents: remembered.incidents * factor,
		detected: remembered.detected === null ? null : remembered.detected * factor,
	};
}

/** Returns whether `current` exceeds `baseline` by the rule's minimum count and by its minimum percentage. */
export function hasRisen(current: number, baseline: number, rule: RiseRule): boolean {
	const increase = current - baseline;

	return increase > 0 && increase >= rule.minimumIncrease && increase >= (baseline * rule.minimumIncreasePercent) / 100;
}

/**
 * Lists the reasons to emit a threat, compared with the last poll that returned it. A threat that is not
 * remembered is `new`. Otherwise `severity-rose` applies when its severity is higher, and `detected-rose` or
 * `incidents-rose` when that count rose over its baseline by the rise rule. An empty list means nothing changed enough.
 */
export function reasonsFor(threat: Threat, remembered: RememberedThreat | undefined, windowMs: number, rule: RiseRule): EmitReason[] {
	if (!remembered) return ['new'];

	const reasons: EmitReason[] = [];
	if (threat.severity !== null && remembered.severity !== null && SEVERITY_RANK[threat.severity] > SEVERITY_RANK[remembered.severity]) {
		reasons.push('severity-rose');
	}

	const baseline = baselineFor(remembered, windowMs);
	if (threat.detected !== null && baseline.detected !== null && hasRisen(threat.detected, baseline.detected, rule)) {
		reasons.push('detected-rose');
	}
	if (hasRisen(threat.incidents, baseline.incidents, rule)) reasons.push('incidents-rose');

	return reasons;
}

/** Builds the emitted item of a threat whose `reasons` contain at least one of `emitFor`. */
export function trendThreat(
	threat: Threat,
	reasons: EmitReason[],
	emitFor: readonly EmitReason[],
	remembered: RememberedThreat | undefined,
	window: { windowMs: number; timeRange: TimeRange },
): TrendThreat {
	const reason = reasons.find((candidate) => emitFor.includes(candidate)) ?? reasons[0];
	const baseline = remembered ? baselineFor(remembered, window.windowMs) : null;

	return {
		...threat,
		reason,
		reasons,
		previous: remembered
			? {
					incidents: remembered.incidents,
					detected: remembered.detected,
					severity: remembered.severity,
					seenAt: new Date(remembered.seenAt).toISOString(),
					windowMinutes: toMinutes(remembered.windowMs),
				}
			: null,
		baseline: baseline
			? { incidents: roundToTenth(baseline.incidents), detected: baseline.detected === null ? null : roundToTenth(baseline.detected) }
			: null,
		windowMinutes: toMinutes(window.windowMs),
		timeRange: window.timeRange,
	};
}

function toMinutes(ms: number): number {
	return roundToTenth(ms / 60_000);
}

function roundToTenth(value: number): number {
	return Math.round(value * 10) / 10;
}
