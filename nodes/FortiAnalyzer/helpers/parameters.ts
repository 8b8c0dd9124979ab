import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import {
	absoluteTimeRange,
	MAX_LIMIT,
	parseDevices,
	relativeTimeRange,
	type Severity,
	type TopThreatsQuery,
	validateAdom,
	validateFilter,
	validateLimit,
	validateSortField,
	validateTid,
	validateTimezone,
} from '../client';

/** Readers for the node's parameters. Each validates its value, so bad input fails before any request. */

export function readAdom(context: IExecuteFunctions, itemIndex: number, defaultAdom: string): string {
	const adom = context.getNodeParameter('adom', itemIndex, '') as string;

	return validateAdom(adom.trim() === '' ? defaultAdom : adom);
}

export function readTid(context: IExecuteFunctions, itemIndex: number): number {
	return validateTid(context.getNodeParameter('tid', itemIndex));
}

/** Reads the task parameters. Without `withLimit` (Return All), the page size is FortiAnalyzer's maximum. */
export function readQuery(context: IExecuteFunctions, itemIndex: number, now: Date, { withLimit = true } = {}): TopThreatsQuery {
	const options = parseQueryOptions(context.getNodeParameter('queryOptions', itemIndex, {}) as IDataObject, context.getTimezone());

	const timeRange =
		context.getNodeParameter('timeRangeType', itemIndex) === 'absolute'
			? absoluteTimeRange(
					context.getNodeParameter('start', itemIndex),
					context.getNodeParameter('end', itemIndex),
					options.timezone,
					now,
				)
			: relativeTimeRange(
					context.getNodeParameter('last', itemIndex),
					context.getNodeParameter('unit', itemIndex),
					options.timezone,
					now,
				);

	return {
		timeRange,
		devices: options.devices,
		filter: options.filter,
		limit: withLimit ? validateLimit(context.getNodeParameter('limit', itemIndex)) : MAX_LIMIT,
		sort: options.sort,
	};
}

/** Validated Query Options collection: the task parameters besides the time range and limit. */
export interface QueryOptions {
	devices: TopThreatsQuery['devices'];
	filter: string | undefined;
	sort: NonNullable<TopThreatsQuery['sort']>;
	/** IANA time zone the time range is sent in. */
	timezone: string;
}

/** Validates the Query Options collection. An empty Timezone falls back to `defaultTimezone`, the workflow's. */
export function parseQueryOptions(options: IDataObject, defaultTimezone: string): QueryOptions {
	const filter = validateFilter(options.filter);

	return {
		devices: parseDevices(options.devices),
		filter: filter === '' ? undefined : filter,
		sort: { field: validateSortField(options.sortBy ?? 'threatweight'), order: options.sortOrder === 'asc' ? 'asc' : 'desc' },
		timezone: validateTimezone(nonEmptyString(options.timezone) ?? defaultTimezone),
	};
}

export interface OutputOptions {
	mode: 'perThreat' | 'summary';
	minimumSeverity: Severity;
	onlyDetected: boolean;
	includeRaw: boolean;
}

export function readOutputOptions(context: IExecuteFunctions, itemIndex: number): OutputOptions {
	return parseOutputOptions(context.getNodeParameter('outputOptions', itemIndex, {}) as IDataObject);
}

/** Reads the Output Options collection. An unknown or missing value takes the option's default. */
export function parseOutputOptions(options: IDataObject): OutputOptions {
	const severities: Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

	return {
		mode: options.outputMode === 'summary' ? 'summary' : 'perThreat',
		minimumSeverity: severities.find((severity) => severity === options.minimumSeverity) ?? 'info',
		onlyDetected: options.onlyDetected === true,
		includeRaw: options.includeRaw === true,
	};
}

export interface WaitSettings {
	maxWaitMs: number;
	minIntervalMs: number;
	maxIntervalMs: number;
	stallTimeoutMs: number;
}

export function readWaitSettings(context: IExecuteFunctions, itemIndex: number): WaitSettings {
	return parseWaitSettings(context.getNodeParameter('waitOptions', itemIndex, {}) as IDataObject);
}

/** Reads the Waiting Options collection. A missing or non-positive value takes the option's default. */
export function parseWaitSettings(options: IDataObject): WaitSettings {
	return {
		maxWaitMs: positiveNumber(options.maxWaitSeconds, 120) * 1000,
		minIntervalMs: positiveNumber(options.minPollIntervalMs, 200),
		maxIntervalMs: positiveNumber(options.maxPollIntervalSeconds, 5) * 1000,
		stallTimeoutMs: positiveNumber(options.stallTimeoutSeconds, 60) * 1000,
	};
}

function positiveNumber(value: unknown, fallback: number): number {
	return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

function nonEmptyString(value: unknown): string | undefined {
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
