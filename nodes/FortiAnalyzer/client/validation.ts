import { InvalidInputError } from './errors';

/**
 * Validators for every user value that ends up in a request. They run before any request is sent, and they
 * ensure that a user value never leaves its own segment of the JSON-RPC `url`.
 */

// NOTE: FortiAnalyzer's API documents no ADOM name grammar. This pattern covers its built-in ADOMs (root,
// FortiCarrier, Unmanaged_Devices, ...). A name with other characters is rejected rather than put into a url.
const ADOM_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/** A device serial (`FG100FTK19000001`), optionally with a VDOM (`FG100FTK19000001[root]`). */
const DEVICE_SERIAL_PATTERN = /^F[A-Z0-9]{13,15}(\[[A-Za-z0-9_.-]+\])?$/;

const DEVICE_PATTERN = /^[A-Za-z0-9_.\- ]+(\[[A-Za-z0-9_.-]+\])?$/;

export const MAX_LIMIT = 1000;

const MAX_FILTER_LENGTH = 2048;

/** Columns FortiAnalyzer 7.6.7 can sort top-threats by (Fortinet's FortiView API spec). */
export const SORT_FIELDS = [
	'threatweight',
	'incidents',
	'incident_block',
	'incident_pass',
	'threatlevel',
	'level_s',
	'threat',
	'threattype',
	'threat_block',
	'threat_pass',
	'fortigate',
	'logtype',
	'logtype_str',
] as const;

export type SortField = (typeof SORT_FIELDS)[number];

export type DeviceSelector = { devid: string } | { devname: string };

/** Selector for every device of the ADOM. On FortiAnalyzer 7.6.7, `devid: All_FortiGate` returned nothing, so this uses `devname: All_Device`. */
export const ALL_DEVICES: DeviceSelector = { devname: 'All_Device' };

export function validateAdom(adom: unknown): string {
	const name = typeof adom === 'string' ? adom.trim() : '';
	if (name === '') {
		throw new InvalidInputError('ADOM', 'it is empty', 'Enter the ADOM name, e.g. root, or set a default ADOM in the credential');
	}
	if (!ADOM_PATTERN.test(name) || /^\.+$/.test(name)) {
		throw new InvalidInputError(
			'ADOM',
			`"${name}" contains characters an ADOM name cannot have`,
			'ADOM names use letters, digits, "_", "-" and "." only, at most 64 characters',
		);
	}

	return name;
}

/**
 * Validates a tid given as a number or a string of digits (it often arrives through an expression) and returns it
 * as a number. `field` names the parameter in the error, for operations with more than one task ID.
 */
export function validateTid(tid: unknown, field = 'Task ID'): number {
	let text = '';
	if (typeof tid === 'number') text = String(tid);
	if (typeof tid === 'string') text = tid.trim();

	const value = /^\d+$/.test(text) ? Number(text) : NaN;
	if (!Number.isSafeInteger(value) || value <= 0) {
		const shown = typeof tid === 'string' || typeof tid === 'number' ? `"${String(tid)}"` : `a value of type ${typeof tid}`;
		throw new InvalidInputError(field, `${shown} is not a positive integer`, 'Map the "tid" field of a Create Task output item');
	}

	return value;
}

export function validateLimit(limit: unknown): number {
	if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
		throw new InvalidInputError('Limit', `${String(limit)} is not an integer from 1 to ${MAX_LIMIT}`, 'FortiAnalyzer returns at most 1000 threats per task');
	}

	return limit;
}

export function validateSortField(field: unknown): SortField {
	const match = SORT_FIELDS.find((candidate) => candidate === field);
	if (!match) {
		throw new InvalidInputError('Sort By', `"${String(field)}" is not a column FortiAnalyzer can sort top threats by`, `Use one of: ${SORT_FIELDS.join(', ')}`);
	}

	return match;
}

/**
 * Splits a comma-separated device list into FortiView device selectors. Serial numbers and names starting with
 * `All_` become `devid`, other names `devname`. An empty list selects all devices.
 */
export function parseDevices(devices: unknown): DeviceSelector[] {
	const text = typeof devices === 'string' ? devices : '';
	const entries = text
		.split(',')
		.map((entry) => entry.trim())
		.filter((entry) => entry !== '');
	if (entries.length === 0) return [ALL_DEVICES];

	return entries.map((entry) => {
		if (!DEVICE_PATTERN.test(entry)) {
			throw new InvalidInputError(
				'Devices',
				`"${entry}" is not a device serial number or name`,
				'Use serial numbers such as FG100FTK19000001, device names, optionally with a VDOM in brackets: FG100FTK19000001[root]',
			);
		}
		if (entry.startsWith('All_') || DEVICE_SERIAL_PATTERN.test(entry)) return { devid: entry };

		return { devname: entry };
	});
}

/**
 * Rejects a FortiView filter that FortiAnalyzer cannot parse: longer than 2048 characters, containing a control
 * character, or with an unmatched double quote. FortiAnalyzer checks the syntax itself. Returns the trimmed filter.
 */
export function validateFilter(filter: unknown): string {
	const text = typeof filter === 'string' ? filter.trim() : '';
	if (text.length > MAX_FILTER_LENGTH) {
		throw new InvalidInputError('Filter', `it is ${text.length} characters long, more than ${MAX_FILTER_LENGTH}`);
	}
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u001f\u007f]/.test(text)) {
		throw new InvalidInputError('Filter', 'it contains a line break or another control character', 'Write the filter on one line, e.g. threatlevel_s==critical and dstport==443');
	}
	if ((text.match(/"/g) ?? []).length % 2 !== 0) {
		throw new InvalidInputError('Filter', 'it has an unmatched double quote', 'Quote values as in threat=="Zeus.Botnet"');
	}

	return text;
}
