import { type ErrorContext, ApiError, MalformedResponseError } from './errors';
import type { RpcReply } from './reply';
import {
	apiver3FetchSchema,
	apiver3RowSchema,
	documentedFetchSchema,
	documentedThreatSchema,
	type Severity,
	severitySchema,
} from './schemas';

/**
 * The canonical threat: one shape for both response dialects. A field that the responding FortiAnalyzer
 * does not provide is `null`, never invented.
 */
export interface Threat {
	threat: string;
	threattype: string;
	severity: Severity | null;
	incidents: number;
	blocked: number | null;
	/** Incidents that were detected but not blocked. */
	detected: number | null;
	sources: number | null;
	destinations: number | null;
	threatweight: number | null;
	/** Position in FortiAnalyzer's result, starting at 1. The first row of a task created with an offset has rank `offset + 1`. */
	rank: number;
	tid: number;
	adom: string;
	/** The row exactly as FortiAnalyzer sent it. Set only when the caller requests it. */
	raw?: Record<string, unknown>;
}

export type Dialect = 'apiver3' | 'documented';

/** A fetched FortiView task: its progress and, once it is done, its threats. */
export interface TaskResult {
	tid: number;
	adom: string;
	percentage: number;
	/**
	 * True once FortiAnalyzer reports 100 %, unless an apiver-3 page at 100 % is empty while `total-count-all` counts
	 * rows for it. Until then `threats` is a partial aggregate.
	 */
	done: boolean;
	threats: Threat[];
	/** The total number of matching threats when FortiAnalyzer reports it, else null. */
	total: number | null;
	dialect: Dialect;
}

export interface NormalizeOptions {
	tid: number;
	adom: string;
	/** Keep each row as sent in `raw`. */
	includeRaw?: boolean;
	/** Rank of the first row, for pages created with an offset. Default 1. */
	firstRank?: number;
}

/** FortiOS threat levels as FortiAnalyzer numbers them in `threatlevel`. */
const SEVERITY_BY_LEVEL: Record<number, Severity> = {
	5: 'critical',
	4: 'high',
	3: 'medium',
	2: 'low',
	1: 'info',
};

/** Turns a fetch reply of either dialect into a task result with canonical threats. */
export function readTaskResult(reply: RpcReply, options: NormalizeOptions, context: ErrorContext): TaskResult {
	if (reply.form === 'object') return readApiver3Result(reply.result, options, context);
	if (reply.form === 'list') return readDocumentedResult(reply.entry.data, options, context);

	throw new MalformedResponseError('FortiAnalyzer returned no result for the task', context);
}

function readApiver3Result(result: unknown, options: NormalizeOptions, context: ErrorContext): TaskResult {
	const parsed = apiver3FetchSchema.safeParse(result);
	if (!parsed.success) throw malformed('task result', parsed.error.issues, context);

	const percentage = clampPercentage(parsed.data.percentage);
	const threats = parsed.data.data.map((row, index) => normalizeApiver3Row(row, index, options, context));
	const total = parsed.data['total-count-all'];

	// FortiAnalyzer 7.6.7 was seen to report 100 % with an empty page while its own count showed that rows exist.
	// Such a page is not final, so the task counts as still running.
	const emptyButCounted = threats.length === 0 && total !== null && total > (options.firstRank ?? 1) - 1;

	return {
		tid: options.tid,
		adom: options.adom,
		percentage,
		done: percentage >= 100 && !emptyButCounted,
		threats,
		total,
		dialect: 'apiver3',
	};
}

function readDocumentedResult(data: unknown, options: NormalizeOptions, context: ErrorContext): TaskResult {
	const parsed = documentedFetchSchema.safeParse(data);
	if (!parsed.success) throw malformed('task result', parsed.error.issues, context);

	const { status, threats: rows, total } = parsed.data;
	if (status === 'error') throw new ApiError('FortiAnalyzer reports that the task failed', context);

	// The documented shape carries both a status word and a percentage, and either one may report "done".
	const reportedPercentage = parsed.data.percentage ?? (status === 'done' ? 100 : 0);
	const done = status === 'done' || reportedPercentage >= 100;
	const percentage = done ? 100 : clampPercentage(reportedPercentage);
	const threats = rows.map((row, index) => normalizeDocumentedThreat(row, index, options, context));

	return { tid: options.tid, adom: options.adom, percentage, done, threats, total, dialect: 'documented' };
}

/** Normalises one apiver-3 row (FortiAnalyzer 7.4/7.6) into the canonical threat. */
export function normalizeApiver3Row(
	row: unknown,
	index: number,
	options: NormalizeOptions,
	context: ErrorContext,
): Threat {
	const parsed = apiver3RowSchema.safeParse(row);
	if (!parsed.success) throw malformed(`threat row ${index + 1}`, parsed.error.issues, context);

	const value = parsed.data;
	const threat: Threat = {
		threat: value.threat,
		threattype: value.threattype,
		severity: severityFromLabel(value.level_s) ?? severityFromLevel(value.threatlevel),
		incidents: value.incidents,
		blocked: value.incident_block,
		detected: value.incident_pass,
		sources: null,
		destinations: null,
		threatweight: value.threatweight,
		rank: (options.firstRank ?? 1) + index,
		tid: options.tid,
		adom: options.adom,
	};
	if (options.includeRaw) threat.raw = row as Record<string, unknown>;

	return threat;
}

/** Normalises one threat of the documented shape into the canonical threat. */
export function normalizeDocumentedThreat(
	row: unknown,
	index: number,
	options: NormalizeOptions,
	context: ErrorContext,
): Threat {
	const parsed = documentedThreatSchema.safeParse(row);
	if (!parsed.success) throw malformed(`threat ${index + 1}`, parsed.error.issues, context);

	const value = parsed.data;
	const threat: Threat = {
		threat: value.threat,
		threattype: value.threattype,
		severity: severityFromLabel(value.severity),
		incidents: value.incidents,
		blocked: value.blocked,
		detected: value.detected,
		sources: value.sources,
		destinations: value.destinations,
		threatweight: null,
		rank: (options.firstRank ?? 1) + index,
		tid: options.tid,
		adom: options.adom,
	};
	if (options.includeRaw) threat.raw = row as Record<string, unknown>;

	return threat;
}

function severityFromLabel(label: string | undefined): Severity | null {
	if (label === undefined) return null;

	const parsed = severitySchema.safeParse(label.trim().toLowerCase());
	if (parsed.success) return parsed.data;

	return label.trim().toLowerCase() === 'information' ? 'info' : null;
}

function severityFromLevel(level: number | null): Severity | null {
	if (level === null) return null;

	return SEVERITY_BY_LEVEL[level] ?? null;
}

function clampPercentage(percentage: number): number {
	return Math.min(100, Math.max(0, percentage));
}

interface SchemaIssue {
	path: PropertyKey[];
	message: string;
}

function malformed(what: string, issues: SchemaIssue[], context: ErrorContext): MalformedResponseError {
	const first = issues[0];
	const field = first && first.path.length > 0 ? ` at "${first.path.map(String).join('.')}"` : '';
	const reason = first ? `: ${first.message}${field}` : '';

	return new MalformedResponseError(`FortiAnalyzer returned an unreadable ${what}${reason}`, context);
}
