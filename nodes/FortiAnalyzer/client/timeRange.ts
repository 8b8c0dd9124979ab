import { InvalidInputError } from './errors';

/**
 * Time ranges for FortiView tasks. FortiAnalyzer reads `yyyy-MM-dd HH:mm:ss` in the request's `timezone`,
 * so both ends are sent as wall-clock times in one explicit time zone. Sending UTC to a FortiAnalyzer in
 * another zone would silently shift the window.
 */

export type RelativeUnit = 'minutes' | 'hours' | 'days';

export interface TimeRange {
	/** Wall-clock start in `timezone`, `yyyy-MM-dd HH:mm:ss`, as sent to FortiAnalyzer. */
	start: string;
	end: string;
	/** IANA time zone of `start` and `end`, e.g. `Europe/Berlin`. */
	timezone: string;
	/** The same instants in UTC, ISO 8601. */
	startUtc: string;
	endUtc: string;
}

const UNIT_MS: Record<RelativeUnit, number> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 };

/** Maximum window length in days. FortiAnalyzer keeps logs for a limited time, so a longer window is almost certainly a typo. */
const MAX_WINDOW_DAYS = 3660;

/** Tolerated clock difference between n8n and FortiAnalyzer before a start counts as "in the future". */
const CLOCK_SKEW_MS = 60_000;

const DATE_TIME_PATTERN =
	/^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

export function validateTimezone(timezone: unknown): string {
	const name = typeof timezone === 'string' ? timezone.trim() : '';
	try {
		if (name === '') throw new RangeError('empty');
		new Intl.DateTimeFormat('en-US', { timeZone: name });
	} catch {
		throw new InvalidInputError('Timezone', `"${name}" is not an IANA time zone`, 'Use a name such as UTC, Europe/Berlin or America/New_York');
	}

	return name;
}

/** Resolves "the last N minutes/hours/days" ending at `now`. */
export function relativeTimeRange(amount: unknown, unit: unknown, timezone: string, now: Date): TimeRange {
	if (unit !== 'minutes' && unit !== 'hours' && unit !== 'days') {
		throw new InvalidInputError('Time Unit', `"${String(unit)}" is not minutes, hours or days`);
	}
	const windowMs = typeof amount === 'number' && Number.isInteger(amount) && amount > 0 ? amount * UNIT_MS[unit] : NaN;
	if (!(windowMs > 0) || windowMs > MAX_WINDOW_DAYS * UNIT_MS.days) {
		throw new InvalidInputError('Last', `${String(amount)} ${unit} is not a whole number from 1 up to ${MAX_WINDOW_DAYS} days`);
	}

	return buildRange(new Date(now.getTime() - windowMs), now, timezone);
}

/**
 * Resolves an absolute range. A value with an offset (`Z`, `+02:00`) is an instant. A value without one is a
 * wall-clock time in `timezone`, which is how n8n's date picker fills the field.
 */
export function absoluteTimeRange(start: unknown, end: unknown, timezone: string, now: Date): TimeRange {
	const startInstant = parseDateTime(start, 'Start', timezone);
	const endInstant = parseDateTime(end, 'End', timezone);

	if (endInstant.getTime() <= startInstant.getTime()) {
		throw new InvalidInputError('End', `${String(end)} is not after the start ${String(start)}`);
	}
	if (startInstant.getTime() > now.getTime() + CLOCK_SKEW_MS) {
		throw new InvalidInputError('Start', `${String(start)} is in the future, so the window contains no logs yet`);
	}
	if (endInstant.getTime() - startInstant.getTime() > MAX_WINDOW_DAYS * UNIT_MS.days) {
		throw new InvalidInputError('End', `the window is longer than ${MAX_WINDOW_DAYS} days`);
	}

	return buildRange(startInstant, endInstant, timezone);
}

function buildRange(start: Date, end: Date, timezone: string): TimeRange {
	return {
		start: formatWallClock(start, timezone),
		end: formatWallClock(end, timezone),
		timezone,
		startUtc: start.toISOString(),
		endUtc: end.toISOString(),
	};
}

function parseDateTime(value: unknown, field: string, timezone: string): Date {
	let text = '';
	if (value instanceof Date) text = value.toISOString();
	if (typeof value === 'string') text = value.trim();

	const match = DATE_TIME_PATTERN.exec(text);
	if (!match) {
		throw new InvalidInputError(field, `"${String(value)}" is not a date and time`, 'Use the date picker or ISO 8601, e.g. 2026-03-01T08:00:00');
	}

	const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', zone] = match;
	const wallClock = Date.UTC(+year, +month - 1, +day, +hour, +minute, +second, Math.round(Number(fraction || '0') * 1000));
	const roundTrip = new Date(wallClock);
	if (roundTrip.getUTCMonth() !== +month - 1 || roundTrip.getUTCDate() !== +day || +hour > 23 || +minute > 59 || +second > 59) {
		throw new InvalidInputError(field, `"${text}" is not a valid calendar date and time`);
	}

	if (zone) return new Date(wallClock - offsetOfZoneDesignator(zone));

	return new Date(wallClock - timezoneOffsetMs(timezone, wallClock));
}

function offsetOfZoneDesignator(zone: string): number {
	if (zone.toUpperCase() === 'Z') return 0;

	const sign = zone.startsWith('-') ? -1 : 1;
	const digits = zone.slice(1).replace(':', '');
	return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
}

/**
 * Returns the offset of `timezone` from UTC at the instant whose wall clock is `wallClock` (as UTC millis).
 * Two passes settle the offset across a daylight-saving change.
 */
function timezoneOffsetMs(timezone: string, wallClock: number): number {
	let offset = offsetAt(timezone, wallClock);
	offset = offsetAt(timezone, wallClock - offset);
	return offset;
}

function offsetAt(timezone: string, instant: number): number {
	const parts = wallClockParts(new Date(instant), timezone);
	const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
	return asUtc - Math.floor(instant / 1000) * 1000;
}

export function formatWallClock(instant: Date, timezone: string): string {
	const parts = wallClockParts(instant, timezone);
	const pad = (value: number) => String(value).padStart(2, '0');

	return `${parts.year}-${pad(parts.month)}-${pad(parts.day)} ${pad(parts.hour)}:${pad(parts.minute)}:${pad(parts.second)}`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function wallClockParts(instant: Date, timezone: string) {
	let formatter = formatters.get(timezone);
	if (!formatter) {
		formatter = new Intl.DateTimeFormat('en-US', {
			timeZone: timezone,
			hourCycle: 'h23',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
		});
		formatters.set(timezone, formatter);
	}

	const values: Record<string, number> = {};
	for (const part of formatter.formatToParts(instant)) {
		if (part.type !== 'literal') values[part.type] = Number(part.value);
	}

	return {
		year: values.year,
		month: values.month,
		day: values.day,
		hour: values.hour,
		minute: values.minute,
		second: values.second,
	};
}
