import { type INode, type JsonObject, NodeApiError, NodeOperationError } from 'n8n-workflow';

import { FortiAnalyzerError } from '../client';

/** Kinds of failure reported as `NodeOperationError`, because they come from the input, waiting or cancellation rather than from FortiAnalyzer. */
const OPERATION_KINDS = new Set(['invalid-input', 'wait-timeout', 'stalled', 'cancelled', 'not-done']);

/**
 * Turns any failure into the n8n error for the item: `NodeOperationError` for input and waiting problems,
 * `NodeApiError` for what FortiAnalyzer or the network did. The hint becomes the error's description. A trigger,
 * which has no input items, passes no `itemIndex`.
 */
export function toNodeError(node: INode, error: unknown, itemIndex?: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;

	if (!(error instanceof FortiAnalyzerError)) {
		const message = error instanceof Error ? error.message : String(error);
		return new NodeOperationError(node, message, { itemIndex });
	}

	if (OPERATION_KINDS.has(error.kind)) {
		return new NodeOperationError(node, error.message, { itemIndex, description: error.hint });
	}

	const apiError = new NodeApiError(node, errorDetails(error), {
		message: error.message,
		description: error.hint,
		httpCode: error.context.httpStatus === undefined ? undefined : String(error.context.httpStatus),
		itemIndex,
	});
	// NodeApiError swaps messages that mention ECONNREFUSED and similar codes for a generic text without the URL.
	apiError.message = error.message;

	return apiError;
}

/** Returns the fields of an error that an item carries under continue-on-fail, all free of secrets. */
export function errorDetails(error: FortiAnalyzerError): JsonObject {
	const { endpoint, apiUrl, tid, code, apiMessage, httpStatus } = error.context;
	const details: JsonObject = { kind: error.kind };
	if (endpoint !== undefined) details.endpoint = endpoint;
	if (apiUrl !== undefined) details.apiUrl = apiUrl;
	if (tid !== undefined) details.tid = tid;
	if (code !== undefined) details.fortiAnalyzerCode = code;
	if (apiMessage !== undefined) details.fortiAnalyzerMessage = apiMessage;
	if (httpStatus !== undefined) details.httpStatus = httpStatus;

	return details;
}
