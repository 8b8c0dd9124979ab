/**
 * Sessions, API keys, login and logout.
 */
import { randomBytes } from 'node:crypto';

import { isObject, type JsonObject, legacyResponse, OK, type RpcRequest } from './envelope';
import type { EmulatorState } from './state';
import type { EmulatorUser, IssuedSession } from './types';

/** Who sent a request, and what they may read. */
export interface Identity {
	kind: 'apiKey' | 'session';
	fortiview: boolean;
	/** ADOMs the identity may use; every ADOM when undefined. */
	adoms: string[] | undefined;
	/** Present when `kind` is `session`. */
	sessionId?: string;
}

interface Session {
	user: EmulatorUser;
	lastUsedAt: number;
}

const LOGIN_FAILED = { code: -22, message: 'Login fail' };

/**
 * Maximum number of sessions `issued` keeps, dropping the oldest first. It bounds the memory of a long-running demo
 * emulator, and no test logs in this often on one emulator.
 */
const MAX_ISSUED_SESSIONS = 10_000;

/** Open sessions, each stale once idle for longer than the timeout. */
export class SessionStore {
	private readonly sessions = new Map<string, Session>();

	/** Every session issued, by id, in the order of login. */
	readonly issued = new Map<string, IssuedSession>();

	constructor(
		private readonly now: () => number,
		private readonly idleTimeoutMs: number,
	) {}

	/** Opens a session for the user and returns its id, a random base64 string like FortiAnalyzer's. */
	open(user: EmulatorUser): string {
		const id = randomBytes(32).toString('base64');
		this.sessions.set(id, { user, lastUsedAt: this.now() });
		this.record({ id, username: user.username, endedBy: null });
		return id;
	}

	/** Returns the live session and restarts its idle time, or undefined (dropping it) when it is stale. */
	use(id: string): Session | undefined {
		const session = this.sessions.get(id);
		if (!session) return undefined;

		if (this.isIdle(session)) {
			this.sessions.delete(id);
			this.markEnded(id, 'expiry');
			return undefined;
		}

		session.lastUsedAt = this.now();
		return session;
	}

	close(id: string): boolean {
		if (!this.sessions.delete(id)) return false;

		this.markEnded(id, 'logout');
		return true;
	}

	expireAll(): void {
		for (const id of this.sessions.keys()) this.markEnded(id, 'expiry');
		this.sessions.clear();
	}

	countOpen(): number {
		let open = 0;
		for (const session of this.sessions.values()) {
			if (!this.isIdle(session)) open++;
		}
		return open;
	}

	private record(session: IssuedSession): void {
		this.issued.set(session.id, session);
		if (this.issued.size > MAX_ISSUED_SESSIONS) {
			const oldest = this.issued.keys().next().value;
			if (oldest !== undefined) this.issued.delete(oldest);
		}
	}

	private markEnded(id: string, endedBy: 'logout' | 'expiry'): void {
		const session = this.issued.get(id);
		if (session && session.endedBy === null) session.endedBy = endedBy;
	}

	private isIdle(session: Session): boolean {
		return this.now() - session.lastUsedAt > this.idleTimeoutMs;
	}
}

/** Returns the Bearer token of an `Authorization` header, or undefined when there is none. */
export function readBearerToken(authorization: string | undefined): string | undefined {
	const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
	return match ? match[1] : undefined;
}

/**
 * Identifies the sender by API key or by session; undefined means the request gets -11.
 *
 * A request with a Bearer token is judged by the key alone, and other `Authorization` schemes are ignored. A
 * session string beside a valid key is rejected, because an open-source FortiAnalyzer client reports that
 * FortiAnalyzer rejects such requests.
 */
export function identify(request: RpcRequest, authorization: string | undefined, state: EmulatorState): Identity | undefined {
	const token = readBearerToken(authorization);
	if (token !== undefined) {
		const apiKey = state.apiKeys.find((candidate) => candidate.key === token);
		if (!apiKey || request.session !== undefined) return undefined;
		return { kind: 'apiKey', fortiview: apiKey.fortiview, adoms: apiKey.adoms };
	}

	if (request.session === undefined) return undefined;

	const session = state.sessions.use(request.session);
	if (!session) return undefined;
	return { kind: 'session', fortiview: session.user.fortiview, adoms: session.user.adoms, sessionId: request.session };
}

/** Handles `exec /sys/login/user`; `data` may be an object or a one-element list holding `user` and `passwd`. */
export function login(request: RpcRequest, state: EmulatorState): JsonObject {
	const credentials = readLoginData(request.params.data);
	const user = credentials
		? state.users.find((candidate) => candidate.username === credentials.user && candidate.password === credentials.passwd)
		: undefined;

	if (!user) {
		state.counters.failedLogins++;
		return legacyResponse(request, LOGIN_FAILED);
	}

	state.counters.logins++;
	const session = state.sessions.open(user);
	return { ...legacyResponse(request, OK), session };
}

/** Handles `exec /sys/logout`. An API key has no session to close, so it gets OK and nothing changes. */
export function logout(request: RpcRequest, identity: Identity, state: EmulatorState): JsonObject {
	if (identity.sessionId !== undefined && state.sessions.close(identity.sessionId)) {
		state.counters.logouts++;
	}
	return legacyResponse(request, OK);
}

function readLoginData(data: unknown): { user: string; passwd: string } | undefined {
	let entry = data;
	if (Array.isArray(data)) entry = data.length === 1 ? data[0] : undefined;
	if (!isObject(entry)) return undefined;

	const { user, passwd } = entry;
	if (typeof user !== 'string' || typeof passwd !== 'string') return undefined;
	return { user, passwd };
}
