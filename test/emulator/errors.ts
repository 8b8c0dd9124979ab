/**
 * FortiView request errors, each with its form in both dialects.
 *
 * FortiAnalyzer's messages for these cases are known from live probes, but most numeric codes are not. The
 * apiver-3 codes below are guesses from the JSON-RPC 2.0 ranges: -32602 for invalid parameters and -32000 for a
 * server error. -32005 for an unknown tid is the code one client reports for the same message on log search.
 */
import { OBJECT_NOT_FOUND, type Status } from './envelope';

export interface Apiver3ErrorForm extends Status {
	/** `error` is a top-level JSON-RPC error; `result` is a non-zero `result.status`. */
	form: 'error' | 'result';
}

export class FortiViewError extends Error {
	constructor(
		readonly apiver3: Apiver3ErrorForm,
		/** Sent as `result: [{status}]` in the documented dialect. */
		readonly documented: Status,
	) {
		super(apiver3.message);
	}
}

export function invalidParams(message: string): FortiViewError {
	const text = `Invalid params: ${message}`;
	return new FortiViewError({ form: 'error', code: -32602, message: text }, { code: -10, message: text });
}

export function limitTooLarge(limit: number, max: number): FortiViewError {
	const text = `limit: ${limit} is bigger than max value ${max}`;
	return new FortiViewError({ form: 'error', code: -32602, message: text }, { code: -10, message: text });
}

export function missingColumn(column: string): FortiViewError {
	const text = `Server error: Missing columns: '${column}'`;
	return new FortiViewError({ form: 'error', code: -32000, message: text }, { code: -10, message: text });
}

export function devicesNotFound(): FortiViewError {
	const text = 'None of the device(s) can be found';
	return new FortiViewError({ form: 'error', code: -32602, message: text }, { code: -3, message: text });
}

export function viewNotFound(view: string): FortiViewError {
	const text = `Cannot find FortiView '${view}'`;
	return new FortiViewError({ form: 'error', code: -32602, message: text }, { code: -6, message: text });
}

export function methodNotSupported(): FortiViewError {
	const text = 'Not supported method';
	return new FortiViewError({ form: 'error', code: -32601, message: text }, { code: -6, message: text });
}

export function adomNotFound(): FortiViewError {
	return new FortiViewError({ form: 'result', ...OBJECT_NOT_FOUND }, OBJECT_NOT_FOUND);
}

export function unknownTid(tid: number | string): FortiViewError {
	return new FortiViewError(
		{ form: 'error', code: -32005, message: `Invalid tid ${tid} for fetching result.` },
		{ code: -3, message: 'Invalid task ID' },
	);
}
