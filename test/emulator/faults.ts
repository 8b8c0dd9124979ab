/**
 * Injected faults: a queue of rules, and the action each fault kind turns into.
 *
 * To add a fault kind, add a member to the `Fault` union in types.ts and a case to `faultAction` and `checkFault`.
 * The compiler reports the `faultAction` switch until its case exists. A kind that lets the normal handler run
 * returns a `handle` action, which the server carries out around `routeRequest`.
 */
import { STATUS_CODES } from 'node:http';

import { isObject, type JsonObject, rpcError, rpcResult } from './envelope';
import type { Fault, FaultRule } from './types';

/** Changes a fault makes to the normal handling of a FortiView fetch. */
export interface FetchOverride {
	/** Percentage to report, with the partial rows of that moment, regardless of the task's clock. */
	percentage?: number;
	/** Whether to send no rows. */
	emptyPage?: boolean;
}

/** What the server does with a request in place of the normal response, or before it. */
export type FaultAction =
	| { type: 'respond'; status: number; contentType: string; body: string }
	| { type: 'delay'; ms: number }
	| { type: 'reset' }
	// The normal handler runs: after `prepare` changed the state, with `fetch` applied, and `rewrite` changes its body.
	| { type: 'handle'; prepare?: 'expire-sessions' | 'expire-tasks'; fetch?: FetchOverride; rewrite?: (body: JsonObject) => unknown };

/** The parts of the request a fault response echoes. */
export interface FaultTarget {
	id: unknown;
	url: string | undefined;
}

interface QueuedFault {
	rule: FaultRule;
	remaining: number;
}

const JSON_CONTENT_TYPE = 'application/json';

export class FaultQueue {
	private readonly queue: QueuedFault[] = [];

	add(rule: FaultRule): void {
		const times = rule.times ?? 1;
		if (typeof times !== 'number' || !(times >= 1) || (Number.isFinite(times) && !Number.isInteger(times))) {
			throw new TypeError(`Fault times must be a whole number of 1 or more, or Infinity; got ${String(times)}`);
		}
		checkFault(rule.fault);
		this.queue.push({ rule, remaining: times });
	}

	clear(): void {
		this.queue.length = 0;
	}

	/** Returns the oldest fault whose rule matches the request and uses up one of its times. */
	take(method: string | undefined, url: string | undefined): Fault | undefined {
		const index = this.queue.findIndex(({ rule }) => ruleMatches(rule, method, url));
		if (index === -1) return undefined;

		const queued = this.queue[index];
		queued.remaining--;
		if (queued.remaining <= 0) this.queue.splice(index, 1);
		return queued.rule.fault;
	}
}

export function faultAction(fault: Fault, target: FaultTarget): FaultAction {
	switch (fault.kind) {
		case 'http-status':
			return {
				type: 'respond',
				status: fault.status,
				contentType: 'text/plain; charset=utf-8',
				body: fault.body ?? STATUS_CODES[fault.status] ?? '',
			};
		case 'delay':
			return { type: 'delay', ms: fault.ms };
		case 'raw':
			return { type: 'respond', status: 200, contentType: fault.contentType ?? JSON_CONTENT_TYPE, body: fault.body };
		case 'json':
			return { type: 'respond', status: 200, contentType: JSON_CONTENT_TYPE, body: JSON.stringify(fault.body) };
		case 'reset':
			return { type: 'reset' };
		case 'status':
			return { type: 'respond', status: 200, contentType: JSON_CONTENT_TYPE, body: JSON.stringify(statusBody(fault, target)) };
		case 'expire-sessions':
		case 'expire-tasks':
			return { type: 'handle', prepare: fault.kind };
		case 'progress':
			return { type: 'handle', fetch: { percentage: fault.percentage } };
		case 'empty-page':
			return { type: 'handle', fetch: { percentage: 100, emptyPage: true } };
		case 'result-form':
			return { type: 'handle', rewrite: (body) => changeResultForm(body, fault.form) };
		case 'status-as-string':
			return { type: 'handle', rewrite: statusesAsStrings };
		case 'numbers-as-strings':
			return { type: 'handle', rewrite: numbersAsStringsExceptId };
		case 'omit-fields':
			return { type: 'handle', rewrite: (body) => withoutKeys(body, new Set(fault.fields)) };
	}
}

function changeResultForm(body: JsonObject, form: 'list' | 'object'): JsonObject {
	const { result } = body;
	if (form === 'list' && isObject(result)) return { ...body, result: [result] };
	if (form === 'object' && Array.isArray(result)) return { ...body, result: result[0] };

	return body;
}

function statusesAsStrings(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(statusesAsStrings);
	if (!isObject(value)) return value;

	const changed: JsonObject = {};
	for (const [key, entry] of Object.entries(value)) {
		const isStatus = key === 'status' && isObject(entry) && typeof entry.message === 'string';
		changed[key] = isStatus ? entry.message : statusesAsStrings(entry);
	}
	return changed;
}

function numbersAsStringsExceptId(body: JsonObject): JsonObject {
	return { ...(numbersAsStrings(body) as JsonObject), id: body.id };
}

function numbersAsStrings(value: unknown): unknown {
	if (typeof value === 'number') return String(value);
	if (Array.isArray(value)) return value.map(numbersAsStrings);
	if (!isObject(value)) return value;

	return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, numbersAsStrings(entry)]));
}

function withoutKeys(value: unknown, keys: ReadonlySet<string>): unknown {
	if (Array.isArray(value)) return value.map((entry) => withoutKeys(entry, keys));
	if (!isObject(value)) return value;

	const kept = Object.entries(value).filter(([key]) => !keys.has(key));
	return Object.fromEntries(kept.map(([key, entry]) => [key, withoutKeys(entry, keys)]));
}

function statusBody(fault: Extract<Fault, { kind: 'status' }>, target: FaultTarget): unknown {
	const status = { code: fault.code, message: fault.message };

	switch (fault.form) {
		case 'legacy':
			return { id: target.id, result: [target.url === undefined ? { status } : { status, url: target.url }] };
		case 'result':
			return rpcResult(target.id, { status });
		case 'error':
			return rpcError(target.id, fault.code, fault.message);
	}
}

function ruleMatches(rule: FaultRule, method: string | undefined, url: string | undefined): boolean {
	const match = rule.match;
	if (!match) return true;

	if (match.method !== undefined && match.method !== method) return false;
	if (match.url === undefined) return true;
	if (url === undefined) return false;
	if (typeof match.url === 'string') return match.url === url;

	// A global or sticky RegExp keeps its position between calls; every request must be tested from the start.
	match.url.lastIndex = 0;
	return match.url.test(url);
}

/** Rejects faults that the server could not act on, so a broken test fails where the fault is injected. */
function checkFault(fault: Fault): void {
	switch (fault.kind) {
		case 'http-status':
			if (!Number.isInteger(fault.status) || fault.status < 100 || fault.status > 599) {
				throw new TypeError(`Fault http-status needs a status from 100 to 599; got ${String(fault.status)}`);
			}
			return;
		case 'delay':
			if (!Number.isFinite(fault.ms) || fault.ms < 0) {
				throw new TypeError(`Fault delay needs ms, 0 or more; got ${String(fault.ms)}`);
			}
			return;
		case 'progress':
			if (!Number.isFinite(fault.percentage) || fault.percentage < 0 || fault.percentage > 100) {
				throw new TypeError(`Fault progress needs a percentage from 0 to 100; got ${String(fault.percentage)}`);
			}
			return;
		case 'result-form':
			if (fault.form !== 'list' && fault.form !== 'object') {
				throw new TypeError(`Fault result-form needs form list or object; got ${JSON.stringify(fault.form)}`);
			}
			return;
		case 'omit-fields':
			if (!Array.isArray(fault.fields) || fault.fields.length === 0 || !fault.fields.every((field) => typeof field === 'string')) {
				throw new TypeError('Fault omit-fields needs a non-empty list of field names');
			}
			return;
		case 'raw':
		case 'json':
		case 'reset':
		case 'status':
		case 'expire-sessions':
		case 'expire-tasks':
		case 'empty-page':
		case 'status-as-string':
		case 'numbers-as-strings':
			return;
		default:
			throw new TypeError(`Unknown fault kind ${JSON.stringify((fault as { kind: unknown }).kind)}`);
	}
}
