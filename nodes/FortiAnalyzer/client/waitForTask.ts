import type { FortiAnalyzerClient } from './client';
import { CancelledError, TaskStalledError, WaitTimeoutError } from './errors';
import type { Sleep } from './retry';
import type { NormalizeOptions, TaskResult } from './normalize';


export interface WaitProgress {
	tid: number;
	percentage: number;
	elapsedMs: number;
	polls: number;
}

export interface WaitOptions {
	/** Give up after this many milliseconds since the first poll. */
	maxWaitMs: number;
	/** Minimum pause between two polls, in milliseconds. Default 200. */
	minIntervalMs?: number;
	/** Maximum pause between two polls, in milliseconds. Default 5000. */
	maxIntervalMs?: number;
	/** Give up when the percentage has not moved for this many milliseconds, independent of the deadline. */
	stallTimeoutMs?: number;
	/** Time at which the task was known to exist (same clock as `now`), e.g. when its create call returned. It sharpens the first estimate. */
	createdAt?: number;
	sleep: Sleep;
	signal?: AbortSignal;
	onProgress?: (progress: WaitProgress) => void;
	fetch?: Omit<NormalizeOptions, 'tid' | 'adom'>;
	now?: () => number;
}

export interface WaitResult extends TaskResult {
	elapsedMs: number;
	polls: number;
}

/**
 * Polls a task until FortiAnalyzer reports 100 %. The first poll is immediate. Later pauses follow the
 * progress rate: the time the task still needs at its observed speed, kept between the minimum and maximum
 * interval (see `nextInterval`). Throws `WaitTimeoutError` at the deadline, `TaskStalledError` when the
 * percentage does not move for the stall timeout, and `CancelledError` as soon as the signal aborts.
 */
export async function waitForTask(
	client: FortiAnalyzerClient,
	adom: string,
	tid: number,
	options: WaitOptions,
): Promise<WaitResult> {
	const now = options.now ?? Date.now;
	const minInterval = options.minIntervalMs ?? 200;
	const maxInterval = Math.max(minInterval, options.maxIntervalMs ?? 5000);
	const startedAt = now();

	let polls = 0;
	let interval = minInterval;
	let origin: Progress | undefined = options.createdAt === undefined ? undefined : { percentage: 0, at: options.createdAt };
	let lastMove = { percentage: -1, at: startedAt };

	for (;;) {
		throwIfCancelled(options.signal, tid, client.endpoint);

		const sentAt = now();
		const result = await client.fetchTopThreatsTask(adom, tid, options.fetch, options.signal);
		polls += 1;
		const polledAt = now();
		const elapsedMs = polledAt - startedAt;
		options.onProgress?.({ tid, percentage: result.percentage, elapsedMs, polls });

		if (result.done) return { ...result, elapsedMs, polls };

		if (result.percentage !== lastMove.percentage) lastMove = { percentage: result.percentage, at: polledAt };
		const stalledForMs = polledAt - lastMove.at;
		if (options.stallTimeoutMs !== undefined && stalledForMs >= options.stallTimeoutMs) {
			throw new TaskStalledError(tid, result.percentage, stalledForMs, { endpoint: client.endpoint, tid });
		}

		const remainingMs = options.maxWaitMs - elapsedMs;
		if (remainingMs <= 0) {
			throw new WaitTimeoutError(tid, result.percentage, elapsedMs, { endpoint: client.endpoint, tid });
		}

		// FortiAnalyzer computed the percentage between sending and receiving. Taking the send time for the latest
		// poll and the receive time for the origin keeps the pace an upper bound.
		origin ??= { percentage: result.percentage, at: polledAt };
		interval = nextInterval(interval, origin, { percentage: result.percentage, at: sentAt }, minInterval, maxInterval);

		await pause(Math.min(interval, remainingMs), options, tid, client.endpoint);
	}
}

interface Progress {
	percentage: number;
	at: number;
}

/**
 * Returns the pause before the next poll. FortiAnalyzer rounds percentages down, so a reported p % lies in
 * [p, p + 1). The pace since the origin (the task's creation when known, else the first poll) gives both the
 * earliest completion (at p + 1 %) and a central estimate (at p + 0.5 %). The next poll aims at the central
 * estimate plus 20 ms, but never later than the earliest completion plus 80 % of the delay budget. That budget
 * is 10 % of the task's shortest total duration and at least the minimum interval. So a poll lands shortly after
 * completion, and a task that slows down or stops gets longer pauses by itself, because its elapsed time grows.
 * The pause grows by half only when the reported percentage is at least 1 below the origin's.
 */
function nextInterval(current: number, origin: Progress, latest: Progress, minInterval: number, maxInterval: number): number {
	const clamp = (value: number) => Math.min(maxInterval, Math.max(minInterval, Math.round(value)));

	const took = latest.at - origin.at;
	if (took <= 0) return clamp(current);

	const upper = Math.min(100, latest.percentage + 1);
	const central = Math.min(100, latest.percentage + 0.5);
	if (upper - origin.percentage <= 0) return clamp(current * 1.5);

	const earliestMs = ((100 - upper) / (upper - origin.percentage)) * took;
	const centralMs = central - origin.percentage > 0 ? ((100 - central) / (central - origin.percentage)) * took : earliestMs;
	const shortestTotalMs = took + earliestMs;
	const budgetMs = Math.max(minInterval, shortestTotalMs / 10);

	return clamp(Math.min(centralMs + 20, earliestMs + 0.8 * budgetMs));
}

async function pause(ms: number, options: WaitOptions, tid: number, endpoint: string): Promise<void> {
	try {
		await options.sleep(ms, options.signal);
	} catch (error) {
		throwIfCancelled(options.signal, tid, endpoint);
		throw error;
	}
}

function throwIfCancelled(signal: AbortSignal | undefined, tid: number, endpoint: string): void {
	if (signal?.aborted) {
		throw new CancelledError(`Waiting for task ${tid} stopped because the execution was cancelled`, { tid, endpoint });
	}
}
