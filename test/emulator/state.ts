/**
 * Everything one running emulator keeps between requests: settings that tests may change, sessions, tasks,
 * faults, counters and the request log.
 */
import { SessionStore } from './auth';
import { DEFAULT_API_KEYS, DEFAULT_USERS } from './credentials';
import { FaultQueue } from './faults';
import { TaskStore } from './tasks';
import { checkThreatChanges } from './threat-changes';
import type { Dialect, EmulatorApiKey, EmulatorCounters, EmulatorOptions, EmulatorUser, RecordedRequest, ThreatChange } from './types';

/** Counters that count events; `openSessions` and `tasksOpen` are read from the stores instead. */
export type EventCounters = Omit<EmulatorCounters, 'openSessions' | 'tasksOpen'>;

const DEFAULT_ADOMS = ['root', 'soc', 'legacy'];
const DEFAULT_ADOM_DIALECTS: Record<string, Dialect> = { legacy: 'documented' };
const DEFAULT_TASK_DURATION_MS = 1500;
const DEFAULT_TASK_TTL_MS = 30 * 60_000;
const DEFAULT_SESSION_IDLE_TIMEOUT_MS = 900_000;

export class EmulatorState {
	readonly now: () => number;
	readonly adoms: readonly string[];
	readonly users: readonly EmulatorUser[];
	readonly apiKeys: readonly EmulatorApiKey[];
	readonly percentageAsString: boolean;
	readonly bulkThreats: Readonly<Record<string, number>>;

	readonly sessions: SessionStore;
	readonly tasks: TaskStore;
	readonly faults = new FaultQueue();
	readonly counters: EventCounters = zeroCounters();
	readonly requests: RecordedRequest[] = [];

	dialect: Dialect;
	readonly adomDialects: Record<string, Dialect>;
	taskDurationMs: number;
	/** Data changes by ADOM, applied when a task is created. */
	readonly threatChanges: Record<string, ThreatChange[]> = {};

	constructor(options: EmulatorOptions) {
		this.now = options.now ?? Date.now;
		this.adoms = [...(options.adoms ?? DEFAULT_ADOMS)];
		this.users = [...(options.users ?? DEFAULT_USERS)];
		this.apiKeys = [...(options.apiKeys ?? DEFAULT_API_KEYS)];
		this.percentageAsString = options.percentageAsString ?? false;
		this.bulkThreats = { ...options.bulkThreats };
		this.dialect = options.dialect ?? 'apiver3';
		this.adomDialects = { ...(options.adomDialects ?? DEFAULT_ADOM_DIALECTS) };
		this.taskDurationMs = checkDuration(options.taskDurationMs ?? DEFAULT_TASK_DURATION_MS, 'taskDurationMs');

		const ttlMs = checkDuration(options.taskTtlMs ?? DEFAULT_TASK_TTL_MS, 'taskTtlMs');
		const idleTimeoutMs = checkDuration(options.sessionIdleTimeoutMs ?? DEFAULT_SESSION_IDLE_TIMEOUT_MS, 'sessionIdleTimeoutMs');
		this.sessions = new SessionStore(this.now, idleTimeoutMs);
		this.tasks = new TaskStore(this.now, ttlMs);
		for (const [adom, changes] of Object.entries(options.threatChanges ?? {})) {
			this.threatChanges[adom] = checkThreatChanges(changes);
		}
	}

	dialectFor(adom: string): Dialect {
		return this.adomDialects[adom] ?? this.dialect;
	}

	snapshotCounters(): EmulatorCounters {
		return { ...this.counters, openSessions: this.sessions.countOpen(), tasksOpen: this.tasks.countOpen() };
	}

	resetCounters(): void {
		Object.assign(this.counters, zeroCounters());
		this.requests.length = 0;
	}
}

/** Returns the duration in ms when it is 0 or more (Infinity means never); throws a TypeError naming the option. */
export function checkDuration(value: number, option: string): number {
	if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
		throw new TypeError(`${option} must be a number of milliseconds, 0 or more; got ${String(value)}`);
	}
	return value;
}

function zeroCounters(): EventCounters {
	return {
		requests: 0,
		logins: 0,
		failedLogins: 0,
		logouts: 0,
		tasksCreated: 0,
		tasksDeleted: 0,
		fetches: 0,
		connections: 0,
	};
}
