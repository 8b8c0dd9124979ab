/**
 * The JSON-RPC request envelope and the response forms FortiAnalyzer uses.
 *
 * Legacy endpoints (`/sys/...`) respond with `{id, result: [{status, url, data}]}`. apiver-3 endpoints
 * (FortiView) respond with `{jsonrpc: "2.0", id, result: {...}}` or a top-level `error`. Authentication failures
 * come in the legacy list form without `url`, whatever the endpoint.
 */

export type JsonObject = Record<string, unknown>;

/** The parts of a JSON-RPC request the emulator reads. Only `params[0]` is used. */
export interface RpcRequest {
	/** Echoed back unchanged; `null` when the request had none. */
	id: unknown;
	method: string;
	url: string;
	/** `params[0]`, including `url`. */
	params: JsonObject;
	/** Top-level `session`, or undefined when it is absent, null or empty. */
	session: string | undefined;
}

export type ParsedEnvelope =
	| { ok: true; request: RpcRequest }
	| { ok: false; method: string | undefined; url: string | undefined; response: JsonObject };

export interface Status {
	code: number;
	message: string;
}

export const OK: Status = { code: 0, message: 'OK' };
export const NO_PERMISSION: Status = { code: -11, message: 'No permission for the resource' };
export const INVALID_URL: Status = { code: -6, message: 'Invalid url' };
export const INVALID_DATA: Status = { code: -10, message: 'The data is invalid for selected url' };
export const OBJECT_NOT_FOUND: Status = { code: -3, message: 'Object does not exist' };

export function isObject(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses the HTTP body into a request, or into the JSON-RPC error response for a broken one. */
export function parseEnvelope(body: string): ParsedEnvelope {
	let value: unknown;
	try {
		value = JSON.parse(body);
	} catch {
		return { ok: false, method: undefined, url: undefined, response: rpcError(null, -32700, 'Parse error') };
	}

	if (!isObject(value)) {
		return { ok: false, method: undefined, url: undefined, response: rpcError(null, -32600, 'Invalid Request') };
	}

	const id = value.id ?? null;
	const method = typeof value.method === 'string' ? value.method : undefined;
	const params = Array.isArray(value.params) && isObject(value.params[0]) ? value.params[0] : undefined;
	const url = params && typeof params.url === 'string' ? params.url : undefined;
	if (method === undefined || params === undefined || url === undefined) {
		return { ok: false, method, url, response: rpcError(id, -32600, 'Invalid Request') };
	}

	const session = typeof value.session === 'string' && value.session !== '' ? value.session : undefined;
	return { ok: true, request: { id, method, url, params, session } };
}

/** Builds a legacy response: `{id, result: [{status, url, data?}]}`. */
export function legacyResponse(request: RpcRequest, status: Status, data?: unknown): JsonObject {
	const entry: JsonObject = { status, url: request.url };
	if (data !== undefined) entry.data = data;
	return { id: request.id, result: [entry] };
}

/** Builds the -11 response that FortiAnalyzer sends for a bad key, a stale session or a missing permission. */
export function noPermissionResponse(id: unknown): JsonObject {
	return { result: [{ status: NO_PERMISSION }], id };
}

/** Builds an apiver-3 success: `{jsonrpc: "2.0", id, result}`. */
export function rpcResult(id: unknown, result: unknown): JsonObject {
	return { jsonrpc: '2.0', id, result };
}

/** Builds an apiver-3 top-level error: `{jsonrpc: "2.0", id, error: {code, message}}`. */
export function rpcError(id: unknown, code: number, message: string): JsonObject {
	return { jsonrpc: '2.0', id, error: { code, message } };
}
