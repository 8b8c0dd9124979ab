import type { IDataObject } from 'n8n-workflow';

import type { Severity, TaskResult, Threat } from '../client';
import type { OutputOptions } from './parameters';

export const SEVERITY_RANK: Record<Severity, number> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };

/**
 * Applies the output options to a finished task: the threat items, or one summary item that also carries
 * `summaryFields`. Threat objects are passed on, not copied, so memory grows only with the rows kept.
 */
export function threatOutput(
	result: Pick<TaskResult, 'tid' | 'adom' | 'threats' | 'total'>,
	options: OutputOptions,
	summaryFields: IDataObject = {},
): IDataObject[] {
	const threats = result.threats.filter((threat) => keepThreat(threat, options));
	if (options.mode === 'summary') return [summarize(result, threats, summaryFields)];

	return threats as unknown as IDataObject[];
}

/**
 * Adds `taskDurationMs` to each item of `threatOutput`: every threat item, or the one summary item. It is the
 * time from the first poll of the task to FortiAnalyzer's 100 %, summed over the tasks when Return All pages.
 * The items belong to the caller's output, so they are changed in place rather than copied.
 */
export function withTaskDuration(items: IDataObject[], taskDurationMs: number): IDataObject[] {
	for (const item of items) item.taskDurationMs = taskDurationMs;

	return items;
}

/** Returns whether a threat passes the Minimum Severity and Only Detected options. */
export function keepThreat(threat: Threat, options: OutputOptions): boolean {
	if (options.onlyDetected && !((threat.detected ?? 0) > 0)) return false;
	if (options.minimumSeverity === 'info') return true;

	return threat.severity !== null && SEVERITY_RANK[threat.severity] >= SEVERITY_RANK[options.minimumSeverity];
}

function summarize(result: Pick<TaskResult, 'tid' | 'adom' | 'total'>, threats: Threat[], extra: IDataObject): IDataObject {
	const bySeverity: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
	for (const threat of threats) {
		if (threat.severity) bySeverity[threat.severity] += 1;
	}

	return {
		tid: result.tid,
		adom: result.adom,
		threatCount: threats.length,
		detectedThreatCount: threats.filter((threat) => (threat.detected ?? 0) > 0).length,
		bySeverity,
		incidents: sum(threats, 'incidents'),
		blocked: sum(threats, 'blocked'),
		detected: sum(threats, 'detected'),
		total: result.total,
		threats: threats as unknown as IDataObject[],
		...extra,
	};
}

function sum(threats: Threat[], field: 'incidents' | 'blocked' | 'detected'): number {
	return threats.reduce((total, threat) => total + (threat[field] ?? 0), 0);
}
