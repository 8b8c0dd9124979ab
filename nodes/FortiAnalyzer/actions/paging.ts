import type { IExecuteFunctions } from 'n8n-workflow';

import { MAX_LIMIT, type Threat, type TopThreatsQuery } from '../client';
import type { OperationContext } from './types';
import { deleteTaskQuietly, waitWithProgress } from './waiting';

export interface CollectedThreats {
	tid: number;
	adom: string;
	threats: Threat[];
	/** FortiAnalyzer's count of all matching threats, from the last page that reported one. */
	total: number | null;
	/** True when FortiAnalyzer's total changed between pages, so rows may be missing or repeated. */
	totalMoved: boolean;
	pages: number;
	durationMs: number;
}

/** Maximum number of pages when FortiAnalyzer reports no total, so that a FortiAnalyzer that ignores `offset` cannot make paging loop for ever. */
const MAX_PAGES_WITHOUT_TOTAL = 100;

/**
 * Runs one task (create, wait, fetch, delete) and returns its threats, ranked from `offset + 1`. The task is
 * deleted also when waiting fails or the execution is cancelled.
 */
export async function runTask(
	node: IExecuteFunctions,
	itemIndex: number,
	context: OperationContext,
	task: { adom: string; query: TopThreatsQuery; includeRaw: boolean },
) {
	// With `total-count-all` the client can tell an early empty page at 100 % from a result without threats.
	const tid = await context.client.createTopThreatsTask(task.adom, { ...task.query, countTotal: true }, context.signal);
	const createdAt = Date.now();
	try {
		return await waitWithProgress(node, itemIndex, context.client, {
			adom: task.adom,
			tid,
			createdAt,
			includeRaw: task.includeRaw,
			firstRank: (task.query.offset ?? 0) + 1,
			signal: context.signal,
		});
	} finally {
		await deleteTaskQuietly(node, context.client, task.adom, tid);
	}
}

/**
 * Collects every matching threat. FortiAnalyzer returns at most 1000 rows per task and pages are set when a task
 * is created, so each page is a new task with a growing `offset` and `count-total`. Paging stops when the rows
 * reach the total or a page comes back short. Only threats that pass `keep` are stored, so memory grows with
 * the threats kept rather than with every row read.
 */
export async function collectAllThreats(
	node: IExecuteFunctions,
	itemIndex: number,
	context: OperationContext,
	task: { adom: string; query: TopThreatsQuery; includeRaw: boolean },
	keep: (threat: Threat) => boolean = () => true,
): Promise<CollectedThreats> {
	const threats: Threat[] = [];
	let rowsSeen = 0;
	let total: number | null = null;
	let totalMoved = false;
	let pages = 0;
	let tid = 0;
	let durationMs = 0;

	for (;;) {
		const offset = rowsSeen;
		const page = await runTask(node, itemIndex, context, {
			...task,
			query: { ...task.query, limit: MAX_LIMIT, offset, countTotal: true },
		});
		pages += 1;
		tid = page.tid;
		durationMs += page.elapsedMs;

		if (total !== null && page.total !== null && page.total !== total) {
			totalMoved = true;
			node.logger.warn(`FortiAnalyzer's total moved from ${total} to ${page.total} between pages; rows may be missing or repeated`, {
				adom: task.adom,
				tid: page.tid,
				offset,
			});
		}
		total = page.total ?? total;
		rowsSeen += page.threats.length;
		for (const threat of page.threats) {
			if (keep(threat)) threats.push(threat);
		}

		const short = page.threats.length < MAX_LIMIT;
		const complete = total !== null && rowsSeen >= total;
		if (short || complete || (total === null && pages >= MAX_PAGES_WITHOUT_TOTAL)) break;
	}

	return { tid, adom: task.adom, threats, total, totalMoved, pages, durationMs };
}
