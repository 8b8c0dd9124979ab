/**
 * A FortiAnalyzer JSON-RPC emulator on loopback for the demo, the tests and the benchmarks.
 *
 * It serves login and logout, API keys, `/sys/status` and the FortiView top-threats task lifecycle in two
 * response dialects, with deterministic data and injectable faults.
 */
import { checkDuration, EmulatorState } from './state';
import { ENDPOINT_PATH, listen } from './server';
import { checkThreatChanges } from './threat-changes';
import type { Dialect, EmulatorOptions, RunningEmulator } from './types';

export {
	DEFAULT_API_KEY,
	DEFAULT_API_KEYS,
	DEFAULT_PASSWORD,
	DEFAULT_USERNAME,
	DEFAULT_USERS,
	RESTRICTED_API_KEY,
	RESTRICTED_PASSWORD,
	RESTRICTED_USERNAME,
} from './credentials';
export { FIRST_TID } from './tasks';
export { ENDPOINT_PATH } from './server';
export type {
	Dialect,
	EmulatorApiKey,
	EmulatorCounters,
	EmulatorOptions,
	EmulatorUser,
	Fault,
	FaultRule,
	IssuedSession,
	RecordedRequest,
	RunningEmulator,
	ThreatChange,
} from './types';

const DIALECTS: readonly Dialect[] = ['apiver3', 'documented'];

/** Starts an emulator; it listens until `stop()` is called. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
	const host = options.host ?? '127.0.0.1';
	if (!isLoopback(host)) throw new TypeError(`The emulator listens on loopback only; host ${JSON.stringify(host)} is not a loopback address`);
	for (const dialect of [options.dialect, ...Object.values(options.adomDialects ?? {})]) {
		if (dialect !== undefined) checkDialect(dialect);
	}

	const state = new EmulatorState(options);
	const server = await listen({ host, port: options.port ?? 0, tls: options.tls }, state);
	const scheme = options.tls ? 'https' : 'http';
	const url = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${server.port}`;

	return {
		url,
		port: server.port,
		get counters() {
			return state.snapshotCounters();
		},
		resetCounters: () => state.resetCounters(),
		expireSessions: () => state.sessions.expireAll(),
		setTaskDuration: (ms: number) => {
			state.taskDurationMs = checkDuration(ms, 'taskDurationMs');
		},
		setDialect: (dialect: Dialect, adom?: string) => {
			checkDialect(dialect);
			if (adom === undefined) state.dialect = dialect;
			else state.adomDialects[adom] = dialect;
		},
		setThreatChanges: (adom, changes) => {
			state.threatChanges[adom] = checkThreatChanges(changes);
		},
		injectFault: (fault) => state.faults.add(fault),
		clearFaults: () => state.faults.clear(),
		requests: state.requests,
		get issuedSessions() {
			return [...state.sessions.issued.values()].map((session) => ({ ...session }));
		},
		get openConnections() {
			return server.openConnections();
		},
		stop: () => server.stop(),
	};
}

/** Returns the JSON-RPC endpoint of a running emulator. */
export function endpointOf(emulator: RunningEmulator): string {
	return emulator.url + ENDPOINT_PATH;
}

function isLoopback(host: string): boolean {
	return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

function checkDialect(dialect: Dialect): void {
	if (!DIALECTS.includes(dialect)) {
		throw new TypeError(`Unknown dialect ${JSON.stringify(dialect)}; use ${DIALECTS.join(' or ')}`);
	}
}
