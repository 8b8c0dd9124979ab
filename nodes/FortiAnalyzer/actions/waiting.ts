import { type IExecuteFunctions, sleep, sleepWithAbort } from 'n8n-workflow';

import { type FortiAnalyzerClient, type Sleep, type WaitResult, waitForTask } from '../client';
import { readWaitSettings } from '../helpers/parameters';
import { ProgressLog } from '../helpers/progressLog';

/**
 * n8n-workflow's abortable sleep. On n8n hosts older than `sleepWithAbort` it falls back to `sleep`, which does not
 * abort, so a cancellation takes effect only after the current pause.
 */
export const abortableSleep: Sleep =
	typeof sleepWithAbort === 'function' ? sleepWithAbort : async (ms: number) => await sleep(ms);

/** Waits for a task with the node's waiting options, logging its progress through n8n's logger (see `ProgressLog`). */
export async function waitWithProgress(
	context: IExecuteFunctions,
	itemIndex: number,
	client: FortiAnalyzerClient,
	task: { adom: string; tid: number; includeRaw: boolean; firstRank?: number; createdAt?: number; signal?: AbortSignal },
): Promise<WaitResult> {
	const settings = readWaitSettings(context, itemIndex);
	const progress = new ProgressLog(context.logger, task.adom);

	const result = await waitForTask(client, task.adom, task.tid, {
		...settings,
		sleep: abortableSleep,
		signal: task.signal,
		createdAt: task.createdAt,
		fetch: { includeRaw: task.includeRaw, firstRank: task.firstRank },
		onProgress: (update) => progress.poll(update),
	});
	progress.done({ tid: task.tid, elapsedMs: result.elapsedMs, polls: result.polls });

	return result;
}

/**
 * Deletes a task, cancelling it if it still runs, so that it does not occupy a FortiAnalyzer search slot. It sends
 * no abort signal, so it also runs after the execution was cancelled. A failure is logged as a warning, not thrown.
 */
export async function deleteTaskQuietly(context: IExecuteFunctions, client: FortiAnalyzerClient, adom: string, tid: number): Promise<void> {
	try {
		await client.cancelTopThreatsTask(adom, tid);
	} catch (error) {
		context.logger.warn(`Could not delete FortiAnalyzer task ${tid}`, {
			tid,
			adom,
			error: error instanceof Error ? error.message : String(error),
		});
	}
}
