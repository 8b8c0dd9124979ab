/**
 * The FortiView task lifecycle on `/fortiview/adom/<adom>/<view>/run[/<tid>]`. It creates (`add`), fetches
 * (`get`) and cancels (`delete`) tasks and responds in the ADOM's dialect. Only the `top-threats` view exists.
 */
import type { Identity } from './auth';
import { bulkTotals } from './bulk';
import { aggregateThreats, partialTotals } from './dataset';
import { restrictToDevices } from './devices';
import {
	INVALID_DATA,
	INVALID_URL,
	type JsonObject,
	legacyResponse,
	noPermissionResponse,
	OK,
	type RpcRequest,
	rpcError,
	rpcResult,
} from './envelope';
import type { FetchOverride } from './faults';
import { adomNotFound, FortiViewError, methodNotSupported, unknownTid, viewNotFound } from './errors';
import { parseTopThreatsQuery, selectPage } from './query';
import { toApiver3Row, toDocumentedThreat } from './rows';
import type { EmulatorState } from './state';
import { applyThreatChanges } from './threat-changes';
import type { Dialect } from './types';

const ROUTE = /^\/fortiview\/adom\/([^/]+)\/([^/]+)\/run(?:\/([^/]+))?$/;
const TOP_THREATS = 'top-threats';

interface TaskCall {
	request: RpcRequest;
	adom: string;
	dialect: Dialect;
	state: EmulatorState;
	fetchOverride?: FetchOverride;
}

/** Handles a FortiView call from an authenticated identity; `path` is the URL with its leading slash. */
export function handleFortiView(
	request: RpcRequest,
	path: string,
	identity: Identity,
	state: EmulatorState,
	fetchOverride?: FetchOverride,
): JsonObject {
	const route = ROUTE.exec(path);
	if (!route) return legacyResponse(request, INVALID_URL);
	const [, adom, view, tidText] = route;

	// Without apiver 3 the call reaches the legacy framework, which does not know FortiView's parameters.
	if (request.params.apiver !== 3) return legacyResponse(request, INVALID_DATA);

	const mayReadAdom = identity.adoms === undefined || identity.adoms.includes(adom);
	if (!identity.fortiview || !mayReadAdom) return noPermissionResponse(request.id);

	const call: TaskCall = { request, adom, dialect: state.dialectFor(adom), state, fetchOverride };
	try {
		if (!state.adoms.includes(adom)) throw adomNotFound();
		if (view !== TOP_THREATS) throw viewNotFound(view);
		return dispatch(call, tidText);
	} catch (error) {
		if (error instanceof FortiViewError) return errorResponse(call, error);
		throw error;
	}
}

function dispatch(call: TaskCall, tidText: string | undefined): JsonObject {
	const { method } = call.request;

	if (tidText === undefined) {
		if (method === 'add') return createTask(call);
		throw methodNotSupported();
	}

	if (method === 'get') return fetchTask(call, tidText);
	if (method === 'delete') return deleteTask(call, tidText);
	throw methodNotSupported();
}

function createTask(call: TaskCall): JsonObject {
	const { request, adom, state } = call;
	const query = parseTopThreatsQuery(request.params);
	const bulkCount = state.bulkThreats[adom];
	const aggregate = bulkCount === undefined ? aggregateThreats(adom, query.window) : bulkTotals(bulkCount);
	const totals = restrictToDevices(applyThreatChanges(aggregate, state.threatChanges[adom] ?? [], query.window), query.devices);

	const task = state.tasks.create(adom, query, totals, state.taskDurationMs);
	state.counters.tasksCreated++;

	if (call.dialect === 'documented') return documentedResponse(request.id, { data: { tid: task.tid }, status: OK });
	return rpcResult(request.id, { tid: task.tid });
}

function fetchTask(call: TaskCall, tidText: string): JsonObject {
	const { request, adom, state } = call;
	state.counters.fetches++;

	const task = state.tasks.find(adom, Number(tidText));
	if (!task) throw unknownTid(tidText);

	const percentage = call.fetchOverride?.percentage ?? state.tasks.percentage(task);
	const selected = selectPage(partialTotals(task.totals, percentage), task.query);
	const page = call.fetchOverride?.emptyPage ? [] : selected.page;
	const { totalCount } = selected;

	if (call.dialect === 'documented') {
		// The documented running state carries only tid, status and percentage, without threats.
		const data =
			percentage < 100
				? { tid: task.tid, status: 'running', percentage }
				: { tid: task.tid, status: 'done', percentage, total: page.length, threats: page.map(toDocumentedThreat) };
		return documentedResponse(request.id, { data, status: OK });
	}

	const result: JsonObject = {
		percentage: state.percentageAsString ? String(percentage) : percentage,
		data: page.map(toApiver3Row),
		status: OK,
		'return-lines': page.length,
	};
	if (task.query.countTotal) result['total-count-all'] = totalCount;
	return rpcResult(request.id, result);
}

function deleteTask(call: TaskCall, tidText: string): JsonObject {
	const { request, adom, state } = call;
	if (!state.tasks.delete(adom, Number(tidText))) throw unknownTid(tidText);
	state.counters.tasksDeleted++;

	if (call.dialect === 'documented') return documentedResponse(request.id, { status: OK });
	return rpcResult(request.id, { status: OK });
}

function errorResponse(call: TaskCall, error: FortiViewError): JsonObject {
	const { id } = call.request;
	if (call.dialect === 'documented') return documentedResponse(id, { status: error.documented });

	const { form, code, message } = error.apiver3;
	if (form === 'result') return rpcResult(id, { status: { code, message } });
	return rpcError(id, code, message);
}

/** Builds the documented-dialect response: a one-element `result` list, without `jsonrpc`. */
function documentedResponse(id: unknown, entry: JsonObject): JsonObject {
	return { id, result: [entry] };
}
