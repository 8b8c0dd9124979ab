/** Outcome of one item. Outcomes stay in input order, whatever order the items finish in. */
export type ItemOutcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Runs `work` for items 0..count-1 with at most `limit` running at once and returns the outcomes in input
 * order. After a failure for which `stopOnFailure` returns true, no further item starts, but items already
 * running finish, so none of them leaves a task behind on FortiAnalyzer.
 */
export async function runWithConcurrency<T>(
	count: number,
	limit: number,
	work: (index: number) => Promise<T>,
	stopOnFailure: (error: unknown) => boolean,
): Promise<Array<ItemOutcome<T> | undefined>> {
	const outcomes: Array<ItemOutcome<T> | undefined> = new Array(count);
	let next = 0;
	let stopped = false;

	const worker = async () => {
		while (!stopped && next < count) {
			const index = next++;
			try {
				outcomes[index] = { ok: true, value: await work(index) };
			} catch (error) {
				outcomes[index] = { ok: false, error };
				if (stopOnFailure(error)) stopped = true;
			}
		}
	};

	const workers = Array.from({ length: Math.max(1, Math.min(limit, count)) }, worker);
	await Promise.all(workers);

	return outcomes;
}
