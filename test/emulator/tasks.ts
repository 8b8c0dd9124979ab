/**
 * FortiView tasks: numeric tids, progress from the clock, expiry after a time to live.
 */
import type { ThreatTotal } from './dataset';
import type { TopThreatsQuery } from './query';

/** First tid handed out; later tids count up from it. */
export const FIRST_TID = 12470;

export interface FortiViewTask {
	tid: number;
	adom: string;
	createdAt: number;
	/** Time from 0 to 100 %, fixed when the task is created. */
	durationMs: number;
	query: TopThreatsQuery;
	/** The complete result, restricted to the selected devices but not yet filtered or paged. */
	totals: ThreatTotal[];
}

export class TaskStore {
	private readonly tasks = new Map<number, FortiViewTask>();
	private nextTid = FIRST_TID;

	constructor(
		private readonly now: () => number,
		private readonly ttlMs: number,
	) {}

	create(adom: string, query: TopThreatsQuery, totals: ThreatTotal[], durationMs: number): FortiViewTask {
		this.removeExpired();

		const task: FortiViewTask = { tid: this.nextTid++, adom, createdAt: this.now(), durationMs, query, totals };
		this.tasks.set(task.tid, task);
		return task;
	}

	/** Returns the task when it exists in this ADOM and has not expired. */
	find(adom: string, tid: number): FortiViewTask | undefined {
		const task = this.tasks.get(tid);
		if (!task || task.adom !== adom) return undefined;

		if (this.isExpired(task)) {
			this.tasks.delete(tid);
			return undefined;
		}
		return task;
	}

	/** Removes the task; returns false when `find` would not have found it. */
	delete(adom: string, tid: number): boolean {
		if (!this.find(adom, tid)) return false;
		return this.tasks.delete(tid);
	}

	/** Forgets every task, as if its time to live had passed. */
	expireAll(): void {
		this.tasks.clear();
	}

	countOpen(): number {
		let open = 0;
		for (const task of this.tasks.values()) {
			if (!this.isExpired(task)) open++;
		}
		return open;
	}

	/** Progress from 0 to 100, rising linearly with the time since creation. */
	percentage(task: FortiViewTask): number {
		if (task.durationMs <= 0) return 100;

		const elapsedMs = Math.max(0, this.now() - task.createdAt);
		return Math.min(100, Math.floor((elapsedMs / task.durationMs) * 100));
	}

	private isExpired(task: FortiViewTask): boolean {
		return this.now() - task.createdAt > this.ttlMs;
	}

	private removeExpired(): void {
		for (const [tid, task] of this.tasks) {
			if (this.isExpired(task)) this.tasks.delete(tid);
		}
	}
}
