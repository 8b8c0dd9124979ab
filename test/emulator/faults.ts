/**
 * Injected faults: a queue of rules, and the action each fault kind turns into.
 *
 * To add a fault kind, add a member to the `Fault` union in types.ts and a case to `faultAction` and `checkFault`.
 * The compiler reports the `faultAction` switch until its case exists.
 */
import { STATUS_CODES } from 'node:http';

import { rpcError, rpcResult } from './envelope';
import type { Fault, FaultRule } from './types';

/** What the server does with a request in place of the normal response, or before it. */
export type FaultAction =
	| { type: 'respond'; status: number; contentType: string; body: string }
	| { type: 'delay'; ms: number }
	| { type: 'reset' };

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
	}
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
		case 'raw':
		case 'json':
		case 'reset':
		case 'status':
			return;
		default:
			throw new TypeError(`Unknown fault kind ${JSON.stringify((fault as { kind: unknown }).kind)}`);
	}
}
