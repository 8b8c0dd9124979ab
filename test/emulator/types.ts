/**
 * Public types of the FortiAnalyzer JSON-RPC emulator.
 */

/**
 * Response shape of the FortiView endpoints.
 *
 * - `apiver3`: the shape FortiAnalyzer 7.4 and 7.6 send. `result` is an object, rows use FortiAnalyzer's own keys,
 *   every number is a string, and errors come as a top-level JSON-RPC `error`.
 * - `documented`: the shape shown in public how-to pages for the top-threats task. `result` is a list whose
 *   `data` contains `status`, `percentage`, `total` and `threats[]` with numbers as numbers. No live capture shows it.
 */
export type Dialect = 'apiver3' | 'documented';

/** An administrator who logs in with a user name and password. */
export interface EmulatorUser {
	username: string;
	password: string;
	/** Whether the admin profile grants FortiView read access. */
	fortiview: boolean;
	/** ADOMs the admin may use; every ADOM when absent. */
	adoms?: string[];
}

/** A REST API administrator identified by its key in `Authorization: Bearer <key>`. */
export interface EmulatorApiKey {
	key: string;
	/** Whether the admin profile grants FortiView read access. */
	fortiview: boolean;
	/** ADOMs the key may use; every ADOM when absent. */
	adoms?: string[];
}

export interface EmulatorOptions {
	/** Loopback address to listen on; default `127.0.0.1`. Other hosts are rejected. */
	host?: string;
	/** TCP port; default 0, which picks a free port. */
	port?: number;
	/** Serve HTTPS with this key and certificate (PEM) instead of plain HTTP. */
	tls?: { key: string | Buffer; cert: string | Buffer };
	/** FortiView response shape; default `apiver3`. */
	dialect?: Dialect;
	/** FortiView response shape per ADOM, overriding `dialect`; default `{ legacy: 'documented' }`. */
	adomDialects?: Record<string, Dialect>;
	/** ADOM names; default `['root', 'soc', 'legacy']`. */
	adoms?: string[];
	/** Time in ms for a FortiView task to go from 0 to 100 %; default 1500. */
	taskDurationMs?: number;
	/** Time in ms after creation when a tid is forgotten; default 30 minutes. */
	taskTtlMs?: number;
	/** Idle time in ms after which a session is stale; default 900 000 (15 minutes). */
	sessionIdleTimeoutMs?: number;
	/** Send the apiver-3 `percentage` as a string (`"42"`), as some builds do; default false. */
	percentageAsString?: boolean;
	/** ADOMs that return this many synthetic threats instead of the catalogue, e.g. `{ bulk: 20000 }`; add them to `adoms`. */
	bulkThreats?: Record<string, number>;
	/** Administrators who log in with a password; default the demo user and the user without FortiView permission. */
	users?: EmulatorUser[];
	/** API keys; default the demo key and the key without FortiView permission. */
	apiKeys?: EmulatorApiKey[];
	/** Clock in ms since the epoch, for tests; default `Date.now`. */
	now?: () => number;
	/** Changes to the seeded data, by ADOM; default none. `setThreatChanges` replaces them later. */
	threatChanges?: Record<string, ThreatChange[]>;
}

/**
 * A change to one threat of an ADOM's data, applied when a task is created. Changes apply in order, so a later
 * change to the same threat builds on an earlier one.
 */
export interface ThreatChange {
	/** Threat name, e.g. `udp_flood`; a name the data lacks adds a threat when `ratePerHour` is set. */
	threat: string;
	/** Multiplies the incidents (and the detected ones with them); 0 removes the threat. Default 1. */
	scale?: number;
	/** Replaces the threat level: 1 info, 2 low, 3 medium, 4 high, 5 critical. */
	level?: 1 | 2 | 3 | 4 | 5;
	/** Replaces the share of incidents that pass (detected, not blocked), from 0 to 1. */
	passRatio?: number;
	/** Replaces the seeded count with this many incidents per hour, spread evenly over the window. */
	ratePerHour?: number;
	/** Threat type of an added threat; default `ips`. */
	threattype?: string;
	/** The change applies only to tasks whose window starts at or after this time, in ms since the epoch. */
	from?: number;
	/** The change applies only to tasks whose window ends at or before this time, in ms since the epoch. */
	until?: number;
}

export interface EmulatorCounters {
	/** HTTP requests received on any path. */
	requests: number;
	/** Successful logins. */
	logins: number;
	/** Logins rejected with -22. */
	failedLogins: number;
	/** Sessions closed by `exec /sys/logout`. */
	logouts: number;
	/** Sessions that are neither logged out nor idle past the timeout. */
	openSessions: number;
	tasksCreated: number;
	/** Tasks removed by a `delete .../run/<tid>` call. */
	tasksDeleted: number;
	/** Tasks created, not deleted and not expired. */
	tasksOpen: number;
	/** `get .../run/<tid>` calls that passed authentication, including those for unknown tids. */
	fetches: number;
	/** TCP connections accepted; requests on a kept-alive connection do not add to it. */
	connections: number;
}

/** One JSON-RPC request as the emulator received it, without any secret. */
export interface RecordedRequest {
	/** JSON-RPC `method`, or `''` when the body had none. */
	method: string;
	/** `params[0].url`, or `''` when the body had none. */
	url: string;
	/** How the request presented itself: a Bearer header, a session string, or neither. */
	auth: 'apiKey' | 'session' | 'none';
	/** Emulator clock time when the request arrived, in ms since the epoch. */
	at: number;
}

/**
 * A misbehaviour that replaces or changes the next matching response.
 *
 * `http-status`, `raw`, `json`, `reset` and `status` skip the normal handler, so the request has no effect (no
 * session, no task). The other kinds let the normal handler run and change its input or its response.
 */
export type Fault =
	// Responds with this HTTP status and body. The body defaults to the status text as plain text.
	| { kind: 'http-status'; status: number; body?: string }
	// Waits this many ms, then responds normally.
	| { kind: 'delay'; ms: number }
	// Responds HTTP 200 with this body verbatim. The content type defaults to `application/json`.
	| { kind: 'raw'; body: string; contentType?: string }
	// Responds HTTP 200 with this value serialised as JSON.
	| { kind: 'json'; body: unknown }
	// Destroys the TCP connection without a response.
	| { kind: 'reset' }
	// Responds with a FortiAnalyzer error in one of its three forms: `legacy` is `result: [{status, url}]`,
	// `result` is an apiver-3 `result.status`, and `error` is a top-level JSON-RPC `error`.
	| { kind: 'status'; code: number; message: string; form: 'legacy' | 'result' | 'error' }
	// Makes every open session stale, then handles the request normally, so a request with a session gets -11.
	| { kind: 'expire-sessions' }
	// Forgets every FortiView task as if its time to live had passed, then handles the request normally.
	| { kind: 'expire-tasks' }
	// Responds to a FortiView fetch as if its task stood at this percentage, with the partial rows of that moment.
	// Other requests are handled normally.
	| { kind: 'progress'; percentage: number }
	// Responds to a FortiView fetch at 100 % without rows; `total-count-all` still counts the rows when the task
	// asked for it. FortiAnalyzer 7.6.7 was seen to do this on log search. Other requests are handled normally.
	| { kind: 'empty-page' }
	// Handles the request normally, then sends `result` in the other form: `list` wraps a result object as the
	// only entry of a list, and `object` replaces a result list by its first entry.
	| { kind: 'result-form'; form: 'list' | 'object' }
	// Handles the request normally, then replaces every `status: {code, message}` object by its message.
	| { kind: 'status-as-string' }
	// Handles the request normally, then sends every number in the body as a string, except the JSON-RPC `id`.
	| { kind: 'numbers-as-strings' }
	// Handles the request normally, then removes these keys wherever they occur in the body, e.g. `percentage`.
	| { kind: 'omit-fields'; fields: string[] };

/** A session the emulator issued at login. */
export interface IssuedSession {
	/** The session string the login response carried; a secret as long as the session is open. */
	id: string;
	username: string;
	/**
	 * How the session ended: `logout` after `exec /sys/logout`, or `expiry` once the emulator dropped it as stale.
	 * `expireSessions()` and the `expire-sessions` fault do that at once, the idle timeout at the session's next use.
	 * `null` while the session is open.
	 */
	endedBy: 'logout' | 'expiry' | null;
}

export interface FaultRule {
	/** Requests the fault applies to; every request when absent. A string `url` must equal `params[0].url`. */
	match?: { method?: string; url?: string | RegExp };
	/** Number of requests the fault applies to; default 1. `Infinity` keeps it until `clearFaults()`. */
	times?: number;
	fault: Fault;
}

export interface RunningEmulator {
	/** Base URL, e.g. `http://127.0.0.1:40123`; the JSON-RPC endpoint is `url + '/jsonrpc'`. */
	url: string;
	port: number;
	/** A fresh snapshot of the counters on every read. */
	readonly counters: EmulatorCounters;
	/** Zeroes the event counters and empties `requests`; `openSessions` and `tasksOpen` follow the live state. */
	resetCounters(): void;
	/** Makes every open session stale, so its next use gets -11. */
	expireSessions(): void;
	/** Sets the 0-to-100 % time of tasks created from now on. */
	setTaskDuration(ms: number): void;
	/** Sets the FortiView response shape, for one ADOM when `adom` is given. */
	setDialect(dialect: Dialect, adom?: string): void;
	/** Replaces the data changes of an ADOM for tasks created from now on; an empty list restores the seeded data. */
	setThreatChanges(adom: string, changes: ThreatChange[]): void;
	/** Queues a fault; matching faults are used first-in first-out. */
	injectFault(fault: FaultRule): void;
	clearFaults(): void;
	/** JSON-RPC requests in arrival order. */
	requests: RecordedRequest[];
	/** Every session the emulator issued, oldest first, with how it ended; tests check them for leaks and secrets. */
	readonly issuedSessions: readonly IssuedSession[];
	/** TCP connections open on the server side right now, kept-alive idle ones included. */
	readonly openConnections: number;
	/** Closes the server and every open connection. */
	stop(): Promise<void>;
}
