/**
 * Routes a parsed JSON-RPC request to its handler after authentication.
 */
import { identify, login, logout } from './auth';
import { INVALID_URL, type JsonObject, legacyResponse, noPermissionResponse, type RpcRequest } from './envelope';
import type { FetchOverride } from './faults';
import { handleFortiView } from './fortiview';
import type { EmulatorState } from './state';
import { systemStatus } from './system';

/**
 * Returns the response body for a request; `authorization` is the raw `Authorization` header. A fault may pass
 * `fetchOverride` to change what a FortiView fetch reports.
 */
export function routeRequest(
	request: RpcRequest,
	authorization: string | undefined,
	state: EmulatorState,
	fetchOverride?: FetchOverride,
): JsonObject {
	// FortiAnalyzer accepts URLs with and without the leading slash and echoes them as sent.
	const path = request.url.startsWith('/') ? request.url : `/${request.url}`;

	if (path === '/sys/login/user' && request.method === 'exec') return login(request, state);

	const identity = identify(request, authorization, state);
	if (!identity) return noPermissionResponse(request.id);

	if (path === '/sys/logout' && request.method === 'exec') return logout(request, identity, state);
	if (path === '/sys/status' && request.method === 'get') return systemStatus(request);
	if (path.startsWith('/fortiview/')) return handleFortiView(request, path, identity, state, fetchOverride);

	return legacyResponse(request, INVALID_URL);
}
