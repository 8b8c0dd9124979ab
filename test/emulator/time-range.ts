/**
 * Parsing of the FortiView `time-range` parameter.
 *
 * FortiAnalyzer accepts `yyyy-MM-dd HH:mm:ss` and RFC 3339 (`2024-05-01T10:00:00Z`, with or without an offset).
 * A time without an offset is read in the request's `timezone`, and the emulator's own time zone is UTC.
 */
import type { TimeWindow } from './dataset';
import { isObject } from './envelope';
import { invalidParams } from './errors';

const TIME_PATTERN = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/i;

/** Returns the window of a `time-range` value, or throws an invalid-params error that names the field. */
export function parseTimeRange(value: unknown, timezone: string | undefined): TimeWindow {
	if (value === undefined) throw invalidParams("'time-range' is required");
	if (!isObject(value)) throw invalidParams("'time-range' must be an object with start and end");

	const startMs = parseTime(value.start, 'time-range.start', timezone);
	const endMs = parseTime(value.end, 'time-range.end', timezone);
	if (endMs < startMs) {
		throw invalidParams(`'time-range' end "${String(value.end)}" is before start "${String(value.start)}"`);
	}

	return { startMs, endMs };
}

function parseTime(value: unknown, field: string, timezone: string | undefined): number {
	if (value === undefined || value === null || value === '') throw invalidParams(`'${field}' is required`);

	const match = typeof value === 'string' ? TIME_PATTERN.exec(value.trim()) : null;
	const wallClockMs = match ? wallClockTime(match) : undefined;
	if (!match || wallClockMs === undefined) {
		throw invalidParams(`'${field}' value ${JSON.stringify(value)} is not a valid time; use yyyy-MM-dd HH:mm:ss or RFC 3339`);
	}

	const offset = match[8];
	if (offset !== undefined) return wallClockMs - offsetMs(offset);
	return wallClockMs - zoneOffsetMs(timezone, wallClockMs);
}

/** Reads the matched fields as a UTC time; undefined when a field is out of range, such as 31 April. */
function wallClockTime(match: RegExpExecArray): number | undefined {
	const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
	const milliseconds = Number(`0.${match[7] ?? '0'}`) * 1000;
	if (hour > 23 || minute > 59 || second > 59) return undefined;

	const time = Date.UTC(year, month - 1, day, hour, minute, second, milliseconds);
	const date = new Date(time);
	if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
	return time;
}

function offsetMs(offset: string): number {
	if (offset.toUpperCase() === 'Z') return 0;

	const digits = offset.replace(':', '');
	const sign = digits.startsWith('-') ? -1 : 1;
	return sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5))) * 60_000;
}

/**
 * Returns the UTC offset of an IANA time zone at a wall-clock time given as if it were UTC.
 *
 * NOTE: FortiAnalyzer also accepts its own numeric time-zone indexes; the emulator reads those, and any other
 * name that `Intl` does not know, as UTC.
 */
function zoneOffsetMs(timezone: string | undefined, wallClockMs: number): number {
	if (timezone === undefined || !isKnownTimeZone(timezone)) return 0;

	// The offset at the wall-clock instant can differ from the one at the real instant near a DST change, so
	// the second pass measures again at the corrected time.
	const first = offsetAt(timezone, wallClockMs);
	return offsetAt(timezone, wallClockMs - first);
}

function offsetAt(timezone: string, instantMs: number): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone: timezone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	}).formatToParts(new Date(instantMs));

	const field = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((part) => part.type === type)?.value);
	const local = Date.UTC(field('year'), field('month') - 1, field('day'), field('hour'), field('minute'), field('second'));
	return local - Math.floor(instantMs / 1000) * 1000;
}

function isKnownTimeZone(timezone: string): boolean {
	try {
		new Intl.DateTimeFormat('en-US', { timeZone: timezone });
		return true;
	} catch {
		return false;
	}
}
