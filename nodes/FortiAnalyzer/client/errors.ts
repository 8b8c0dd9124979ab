/**
 * Errors raised by the FortiAnalyzer client. Each kind of failure has its own class, so callers can branch
 * on `instanceof` or on `kind`, and every message names the endpoint, the JSON-RPC url, the tid and
 * FortiAnalyzer's own code and message where they are known. `FortiAnalyzerClient` removes credentials and
 * session ids from the messages of the errors it throws.
 */

export type FortiAnalyzerErrorKind =
	| 'invalid-input'
	| 'authentication'
	| 'permission'
	| 'task-not-found'
	| 'timeout'
	| 'wait-timeout'
	| 'cancelled'
	| 'not-done'
	| 'busy'
	| 'stalled'
	| 'malformed-response'
	| 'http'
	| 'tls'
	| 'connection'
	| 'api';

/** Location of a failure and FortiAnalyzer's reply to it, as far as they are known. */
export interface ErrorContext {
	/** The JSON-RPC endpoint, e.g. `https://faz.example.com/jsonrpc`. */
	endpoint?: string;
	/** The JSON-RPC `url` of the call, e.g. `/fortiview/adom/root/top-threats/run/12470`. */
	apiUrl?: string;
	tid?: number;
	/** FortiAnalyzer's status code or JSON-RPC error code. */
	code?: number;
	/** FortiAnalyzer's own message for `code`. */
	apiMessage?: string;
	httpStatus?: number;
}

export class FortiAnalyzerError extends Error {
	readonly kind: FortiAnalyzerErrorKind = 'api';

	readonly context: ErrorContext;

	/** A short hint for the user on what to check next. */
	readonly hint?: string;

	constructor(summary: string, context: ErrorContext = {}, hint?: string) {
		super(composeMessage(summary, context));
		this.name = new.target.name;
		this.context = context;
		this.hint = hint;
	}
}

/** A parameter or credential value that is invalid. It is raised before any request is sent. */
export class InvalidInputError extends FortiAnalyzerError {
	override readonly kind = 'invalid-input';

	/** The name of the parameter or credential field that is invalid. */
	readonly field: string;

	constructor(field: string, problem: string, hint?: string) {
		super(`Invalid ${field}: ${problem}`, {}, hint);
		this.field = field;
	}
}

/** FortiAnalyzer rejected the login, the API key or the session. */
export class AuthenticationError extends FortiAnalyzerError {
	override readonly kind = 'authentication';
}

/** The credentials were accepted, but the admin may not use this resource or ADOM. */
export class PermissionError extends FortiAnalyzerError {
	override readonly kind = 'permission';
}

/** The tid is unknown to FortiAnalyzer: never created, already deleted, or expired. */
export class TaskNotFoundError extends FortiAnalyzerError {
	override readonly kind = 'task-not-found';
}

/** One HTTP request took longer than the configured request timeout. */
export class RequestTimeoutError extends FortiAnalyzerError {
	override readonly kind = 'timeout';
}

/** A task did not reach 100 % before the wait deadline. */
export class WaitTimeoutError extends FortiAnalyzerError {
	override readonly kind = 'wait-timeout';

	readonly lastPercentage: number;

	readonly elapsedMs: number;

	constructor(tid: number, lastPercentage: number, elapsedMs: number, context: ErrorContext) {
		super(
			`Task ${tid} was still at ${lastPercentage} % after ${formatSeconds(elapsedMs)}, so waiting stopped at the deadline`,
			{ ...context, tid },
			'Raise "Max Wait Time", narrow the time range or devices, or use Create Task, a Wait node and Fetch Results for long tasks',
		);
		this.lastPercentage = lastPercentage;
		this.elapsedMs = elapsedMs;
	}
}

/** The n8n execution was cancelled during a request or while the client waited. */
export class CancelledError extends FortiAnalyzerError {
	override readonly kind = 'cancelled';
}

/** FortiAnalyzer responded, but with a response that this client cannot read. */
export class MalformedResponseError extends FortiAnalyzerError {
	override readonly kind = 'malformed-response';
}

/** FortiAnalyzer or a proxy in front of it responded with a non-2xx HTTP status. */
export class HttpError extends FortiAnalyzerError {
	override readonly kind = 'http';
}

export type TlsFailure = 'trust' | 'name' | 'pin' | 'expired' | 'handshake';

/** The TLS connection failed: untrusted certificate, wrong host name, pin mismatch, expired certificate or failed handshake. */
export class TlsError extends FortiAnalyzerError {
	override readonly kind = 'tls';

	readonly failure: TlsFailure;

	constructor(failure: TlsFailure, summary: string, context: ErrorContext, hint?: string) {
		super(summary, context, hint);
		this.failure = failure;
	}
}

/**
 * The TCP connection could not be made or was dropped (refused, reset, DNS failure), or the request failed in
 * another way that no more specific class covers.
 */
export class ConnectionError extends FortiAnalyzerError {
	override readonly kind = 'connection';
}

/** FortiAnalyzer returned a non-zero status that no more specific class covers. */
export class ApiError extends FortiAnalyzerError {
	override readonly kind = 'api';
}

function composeMessage(summary: string, context: ErrorContext): string {
	const details: string[] = [];
	if (context.code !== undefined) {
		const apiMessage = context.apiMessage ? ` "${context.apiMessage}"` : '';
		details.push(`FortiAnalyzer code ${context.code}${apiMessage}`);
	} else if (context.apiMessage) {
		details.push(`FortiAnalyzer message "${context.apiMessage}"`);
	}
	if (context.httpStatus !== undefined) details.push(`HTTP ${context.httpStatus}`);
	if (context.tid !== undefined && !summary.includes(String(context.tid))) details.push(`tid ${context.tid}`);
	if (context.apiUrl) details.push(`url ${context.apiUrl}`);
	if (context.endpoint) details.push(`endpoint ${context.endpoint}`);

	return details.length === 0 ? summary : `${summary} (${details.join(', ')})`;
}

export function formatSeconds(ms: number): string {
	return `${(ms / 1000).toFixed(1)} s`;
}

/** Fetch Results found the task below 100 % and the user asked for an error in that case. */
export class TaskNotDoneError extends FortiAnalyzerError {
	override readonly kind = 'not-done';
}

/** FortiAnalyzer has no free slot for another task right now. The request created nothing. */
export class BusyError extends FortiAnalyzerError {
	override readonly kind = 'busy';
}

/** A task's percentage did not move for longer than the stall timeout. */
export class TaskStalledError extends FortiAnalyzerError {
	override readonly kind = 'stalled';

	readonly percentage: number;

	readonly stalledForMs: number;

	constructor(tid: number, percentage: number, stalledForMs: number, context: ErrorContext) {
		super(
			`Task ${tid} has been stuck at ${percentage} % for ${formatSeconds(stalledForMs)}, so waiting stopped`,
			{ ...context, tid },
			'FortiAnalyzer may be overloaded or the task may be stuck: try again later, narrow the time range, or raise "Stall Timeout"',
		);
		this.percentage = percentage;
		this.stalledForMs = stalledForMs;
	}
}
