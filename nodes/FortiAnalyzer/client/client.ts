import type { ConnectionSettings } from './connection';
import {
	AuthenticationError,
	CancelledError,
	type ErrorContext,
	FortiAnalyzerError,
	MalformedResponseError,
	PermissionError,
} from './errors';
import { type NormalizeOptions, readTaskResult, type TaskResult } from './normalize';
import { readReply, type RpcReply } from './reply';
import { DEFAULT_RETRY_POLICY, defaultSleep, mayRepeat, type RetryPolicy, type Sleep, withRetries } from './retry';
import { createdTaskSchema, type SystemStatus, systemStatusSchema } from './schemas';
import type { TimeRange } from './timeRange';
import { JsonRpcTransport, type RpcRequest } from './transport';
import { type DeviceSelector, type SortField, validateAdom, validateTid } from './validation';

/** Parameters of a top-threats task. The caller validates the values (see `validation.ts`). */
export interface TopThreatsQuery {
	timeRange: TimeRange;
	devices: DeviceSelector[];
	filter?: string;
	/** Rows per task, 1 to 1000. */
	limit: number;
	offset?: number;
	sort?: { field: SortField; order: 'asc' | 'desc' };
	/** Whether to request `count-total`, so that FortiAnalyzer returns `total-count-all`, the number of rows across all pages. */
	countTotal?: boolean;
}

/** Logger for the client's operator-facing messages. The client never passes it a secret. */
export interface ClientLogger {
	debug(message: string, meta?: Record<string, unknown>): void;
	warn(message: string, meta?: Record<string, unknown>): void;
}

export interface ClientOptions {
	logger?: ClientLogger;
	/** Sleep used between retries. It must reject when its signal aborts. */
	sleep?: Sleep;
	retry?: RetryPolicy;
}

const SILENT_LOGGER: ClientLogger = { debug: () => {}, warn: () => {} };

const REDACTED = '[redacted]';

/** Session promise that a request used, recorded so that a retry drops only that session. */
interface SessionUse {
	session?: Promise<string>;
	/** True when the last attempt failed in the login, before the request itself was sent. */
	loginFailed?: boolean;
}

/**
 * A FortiAnalyzer JSON-RPC client for FortiView top-threats tasks. With password authentication it logs in on
 * the first request and shares that one session between concurrent requests. When FortiAnalyzer rejects a
 * request with -11 (stale session or missing permission), it logs in again once, and `close()` logs out. With an
 * API key it sends the key as a Bearer token and keeps no session.
 */
export class FortiAnalyzerClient {
	private readonly transport: JsonRpcTransport;

	private readonly settings: ConnectionSettings;

	private readonly logger: ClientLogger;

	private readonly sleep: Sleep;

	private readonly retryPolicy: RetryPolicy;

	private session: Promise<string> | undefined;

	/** Every session id this client received, so that none of them can leak through an error message. */
	private readonly sessionIds = new Set<string>();

	constructor(settings: ConnectionSettings, options: ClientOptions = {}) {
		this.settings = settings;
		this.logger = options.logger ?? SILENT_LOGGER;
		this.sleep = options.sleep ?? defaultSleep;
		this.retryPolicy = options.retry ?? DEFAULT_RETRY_POLICY;
		this.transport = new JsonRpcTransport(settings);
	}

	/** The JSON-RPC endpoint, e.g. `https://faz.example.com/jsonrpc`. */
	get endpoint(): string {
		return this.transport.endpoint;
	}

	/** Reads `/sys/status`. With password authentication this also proves that the login works. */
	async getSystemStatus(signal?: AbortSignal): Promise<SystemStatus> {
		const reply = await this.call({ method: 'get', url: '/sys/status', signal }, {});
		let data: unknown = {};
		if (reply.form === 'list') data = reply.entry.data ?? {};
		if (reply.form === 'object') data = reply.result;

		const parsed = systemStatusSchema.safeParse(data);
		if (!parsed.success) {
			throw new MalformedResponseError('FortiAnalyzer returned an unreadable system status', { endpoint: this.endpoint, apiUrl: '/sys/status' });
		}

		return parsed.data;
	}

	/** Starts a top-threats task and returns its tid. */
	async createTopThreatsTask(adom: string, query: TopThreatsQuery, signal?: AbortSignal): Promise<number> {
		const url = `/fortiview/adom/${validateAdom(adom)}/top-threats/run`;
		const params: Record<string, unknown> = {
			'time-range': { start: query.timeRange.start, end: query.timeRange.end },
			timezone: query.timeRange.timezone,
			device: query.devices,
			limit: query.limit,
		};
		if (query.filter) params.filter = query.filter;
		if (query.offset) params.offset = query.offset;
		if (query.sort) params['sort-by'] = [{ field: query.sort.field, order: query.sort.order }];
		if (query.countTotal) params['count-total'] = true;

		const reply = await this.call({ method: 'add', url, params, apiver3: true, signal }, {});
		const created = createdTaskSchema.safeParse(taskData(reply));
		if (!created.success) {
			throw new MalformedResponseError('FortiAnalyzer did not return a tid for the new task', { endpoint: this.endpoint, apiUrl: url });
		}

		return created.data.tid;
	}

	/** Fetches a task once: its percentage and its threats (a partial aggregate until `done`). */
	async fetchTopThreatsTask(
		adom: string,
		tid: number,
		options: Omit<NormalizeOptions, 'tid' | 'adom'> = {},
		signal?: AbortSignal,
	): Promise<TaskResult> {
		const context: ErrorContext = { tid: validateTid(tid) };
		const url = taskUrl(adom, tid);

		const reply = await this.call({ method: 'get', url, apiver3: true, signal }, context);

		return this.withoutSecrets(() =>
			readTaskResult(reply, { ...options, tid, adom }, { ...context, endpoint: this.endpoint, apiUrl: url }),
		);
	}

	/** Cancels a task and frees its slot on FortiAnalyzer. */
	async cancelTopThreatsTask(adom: string, tid: number, signal?: AbortSignal): Promise<void> {
		const context: ErrorContext = { tid: validateTid(tid) };
		await this.call({ method: 'delete', url: taskUrl(adom, tid), apiver3: true, signal }, context);
	}

	/** Logs out (password authentication) and closes the connections. Never throws. */
	async close(): Promise<void> {
		const session = this.session;
		this.session = undefined;

		if (session) await this.logoutQuietly(session);

		this.transport.close();
	}

	private async logoutQuietly(session: Promise<string>): Promise<void> {
		try {
			const id = await session;
			const body = await this.transport.send({ method: 'exec', url: '/sys/logout', session: id }, {});
			readReply(body, {});
		} catch (error) {
			// A PermissionError (-11) means the session had already expired, which is as good as a logout. An
			// AuthenticationError means the login failed, so there was no session to log out.
			if (!(error instanceof PermissionError) && !(error instanceof AuthenticationError)) {
				this.logger.warn('FortiAnalyzer logout failed', { endpoint: this.endpoint, error: this.redact(describe(error)) });
			}
		}
	}

	private async call(request: Omit<RpcRequest, 'session'>, context: ErrorContext): Promise<RpcReply> {
		return this.withoutSecretsAsync(async () => {
			const used: SessionUse = {};
			try {
				return await this.sendWithRetries(request, context, used);
			} catch (error) {
				if (!(error instanceof PermissionError)) throw error;

				return this.settings.auth.method === 'password'
					? this.retryWithNewSession(request, context, error, used.session)
					: this.explainApiKeyRejection(request, error);
			}
		});
	}

	/** Sends a request, repeating it after a transient failure when repeating is safe (see `mayRepeat`). */
	private async sendWithRetries(request: Omit<RpcRequest, 'session'>, context: ErrorContext, used: SessionUse): Promise<RpcReply> {
		return await withRetries(() => this.send(request, context, used), {
			policy: this.retryPolicy,
			sleep: this.sleep,
			signal: request.signal,
			// A failed login sent none of the request, so the retry rule of the login itself (an exec) applies.
			canRetry: (error) => mayRepeat(used.loginFailed ? 'exec' : request.method, error),
			onRetry: (error, attempt, delayMs) => {
				this.logger.warn(`FortiAnalyzer request failed, retrying in ${delayMs} ms`, {
					apiUrl: request.url,
					tid: context.tid,
					attempt,
					error: this.redact(error.message),
				});
			},
		});
	}

	private async send(request: Omit<RpcRequest, 'session'>, context: ErrorContext, used: SessionUse = {}): Promise<RpcReply> {
		let session: string | undefined;
		if (this.settings.auth.method === 'password') {
			used.session = this.currentSession();
			used.loginFailed = false;
			try {
				session = await untilAborted(used.session, request.signal, this.endpoint);
			} catch (error) {
				used.loginFailed = true;
				throw error;
			}
		}
		const body = await this.transport.send({ ...request, session }, context);

		return readReply(body, { ...context, endpoint: this.endpoint, apiUrl: request.url });
	}

	/**
	 * Repeats a request that failed with -11 once, on a fresh login. FortiAnalyzer returns -11 both for a stale
	 * session and for a missing permission, so the fresh login distinguishes them. If the repeat fails with -11
	 * again, the first error is thrown. Concurrent requests that failed with the same stale session share one login.
	 */
	private async retryWithNewSession(
		request: Omit<RpcRequest, 'session'>,
		context: ErrorContext,
		firstError: PermissionError,
		staleSession: Promise<string> | undefined,
	): Promise<RpcReply> {
		if (staleSession && this.session === staleSession) {
			this.session = undefined;
			this.logger.debug('FortiAnalyzer session is stale, logging in again', { endpoint: this.endpoint });
			// When -11 meant a missing permission, the old session still lives, so it is logged out as well.
			await this.logoutQuietly(staleSession);
		}
		try {
			return await this.sendWithRetries(request, context, {});
		} catch (error) {
			if (error instanceof PermissionError) throw firstError;
			throw error;
		}
	}

	/**
	 * Throws the error for a -11 reply to an API-key request. -11 means either a rejected key or a missing
	 * permission, so a `/sys/status` request distinguishes them: if it also fails with -11, the key was rejected.
	 */
	private async explainApiKeyRejection(request: Omit<RpcRequest, 'session'>, error: PermissionError): Promise<never> {
		if (request.url === '/sys/status') throw rejectedApiKey(error);

		try {
			await this.send({ method: 'get', url: '/sys/status', signal: request.signal }, {});
		} catch (statusError) {
			if (statusError instanceof PermissionError) throw rejectedApiKey(error);
		}
		throw error;
	}

	/**
	 * Returns the current session, logging in first when there is none. Concurrent callers share one login, so it
	 * runs without any one caller's abort signal. The request timeout still bounds it.
	 */
	private currentSession(): Promise<string> {
		if (!this.session) {
			const login = this.login();
			this.session = login;
			login.catch(() => {
				if (this.session === login) this.session = undefined;
			});
		}

		return this.session;
	}

	private async login(): Promise<string> {
		if (this.settings.auth.method !== 'password') throw new Error('login() needs password authentication');

		const url = '/sys/login/user';
		const { username, password } = this.settings.auth;
		const body = await this.transport.send({ method: 'exec', url, params: { data: { user: username, passwd: password } } }, {});

		let reply: RpcReply;
		try {
			reply = readReply(body, { endpoint: this.endpoint, apiUrl: url });
		} catch (error) {
			if (error instanceof PermissionError) {
				throw new AuthenticationError(
					`FortiAnalyzer rejected the login of "${username}"`,
					error.context,
					'Give the admin JSON API access (rpc-permit read or read-write) and check its trusted hosts',
				);
			}
			throw error;
		}

		const session = reply.form === 'list' ? reply.session : undefined;
		if (!session) {
			throw new AuthenticationError('FortiAnalyzer accepted the login but returned no session', { endpoint: this.endpoint, apiUrl: url });
		}
		this.sessionIds.add(session);
		this.logger.debug('Logged in to FortiAnalyzer', { endpoint: this.endpoint, username });

		return session;
	}

	private withoutSecrets<T>(action: () => T): T {
		try {
			return action();
		} catch (error) {
			throw this.scrub(error);
		}
	}

	private async withoutSecretsAsync<T>(action: () => Promise<T>): Promise<T> {
		try {
			return await action();
		} catch (error) {
			throw this.scrub(error);
		}
	}

	/**
	 * Replaces every credential and session id in an error's message, stack and `apiMessage` with `[redacted]`,
	 * in case FortiAnalyzer echoed one. Secrets shorter than 4 characters are left in place.
	 */
	private scrub(error: unknown): unknown {
		if (!(error instanceof Error)) return error;

		const clean = this.redact(error.message);
		if (clean !== error.message) {
			error.message = clean;
			if (error.stack) error.stack = this.redact(error.stack);
		}
		if (error instanceof FortiAnalyzerError && error.context.apiMessage) {
			error.context.apiMessage = this.redact(error.context.apiMessage);
		}

		return error;
	}

	private redact(text: string): string {
		let clean = text;
		for (const secret of this.secrets()) {
			if (secret.length >= 4) clean = clean.split(secret).join(REDACTED);
		}

		return clean;
	}

	private secrets(): string[] {
		const auth = this.settings.auth;
		const credentials = auth.method === 'apiKey' ? [auth.apiKey] : [auth.password];

		return [...credentials, ...this.sessionIds];
	}
}

function taskUrl(adom: string, tid: number): string {
	return `/fortiview/adom/${validateAdom(adom)}/top-threats/run/${validateTid(tid)}`;
}

/**
 * Returns the object that contains `tid` in a create reply: `result` (apiver 3), or `result[0].data` (documented
 * shape) with `result[0]` itself as the fallback.
 */
function taskData(reply: RpcReply): unknown {
	if (reply.form === 'object') return reply.result;
	if (reply.form === 'list') return reply.entry.data ?? reply.entry;

	return undefined;
}

function rejectedApiKey(error: PermissionError): AuthenticationError {
	return new AuthenticationError(
		'FortiAnalyzer rejected the API key',
		error.context,
		'Check the API key, that the API admin has JSON API access, and that n8n connects from one of its trusted hosts',
	);
}

/** Waits for a shared promise, but lets one caller stop waiting when its own signal aborts. */
async function untilAborted<T>(shared: Promise<T>, signal: AbortSignal | undefined, endpoint: string): Promise<T> {
	if (!signal) return await shared;

	const cancelled = () => new CancelledError('The request to FortiAnalyzer was cancelled', { endpoint, apiUrl: '/sys/login/user' });
	if (signal.aborted) throw cancelled();

	return await new Promise<T>((resolve, reject) => {
		const onAbort = () => reject(cancelled());
		signal.addEventListener('abort', onAbort, { once: true });
		shared.then(
			(value) => {
				signal.removeEventListener('abort', onAbort);
				resolve(value);
			},
			(error: unknown) => {
				signal.removeEventListener('abort', onAbort);
				reject(error);
			},
		);
	});
}

function describe(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
