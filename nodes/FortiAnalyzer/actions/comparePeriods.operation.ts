import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { absoluteTimeRange, type Threat, type TimeRange, type TopThreatsQuery, validateTid } from '../client';
import { outputOptionsField } from '../descriptions/output';
import { comparePeriods, type ComparedThreat, highestSeverity, PERIOD_STATUSES, type PeriodStatus } from '../helpers/periodComparison';
import { SEVERITY_RANK } from '../helpers/output';
import { parseOutputOptions, readAdom, readQuery } from '../helpers/parameters';
import { runTask } from './paging';
import type { OperationContext } from './types';
import { waitWithProgress } from './waiting';

const HOUR_MS = 3_600_000;

/** Shift back in ms for each choice of Previous Period. `preceding` shifts by the window's own length. */
const PREVIOUS_PERIOD_SHIFT_MS: Record<string, number | 'windowLength'> = {
	preceding: 'windowLength',
	dayBefore: 24 * HOUR_MS,
	weekBefore: 7 * 24 * HOUR_MS,
};

const show = (extra: Record<string, string[]> = {}) => ({ show: { operation: ['comparePeriods'], ...extra } });

const outputOption = (name: string) => {
	const option = outputOptionsField.options?.find((candidate) => candidate.name === name);
	if (!option) throw new Error(`The output options have no "${name}" option`);

	return option;
};

/** The source of the two periods. It comes before the query fields, whose display depends on it. */
export const sourceField: INodeProperties = {
	displayName: 'Compare',
	name: 'compareSource',
	type: 'options',
	options: [
		{
			name: 'Two Time Ranges',
			value: 'timeRanges',
			description: 'Run one task for the time range below and one for the previous period',
		},
		{
			name: 'Two Existing Tasks',
			value: 'tasks',
			description: 'Compare two tasks made with Create Task; the node waits for them and leaves them in place',
		},
	],
	default: 'timeRanges',
	description: 'Whether to run two new tasks for two time ranges, or to read two tasks made earlier with Create Task',
	displayOptions: show(),
};

export const description: INodeProperties[] = [
	{
		displayName: 'Previous Period',
		name: 'previousPeriod',
		type: 'options',
		options: [
			{ name: 'The Same Length Right Before', value: 'preceding', description: 'A window of the same length that ends where the time range starts' },
			{ name: '24 Hours Earlier', value: 'dayBefore', description: 'The same window shifted back by 24 hours' },
			{ name: '7 Days Earlier', value: 'weekBefore', description: 'The same window shifted back by 7 days, to compare a weekday with the same weekday' },
			{ name: 'Custom Start and End', value: 'custom' },
		],
		default: 'preceding',
		description: 'The period the time range above is compared with',
		displayOptions: show({ compareSource: ['timeRanges'] }),
	},
	{
		displayName: 'Previous Start',
		name: 'previousStart',
		type: 'dateTime',
		required: true,
		default: '',
		description: 'Start of the previous period. A value without an offset is read in the timezone of the query options.',
		displayOptions: show({ compareSource: ['timeRanges'], previousPeriod: ['custom'] }),
	},
	{
		displayName: 'Previous End',
		name: 'previousEnd',
		type: 'dateTime',
		required: true,
		default: '',
		description: 'End of the previous period. It must be after the start.',
		displayOptions: show({ compareSource: ['timeRanges'], previousPeriod: ['custom'] }),
	},
	{
		displayName: 'Current Task ID',
		name: 'currentTid',
		type: 'string',
		required: true,
		default: '',
		description: 'The tid of the task for the current period, as returned by Create Task',
		displayOptions: show({ compareSource: ['tasks'] }),
	},
	{
		displayName: 'Previous Task ID',
		name: 'previousTid',
		type: 'string',
		required: true,
		default: '',
		description: 'The tid of the task for the previous period, as returned by Create Task',
		displayOptions: show({ compareSource: ['tasks'] }),
	},
	{
		displayName: 'Compare Options',
		name: 'compareOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				...outputOption('minimumSeverity'),
				description: 'Drop threats below this severity in both periods',
			},
			{
				displayName: 'Only Changed',
				name: 'onlyChanged',
				type: 'boolean',
				default: false,
				description: 'Whether to drop persisting threats and keep only those that are new, resolved, unblocked or escalated',
			},
			{
				...outputOption('outputMode'),
				description: 'Whether each threat becomes its own item, or one item contains all threats and the count of each status',
			},
		],
		displayOptions: show(),
	},
];

/** One side of the comparison: its threats and the description of their source that each item carries. */
interface Period {
	threats: Threat[];
	/** The time range the task covered, or only its tid for a task the user made. */
	description: IDataObject;
}

/**
 * Fetches the top threats of two periods and emits each threat with both periods' counts, the change and a
 * status. With two time ranges it runs one task after the other, each deleted when done, so that the item
 * uses only one FortiAnalyzer search slot at a time.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, context: OperationContext): Promise<IDataObject[]> {
	const adom = readAdom(this, itemIndex, context.defaultAdom);
	const options = this.getNodeParameter('compareOptions', itemIndex, {}) as IDataObject;
	const output = parseOutputOptions(options);
	const onlyChanged = options.onlyChanged === true;

	const [current, previous] =
		this.getNodeParameter('compareSource', itemIndex, 'timeRanges') === 'tasks'
			? await fetchTaskPeriods(this, itemIndex, context, adom)
			: await runPeriods(this, itemIndex, context, adom);

	const periods = { adom, currentPeriod: current.description, previousPeriod: previous.description };
	const threats = comparePeriods(current.threats, previous.threats).filter((threat) => {
		if (onlyChanged && threat.status === 'persisting') return false;
		if (output.minimumSeverity === 'info') return true;

		const severity = highestSeverity(threat);
		return severity !== null && SEVERITY_RANK[severity] >= SEVERITY_RANK[output.minimumSeverity];
	});

	if (output.mode === 'summary') return [summarize(threats, periods)];

	return threats.map((threat) => ({ ...threat, ...periods }));
}

async function runPeriods(context: IExecuteFunctions, itemIndex: number, operation: OperationContext, adom: string): Promise<[Period, Period]> {
	const currentQuery = readQuery(context, itemIndex, new Date());
	const previousQuery = { ...currentQuery, timeRange: readPreviousRange(context, itemIndex, currentQuery.timeRange) };

	const previous = await runPeriod(context, itemIndex, operation, adom, previousQuery);
	const current = await runPeriod(context, itemIndex, operation, adom, currentQuery);

	return [current, previous];
}

async function runPeriod(
	context: IExecuteFunctions,
	itemIndex: number,
	operation: OperationContext,
	adom: string,
	query: TopThreatsQuery,
): Promise<Period> {
	const result = await runTask(context, itemIndex, operation, { adom, query, includeRaw: false });

	return { threats: result.threats, description: { ...query.timeRange } };
}

/** Reads the previous period's time range, in the same timezone as the current one. */
function readPreviousRange(context: IExecuteFunctions, itemIndex: number, current: TimeRange): TimeRange {
	const choice = context.getNodeParameter('previousPeriod', itemIndex, 'preceding') as string;
	const now = new Date();

	if (choice === 'custom') {
		return absoluteTimeRange(
			context.getNodeParameter('previousStart', itemIndex),
			context.getNodeParameter('previousEnd', itemIndex),
			current.timezone,
			now,
		);
	}

	const startMs = Date.parse(current.startUtc);
	const endMs = Date.parse(current.endUtc);
	const shift = PREVIOUS_PERIOD_SHIFT_MS[choice] ?? 'windowLength';
	const shiftMs = shift === 'windowLength' ? endMs - startMs : shift;

	return absoluteTimeRange(new Date(startMs - shiftMs).toISOString(), new Date(endMs - shiftMs).toISOString(), current.timezone, now);
}

/** Waits for two tasks the user created and reads their threats. The tasks stay on FortiAnalyzer. */
async function fetchTaskPeriods(
	context: IExecuteFunctions,
	itemIndex: number,
	operation: OperationContext,
	adom: string,
): Promise<[Period, Period]> {
	const currentTid = readTaskId(context, itemIndex, 'currentTid', 'Current Task ID');
	const previousTid = readTaskId(context, itemIndex, 'previousTid', 'Previous Task ID');

	const read = async (tid: number): Promise<Period> => {
		const result = await waitWithProgress(context, itemIndex, operation.client, { adom, tid, includeRaw: false, signal: operation.signal });
		return { threats: result.threats, description: { tid } };
	};

	return [await read(currentTid), await read(previousTid)];
}

/** Reads one of the two task IDs. An invalid one fails with the name of its own field. */
function readTaskId(context: IExecuteFunctions, itemIndex: number, parameter: string, field: string): number {
	return validateTid(context.getNodeParameter(parameter, itemIndex), field);
}

function summarize(threats: ComparedThreat[], periods: IDataObject): IDataObject {
	const byStatus = Object.fromEntries(PERIOD_STATUSES.map((status) => [status, 0])) as Record<PeriodStatus, number>;
	for (const threat of threats) byStatus[threat.status] += 1;

	return {
		...periods,
		threatCount: threats.length,
		byStatus,
		incidents: threats.reduce((total, threat) => total + threat.incidents, 0),
		previousIncidents: threats.reduce((total, threat) => total + threat.previousIncidents, 0),
		threats: threats as unknown as IDataObject[],
	};
}
