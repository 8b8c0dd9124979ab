import { BusyError, ConnectionError, FortiAnalyzerError, HttpError, RequestTimeoutError } from './errors';

/** Retry limits for a failed request. */
export interface RetryPolicy {
	/** Maximum number of retries after the first attempt. 0 turns retries off. */
	retries: number;
	/** Delay before the first retry, doubled for each further one up to `maxDelayMs`, then jittered down by up to half. */
	baseDelayMs: number;
	maxDelayMs: number;
	/** Time after the start of the first attempt, in ms, after which no retry starts. */
	budgetMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 3, baseDelayMs: 300, maxDelayMs: 4000, budgetMs: 20_000 };

/** Sleep that rejects when the signal aborts, such as n8n-workflow's `sleepWithAbort`. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

const TRANSIENT_HTTP_STATUSES = new Set([429, 502, 503, 504]);

/**
 * Returns whether a failure may pass if the same request is sent again: HTTP 429, 502, 503 or 504, a connection
 * error, a request timeout, or FortiAnalyzer reporting that all its task slots are busy.
 */
export function isTransient(error: unknown): boolean {
	if (error instanceof HttpError) return TRANSIENT_HTTP_STATUSES.has(error.context.httpStatus ?? 0);

	return error instanceof ConnectionError || error instanceof RequestTimeoutError || error instanceof BusyError;
}

/**
 * Returns whether a failed request may be repeated after a transient failure. Reads, deletes, login and logout
 * may be repeated. Creating a task (`add`) may not, because after a timeout or a dropped connection the first
 * task may exist, and a repeat would start a second one. A busy error is the exception for every method,
 * because FortiAnalyzer then created nothing.
 */
export function mayRepeat(method: string, error: unknown): boolean {
	if (error instanceof BusyError) return true;

	return method !== 'add' && isTransient(error);
}

export interface RetryOptions {
	policy: RetryPolicy;
	sleep: Sleep;
	signal?: AbortSignal;
	canRetry: (error: unknown) => boolean;
	onRetry?: (error: FortiAnalyzerError | Error, attempt: number, delayMs: number) => void;
	now?: () => number;
	random?: () => number;
}

/** Runs `action`, repeating it with exponential backoff and jitter while `canRetry` allows and the budget lasts. */
export async function withRetries<T>(action: () => Promise<T>, options: RetryOptions): Promise<T> {
	const now = options.now ?? Date.now;
	const random = options.random ?? Math.random;
	const startedAt = now();

	for (let attempt = 1; ; attempt++) {
		try {
			return await action();
		} catch (error) {
			const exponential = Math.min(options.policy.maxDelayMs, options.policy.baseDelayMs * 2 ** (attempt - 1));
			const delayMs = Math.round(exponential / 2 + (random() * exponential) / 2);
			const withinBudget = now() - startedAt + delayMs <= options.policy.budgetMs;
			const retriesLeft = attempt <= options.policy.retries;
			if (!retriesLeft || !withinBudget || options.signal?.aborted || !options.canRetry(error)) throw error;

			options.onRetry?.(error instanceof Error ? error : new Error(String(error)), attempt, delayMs);
			await options.sleep(delayMs, options.signal);
		}
	}
}

/** Abortable sleep for callers outside n8n. The node passes n8n-workflow's `sleepWithAbort` instead. */
export const defaultSleep: Sleep = async (ms, signal) =>
	await new Promise<void>((resolve, reject) => {
		if (signal?.aborted) {
			reject(new Error('Aborted'));
			return;
		}
		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		const onAbort = () => {
			clearTimeout(timer);
			reject(new Error('Aborted'));
		};
		signal?.addEventListener('abort', onAbort, { once: true });
	});
