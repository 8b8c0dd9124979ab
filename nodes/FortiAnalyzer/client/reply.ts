import type { z } from 'zod/v4';

import {
	ApiError,
	AuthenticationError,
	BusyError,
	type ErrorContext,
	type FortiAnalyzerError,
	MalformedResponseError,
	PermissionError,
	TaskNotFoundError,
} from './errors';
import { envelopeSchema, listEntrySchema, resultObjectSchema } from './schemas';

/** A successful JSON-RPC reply, reduced to the part that carries data. */
export type RpcReply =
	| { form: 'list'; entry: z.infer<typeof listEntrySchema>; session?: string }
	| { form: 'object'; result: z.infer<typeof resultObjectSchema> }
	| { form: 'empty' };

const NO_PERMISSION = -11;
const LOGIN_FAILED = -22;
const OBJECT_DOES_NOT_EXIST = -3;

/**
 * Reads a parsed JSON-RPC response body and returns its data, or throws the typed error for any of
 * FortiAnalyzer's three error forms: a top-level JSON-RPC `error`, a non-zero `result.status`, or a
 * non-zero status in the legacy `result` list (which FortiAnalyzer uses for -11 even on apiver-3 calls).
 */
export function readReply(body: unknown, context: ErrorContext): RpcReply {
	const envelope = envelopeSchema.safeParse(body);
	if (!envelope.success) {
		throw new MalformedResponseError('FortiAnalyzer returned JSON that is not a JSON-RPC response', context);
	}

	const { error, result, session } = envelope.data;
	if (error) throw errorForStatus(error.code, error.message, context);

	if (result === undefined || result === null) return { form: 'empty' };

	if (Array.isArray(result)) {
		const entry = listEntrySchema.safeParse(result[0]);
		if (!entry.success) {
			throw new MalformedResponseError('FortiAnalyzer returned an empty or unreadable result list', context);
		}
		const status = entry.data.status;
		if (status && status.code !== 0) throw errorForStatus(status.code, status.message, context);
		return { form: 'list', entry: entry.data, session };
	}

	const object = resultObjectSchema.safeParse(result);
	if (!object.success) {
		const [issue] = object.error.issues;
		const field = issue && issue.path.length > 0 ? ` at "${issue.path.join('.')}"` : '';
		throw new MalformedResponseError(`FortiAnalyzer returned an unreadable result: ${issue?.message ?? 'not an object'}${field}`, context);
	}
	const status = object.data.status;
	if (status && status.code !== 0) throw errorForStatus(status.code, status.message, context);

	return { form: 'object', result: object.data };
}

/** Returns the typed error for a non-zero FortiAnalyzer status or JSON-RPC error code. */
export function errorForStatus(code: number, message: string, context: ErrorContext): FortiAnalyzerError {
	const withStatus: ErrorContext = { ...context, code, apiMessage: message };

	if (code === LOGIN_FAILED) {
		return new AuthenticationError(
			'FortiAnalyzer rejected the username or password',
			withStatus,
			'Check the username and password in the FortiAnalyzer credential',
		);
	}

	if (code === NO_PERMISSION) {
		return new PermissionError(
			'FortiAnalyzer rejected the request',
			withStatus,
			'Check that the API admin has JSON API access (rpc-permit read or read-write), FortiView read permission and access to this ADOM, and that n8n connects from one of its trusted hosts',
		);
	}

	if (/no (available|free) (slot|task)|too many (tasks|requests)|server busy/i.test(message)) {
		return new BusyError('FortiAnalyzer has no free task slot', withStatus, 'Too many FortiView or log searches run at once; run fewer in parallel');
	}

	if (isTaskNotFound(code, message, context)) {
		return new TaskNotFoundError(
			context.tid === undefined ? 'FortiAnalyzer does not know this task' : `FortiAnalyzer does not know task ${context.tid}`,
			withStatus,
			'The task was deleted, expired or never existed in this ADOM: create a new task',
		);
	}

	return new ApiError('FortiAnalyzer returned an error', withStatus);
}

function isTaskNotFound(code: number, message: string, context: ErrorContext): boolean {
	if (/invalid (tid|task|uuid)/i.test(message)) return true;

	// FortiAnalyzer also returns -3 "Object does not exist" for an unknown ADOM, so it means "no such task" only on a tid url.
	return code === OBJECT_DOES_NOT_EXIST && context.tid !== undefined;
}
