/**
 * Validation of the top-threats `add .../run` parameters, and the sort and paging they ask for.
 */
import type { Device } from './catalogue';
import type { ThreatTotal, TimeWindow } from './dataset';
import { resolveDevices } from './devices';
import { isObject, type JsonObject } from './envelope';
import { invalidParams, limitTooLarge, missingColumn } from './errors';
import { applyFilter, type FilterTerm, parseFilter } from './filter';
import { type Apiver3Row, toApiver3Row } from './rows';
import { parseTimeRange } from './time-range';

export const MAX_LIMIT = 1000;

/** Columns FortiAnalyzer 7.6.7 documents as sortable on top-threats. */
const SORTABLE_FIELDS = [
	'fortigate', 'incident_block', 'incident_pass', 'incidents', 'level_s', 'logtype', 'logtype_str', 'threat',
	'threat_block', 'threat_pass', 'threatlevel', 'threattype', 'threatweight',
] as const;

type SortField = (typeof SORTABLE_FIELDS)[number];

const NUMERIC_SORT_FIELDS = new Set<SortField>([
	'incident_block', 'incident_pass', 'incidents', 'logtype', 'threat_block', 'threat_pass', 'threatlevel', 'threatweight',
]);

export interface SortOrder {
	field: SortField;
	order: 'asc' | 'desc';
}

/** The ranking clients ask for and the emulator uses without `sort-by`. */
const DEFAULT_SORT: SortOrder = { field: 'threatweight', order: 'desc' };

export interface TopThreatsQuery {
	window: TimeWindow;
	/** FortiGates the task covers; every FortiGate when undefined. */
	devices: Device[] | undefined;
	filter: FilterTerm[];
	sort: SortOrder;
	limit: number;
	offset: number;
	countTotal: boolean;
}

/** Reads and checks the parameters beside `url`; throws a FortiViewError that names the first bad one. */
export function parseTopThreatsQuery(params: JsonObject): TopThreatsQuery {
	const timezone = params.timezone;
	if (timezone !== undefined && typeof timezone !== 'string') throw invalidParams("'timezone' must be a string");

	return {
		window: parseTimeRange(params['time-range'], timezone),
		devices: resolveDevices(params.device),
		filter: parseFilter(params.filter),
		sort: parseSort(params['sort-by']),
		limit: parseLimit(params.limit),
		offset: parseOffset(params.offset),
		countTotal: parseCountTotal(params['count-total']),
	};
}

/** Applies filter, sort, offset and limit; `totalCount` is the number of matching rows before paging. */
export function selectPage(totals: ThreatTotal[], query: TopThreatsQuery): { page: ThreatTotal[]; totalCount: number } {
	const matching = applyFilter(totals, query.filter);

	const rows = matching.map((total) => ({ total, row: toApiver3Row(total) }));
	rows.sort((left, right) => compareRows(left.row, right.row, query.sort));

	const page = rows.slice(query.offset, query.offset + query.limit).map(({ total }) => total);
	return { page, totalCount: rows.length };
}

/** Orders by the sort column, then by threat name so that ties always come out in the same order. */
function compareRows(left: Apiver3Row, right: Apiver3Row, sort: SortOrder): number {
	const direction = sort.order === 'asc' ? 1 : -1;
	const a = left[sort.field];
	const b = right[sort.field];

	const byColumn = NUMERIC_SORT_FIELDS.has(sort.field) ? Number(a) - Number(b) : compareText(a, b);
	if (byColumn !== 0) return direction * byColumn;
	return compareText(left.threat, right.threat);
}

/** Compares by UTF-16 code units, so the order does not depend on the host's locale. */
function compareText(a: string, b: string): number {
	if (a === b) return 0;
	return a < b ? -1 : 1;
}

function parseSort(value: unknown): SortOrder {
	if (value === undefined || value === null) return DEFAULT_SORT;
	if (!Array.isArray(value)) throw invalidParams("'sort-by' must be a list of {field, order}");
	if (value.length === 0) return DEFAULT_SORT;
	if (value.length > 1) throw invalidParams("'sort-by' supports only one field");

	const [entry] = value;
	if (!isObject(entry) || typeof entry.field !== 'string' || entry.field === '') {
		throw invalidParams("'sort-by[0].field' is required");
	}

	const field = SORTABLE_FIELDS.find((candidate) => candidate === entry.field);
	if (field === undefined) throw missingColumn(entry.field);

	const order = entry.order ?? 'asc';
	if (order !== 'asc' && order !== 'desc') {
		throw invalidParams(`'sort-by[0].order' must be asc or desc, got ${JSON.stringify(order)}`);
	}
	return { field, order };
}

function parseLimit(value: unknown): number {
	if (value === undefined || value === null) return MAX_LIMIT;
	if (typeof value !== 'number' || !Number.isInteger(value)) {
		throw invalidParams(`'limit' must be an integer from 1 to ${MAX_LIMIT}, got ${JSON.stringify(value)}`);
	}
	if (value > MAX_LIMIT) throw limitTooLarge(value, MAX_LIMIT);
	if (value < 1) throw invalidParams(`limit: ${value} is smaller than min value 1`);
	return value;
}

function parseOffset(value: unknown): number {
	if (value === undefined || value === null) return 0;
	if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
		throw invalidParams(`'offset' must be an integer of 0 or more, got ${JSON.stringify(value)}`);
	}
	return value;
}

function parseCountTotal(value: unknown): boolean {
	if (value === undefined || value === null) return false;
	if (typeof value !== 'boolean') throw invalidParams(`'count-total' must be true or false, got ${JSON.stringify(value)}`);
	return value;
}
