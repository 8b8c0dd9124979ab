import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
	DEFAULT_API_KEY,
	DEFAULT_PASSWORD,
	DEFAULT_USERNAME,
	endpointOf,
	FIRST_TID,
	RESTRICTED_API_KEY,
	RESTRICTED_PASSWORD,
	RESTRICTED_USERNAME,
	type EmulatorOptions,
	type RunningEmulator,
	startEmulator,
} from './index';

// ---------------------------------------------------------------------------------------------------------------
// HTTP helpers

interface HttpResult {
	status: number;
	headers: http.IncomingHttpHeaders;
	text: string;
}

interface Status {
	code: number;
	message: string;
}

interface LegacyBody {
	id: unknown;
	jsonrpc?: string;
	result: Array<{ status: Status; url?: string; data?: Record<string, unknown> }>;
	session?: string;
}

interface Apiver3Row {
	[key: string]: string;
}

interface Apiver3Body {
	jsonrpc: string;
	id: unknown;
	result?: {
		tid?: number;
		percentage?: number | string;
		data?: Apiver3Row[];
		status?: Status;
		'return-lines'?: number;
		'total-count-all'?: number;
	};
	error?: Status;
}

interface DocumentedThreat {
	threat: string;
	threattype: string;
	severity: string;
	incidents: number;
	sources: number;
	destinations: number;
	blocked: number;
	detected: number;
}

interface DocumentedBody {
	id: unknown;
	jsonrpc?: string;
	result: Array<{
		data?: { tid: number; status?: string; percentage?: number; total?: number; threats?: DocumentedThreat[] };
		status: Status;
	}>;
}

interface CallOptions {
	apiKey?: string;
	agent?: http.Agent;
	headers?: Record<string, string>;
}

const keepAliveAgent = new http.Agent({ keepAlive: true });

afterAll(() => keepAliveAgent.destroy());

function postRaw(url: string, body: string, options: CallOptions & { tlsAgent?: https.Agent } = {}): Promise<HttpResult> {
	const headers: Record<string, string> = { 'Content-Type': 'application/json', ...options.headers };
	if (options.apiKey !== undefined) headers.Authorization = `Bearer ${options.apiKey}`;

	const target = new URL(url);
	const send = target.protocol === 'https:' ? https.request : http.request;
	const agent = target.protocol === 'https:' ? options.tlsAgent : (options.agent ?? keepAliveAgent);

	return new Promise((resolve, reject) => {
		const request = send(target, { method: 'POST', headers, agent }, (response) => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () =>
				resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }),
			);
			response.on('error', reject);
		});
		request.on('error', reject);
		request.end(body);
	});
}

async function call<T>(emulator: RunningEmulator, payload: object, options: CallOptions = {}): Promise<T> {
	const result = await postRaw(endpointOf(emulator), JSON.stringify(payload), options);
	expect(result.status).toBe(200);
	return JSON.parse(result.text) as T;
}

async function login(emulator: RunningEmulator, user = DEFAULT_USERNAME, passwd = DEFAULT_PASSWORD): Promise<string> {
	const body = await call<LegacyBody>(emulator, {
		id: 1,
		method: 'exec',
		params: [{ url: '/sys/login/user', data: { user, passwd } }],
	});
	if (body.session === undefined) throw new Error(`login failed: ${JSON.stringify(body)}`);
	return body.session;
}

const DAY = { start: '2024-05-01 00:00:00', end: '2024-05-02 00:00:00' };
const WEEK = { start: '2024-05-01 00:00:00', end: '2024-05-08 00:00:00' };

function runUrl(adom = 'root', tid?: number): string {
	const base = `/fortiview/adom/${adom}/top-threats/run`;
	return tid === undefined ? base : `${base}/${tid}`;
}

async function createTask(emulator: RunningEmulator, params: Record<string, unknown> = {}, adom = 'root'): Promise<Apiver3Body> {
	return call<Apiver3Body>(
		emulator,
		{ jsonrpc: '2.0', id: 'add', method: 'add', params: [{ url: runUrl(adom), apiver: 3, 'time-range': DAY, ...params }] },
		{ apiKey: DEFAULT_API_KEY },
	);
}

async function createTid(emulator: RunningEmulator, params: Record<string, unknown> = {}, adom = 'root'): Promise<number> {
	const body = await createTask(emulator, params, adom);
	if (body.result?.tid === undefined) throw new Error(`add failed: ${JSON.stringify(body)}`);
	return body.result.tid;
}

async function fetchTask<T = Apiver3Body>(emulator: RunningEmulator, tid: number, adom = 'root'): Promise<T> {
	return call<T>(
		emulator,
		{ jsonrpc: '2.0', id: 'get', method: 'get', params: [{ url: runUrl(adom, tid), apiver: 3 }] },
		{ apiKey: DEFAULT_API_KEY },
	);
}

/** Creates a task on an emulator whose tasks finish at once and returns the rows. */
async function rowsFor(emulator: RunningEmulator, params: Record<string, unknown> = {}, adom = 'root'): Promise<Apiver3Row[]> {
	const tid = await createTid(emulator, params, adom);
	const body = await fetchTask(emulator, tid, adom);
	expect(body.result?.percentage).toBe(100);
	return body.result?.data ?? [];
}

function sumOf(rows: Apiver3Row[], field: string): number {
	return rows.reduce((sum, row) => sum + Number(row[field]), 0);
}

const running: RunningEmulator[] = [];

async function start(options: EmulatorOptions = {}): Promise<RunningEmulator> {
	const emulator = await startEmulator(options);
	running.push(emulator);
	return emulator;
}

afterEach(async () => {
	await Promise.all(running.splice(0).map((emulator) => emulator.stop()));
});

// ---------------------------------------------------------------------------------------------------------------

describe('emulator authentication', () => {
	test('login returns a session and counts it', async () => {
		const emulator = await start();

		const body = await call<LegacyBody>(emulator, {
			id: 7,
			method: 'exec',
			params: [{ url: '/sys/login/user', data: { user: DEFAULT_USERNAME, passwd: DEFAULT_PASSWORD } }],
		});

		expect(body.id).toBe(7);
		expect(body.result).toEqual([{ status: { code: 0, message: 'OK' }, url: '/sys/login/user' }]);
		expect(body.session).toMatch(/^[A-Za-z0-9+/]{20,}={0,2}$/);
		expect(emulator.counters.logins).toBe(1);
		expect(emulator.counters.openSessions).toBe(1);
	});

	test('login accepts data as a one-element list and a URL without slash', async () => {
		const emulator = await start();

		const body = await call<LegacyBody>(emulator, {
			id: 1,
			method: 'exec',
			params: [{ url: 'sys/login/user', data: [{ user: DEFAULT_USERNAME, passwd: DEFAULT_PASSWORD }] }],
		});

		expect(body.result[0].status.code).toBe(0);
		expect(body.result[0].url).toBe('sys/login/user');
		expect(typeof body.session).toBe('string');
	});

	test('wrong password gets -22 without session', async () => {
		const emulator = await start();

		const body = await call<LegacyBody>(emulator, {
			id: 1,
			method: 'exec',
			params: [{ url: '/sys/login/user', data: { user: DEFAULT_USERNAME, passwd: 'wrong' } }],
		});

		expect(body.result).toEqual([{ status: { code: -22, message: 'Login fail' }, url: '/sys/login/user' }]);
		expect(body).not.toHaveProperty('session');
		expect(emulator.counters.failedLogins).toBe(1);
		expect(emulator.counters.logins).toBe(0);
		expect(emulator.counters.openSessions).toBe(0);
	});

	test('session authenticates until logout', async () => {
		const emulator = await start();
		const session = await login(emulator);

		const status = await call<LegacyBody>(emulator, { id: 2, method: 'get', params: [{ url: '/sys/status' }], session });
		expect(status.result[0].status.code).toBe(0);

		const logout = await call<LegacyBody>(emulator, { id: 3, method: 'exec', params: [{ url: '/sys/logout' }], session });
		expect(logout.result).toEqual([{ status: { code: 0, message: 'OK' }, url: '/sys/logout' }]);
		expect(emulator.counters.logouts).toBe(1);
		expect(emulator.counters.openSessions).toBe(0);

		const after = await call<LegacyBody>(emulator, { id: 4, method: 'get', params: [{ url: '/sys/status' }], session });
		expect(after.result[0].status.code).toBe(-11);
	});

	test('bad API key gets -11 in legacy list form', async () => {
		const emulator = await start();

		const result = await postRaw(
			endpointOf(emulator),
			JSON.stringify({ jsonrpc: '2.0', id: 'x1', method: 'get', params: [{ url: runUrl('root', 1), apiver: 3 }] }),
			{ apiKey: 'not-a-key' },
		);

		expect(result.status).toBe(200);
		expect(JSON.parse(result.text)).toEqual({
			result: [{ status: { code: -11, message: 'No permission for the resource' } }],
			id: 'x1',
		});
	});

	test('missing credentials get -11', async () => {
		const emulator = await start();

		const body = await call<LegacyBody>(emulator, { id: 1, method: 'get', params: [{ url: '/sys/status' }] });

		expect(body.result).toEqual([{ status: { code: -11, message: 'No permission for the resource' } }]);
		expect(body).not.toHaveProperty('jsonrpc');
	});

	test('API key beside a session string gets -11', async () => {
		const emulator = await start();

		const body = await call<LegacyBody>(
			emulator,
			{ id: 1, method: 'get', params: [{ url: '/sys/status' }], session: 'c29tZS1zZXNzaW9u' },
			{ apiKey: DEFAULT_API_KEY },
		);

		expect(body.result[0].status.code).toBe(-11);
	});

	test('expireSessions makes sessions stale', async () => {
		const emulator = await start();
		const session = await login(emulator);

		emulator.expireSessions();

		expect(emulator.counters.openSessions).toBe(0);
		const body = await call<LegacyBody>(emulator, { id: 1, method: 'get', params: [{ url: '/sys/status' }], session });
		expect(body.result[0].status.code).toBe(-11);
		const logout = await call<LegacyBody>(emulator, { id: 2, method: 'exec', params: [{ url: '/sys/logout' }], session });
		expect(logout.result[0].status.code).toBe(-11);
		expect(emulator.counters.logouts).toBe(0);
	});

	test('idle session expires on the clock', async () => {
		let clock = Date.UTC(2024, 4, 1, 12);
		const emulator = await start({ now: () => clock, sessionIdleTimeoutMs: 60_000 });
		const session = await login(emulator);
		const status = { id: 1, method: 'get', params: [{ url: '/sys/status' }], session };

		clock += 59_000;
		expect((await call<LegacyBody>(emulator, status)).result[0].status.code).toBe(0);
		clock += 59_000;
		expect((await call<LegacyBody>(emulator, status)).result[0].status.code).toBe(0);
		expect(emulator.counters.openSessions).toBe(1);

		clock += 60_001;
		expect(emulator.counters.openSessions).toBe(0);
		expect((await call<LegacyBody>(emulator, status)).result[0].status.code).toBe(-11);
	});

	test('identity without FortiView permission gets -11 on FortiView only', async () => {
		const emulator = await start();
		const session = await login(emulator, RESTRICTED_USERNAME, RESTRICTED_PASSWORD);
		const add = { id: 1, method: 'add', params: [{ url: runUrl(), apiver: 3, 'time-range': DAY }] };

		const bySession = await call<LegacyBody>(emulator, { ...add, session });
		const byKey = await call<LegacyBody>(emulator, add, { apiKey: RESTRICTED_API_KEY });
		const status = await call<LegacyBody>(emulator, { id: 2, method: 'get', params: [{ url: '/sys/status' }] }, { apiKey: RESTRICTED_API_KEY });

		expect(bySession.result).toEqual([{ status: { code: -11, message: 'No permission for the resource' } }]);
		expect(byKey.result).toEqual([{ status: { code: -11, message: 'No permission for the resource' } }]);
		expect(status.result[0].status.code).toBe(0);
		expect(emulator.counters.tasksCreated).toBe(0);
	});

	test('identity limited to some ADOMs gets -11 for others', async () => {
		const emulator = await start({ apiKeys: [{ key: 'soc-only', fortiview: true, adoms: ['soc'] }] });
		const add = (adom: string) => ({ jsonrpc: '2.0', id: 1, method: 'add', params: [{ url: runUrl(adom), apiver: 3, 'time-range': DAY }] });

		const allowed = await call<Apiver3Body>(emulator, add('soc'), { apiKey: 'soc-only' });
		const denied = await call<LegacyBody>(emulator, add('root'), { apiKey: 'soc-only' });

		expect(allowed.result?.tid).toBe(FIRST_TID);
		expect(denied.result[0].status.code).toBe(-11);
	});

	test('sys/status reports a 7.6.7 unit', async () => {
		const emulator = await start();

		const body = await call<LegacyBody>(emulator, { id: 5, method: 'get', params: [{ url: '/sys/status' }] }, { apiKey: DEFAULT_API_KEY });

		expect(body.id).toBe(5);
		expect(body.result[0].status).toEqual({ code: 0, message: 'OK' });
		expect(body.result[0].url).toBe('/sys/status');
		expect(body.result[0].data?.Version).toMatch(/^v7\.6\.7-build3737/);
		expect(body.result[0].data).toHaveProperty('Hostname');
		expect(body.result[0].data).toHaveProperty('Serial Number');
		expect(body.result[0].data?.['Admin Domain Configuration']).toBe('Enabled');
	});
});

describe('top-threats task lifecycle (apiver3)', () => {
	test('percentage rises with the clock and partial data grows', async () => {
		let clock = Date.UTC(2024, 4, 10, 8);
		const emulator = await start({ now: () => clock, taskDurationMs: 10_000 });
		const tid = await createTid(emulator, { 'time-range': DAY });

		const snapshots: Array<{ percentage: number; rows: number; incidents: number }> = [];
		for (const elapsed of [0, 2_500, 5_000, 9_990, 10_000, 20_000]) {
			clock = Date.UTC(2024, 4, 10, 8) + elapsed;
			const body = await fetchTask(emulator, tid);
			const rows = body.result?.data ?? [];
			expect(body.jsonrpc).toBe('2.0');
			expect(body.result?.status).toEqual({ code: 0, message: 'OK' });
			expect(body.result?.['return-lines']).toBe(rows.length);
			snapshots.push({ percentage: Number(body.result?.percentage), rows: rows.length, incidents: sumOf(rows, 'incidents') });
		}

		expect(snapshots.map((snapshot) => snapshot.percentage)).toEqual([0, 25, 50, 99, 100, 100]);
		expect(snapshots[0].rows).toBe(0);
		expect(snapshots[1].incidents).toBeGreaterThan(0);
		expect(snapshots[1].incidents).toBeLessThan(snapshots[2].incidents);
		expect(snapshots[2].incidents).toBeLessThan(snapshots[4].incidents);
		expect(snapshots[1].rows).toBeLessThan(snapshots[4].rows);
		expect(snapshots[5]).toEqual(snapshots[4]);
		expect(emulator.counters.fetches).toBe(6);
	});

	test('percentage reaches 100 on the real clock', async () => {
		const emulator = await start({ taskDurationMs: 300 });
		const tid = await createTid(emulator);

		const seen: number[] = [];
		const deadline = Date.now() + 10_000;
		while (seen.at(-1) !== 100) {
			if (Date.now() > deadline) throw new Error(`task did not finish; percentages seen: ${seen.join(', ')}`);
			const body = await fetchTask(emulator, tid);
			seen.push(Number(body.result?.percentage));
			await new Promise((resolve) => setTimeout(resolve, 20));
		}

		expect(seen[0]).toBeLessThan(100);
		expect([...seen].sort((a, b) => a - b)).toEqual(seen);
	});

	test('percentageAsString sends the percentage as a string', async () => {
		const emulator = await start({ percentageAsString: true, taskDurationMs: 0 });
		const tid = await createTid(emulator);

		const body = await fetchTask(emulator, tid);

		expect(body.result?.percentage).toBe('100');
	});

	test('tids count up from the first tid', async () => {
		const emulator = await start();

		const first = await createTask(emulator);
		const second = await createTask(emulator);

		expect(first).toEqual({ jsonrpc: '2.0', id: 'add', result: { tid: FIRST_TID } });
		expect(second.result?.tid).toBe(FIRST_TID + 1);
		expect(emulator.counters.tasksCreated).toBe(2);
		expect(emulator.counters.tasksOpen).toBe(2);
	});

	test('delete removes the task', async () => {
		const emulator = await start();
		const tid = await createTid(emulator);

		const deleted = await call<Apiver3Body>(
			emulator,
			{ jsonrpc: '2.0', id: 9, method: 'delete', params: [{ url: runUrl('root', tid), apiver: 3 }] },
			{ apiKey: DEFAULT_API_KEY },
		);

		expect(deleted).toEqual({ jsonrpc: '2.0', id: 9, result: { status: { code: 0, message: 'OK' } } });
		expect(emulator.counters.tasksDeleted).toBe(1);
		expect(emulator.counters.tasksOpen).toBe(0);
		const fetched = await fetchTask(emulator, tid);
		expect(fetched.error).toEqual({ code: -32005, message: `Invalid tid ${tid} for fetching result.` });
	});

	test('unknown tid gets -32005', async () => {
		const emulator = await start();

		const fetched = await fetchTask(emulator, 99);
		const deleted = await call<Apiver3Body>(
			emulator,
			{ jsonrpc: '2.0', id: 3, method: 'delete', params: [{ url: runUrl('root', 98), apiver: 3 }] },
			{ apiKey: DEFAULT_API_KEY },
		);

		expect(fetched).toEqual({ jsonrpc: '2.0', id: 'get', error: { code: -32005, message: 'Invalid tid 99 for fetching result.' } });
		expect(deleted.error?.code).toBe(-32005);
		expect(emulator.counters.tasksDeleted).toBe(0);
	});

	test('tid from another ADOM is unknown', async () => {
		const emulator = await start();
		const tid = await createTid(emulator, {}, 'root');

		const body = await fetchTask(emulator, tid, 'soc');

		expect(body.error?.code).toBe(-32005);
	});

	test('task expires after its time to live', async () => {
		let clock = Date.UTC(2024, 4, 10, 8);
		const emulator = await start({ now: () => clock, taskTtlMs: 60_000 });
		const tid = await createTid(emulator);

		clock += 60_000;
		expect((await fetchTask(emulator, tid)).result?.percentage).toBe(100);
		clock += 1;

		expect(emulator.counters.tasksOpen).toBe(0);
		expect((await fetchTask(emulator, tid)).error?.message).toBe(`Invalid tid ${tid} for fetching result.`);
	});

	test('FortiView without apiver gets -10', async () => {
		const emulator = await start();

		const body = await call<LegacyBody>(
			emulator,
			{ id: 1, method: 'add', params: [{ url: runUrl(), 'time-range': DAY }] },
			{ apiKey: DEFAULT_API_KEY },
		);

		expect(body.result).toEqual([{ status: { code: -10, message: 'The data is invalid for selected url' }, url: runUrl() }]);
	});

	test('unknown ADOM gets a result status -3', async () => {
		const emulator = await start();

		const body = await createTask(emulator, {}, 'nowhere');

		expect(body).toEqual({ jsonrpc: '2.0', id: 'add', result: { status: { code: -3, message: 'Object does not exist' } } });
	});

	test('unknown view gets Cannot find FortiView', async () => {
		const emulator = await start();

		const body = await call<Apiver3Body>(
			emulator,
			{ jsonrpc: '2.0', id: 1, method: 'add', params: [{ url: '/fortiview/adom/root/traffic-summary/run', apiver: 3, 'time-range': DAY }] },
			{ apiKey: DEFAULT_API_KEY },
		);

		expect(body.error?.message).toBe("Cannot find FortiView 'traffic-summary'");
	});

	test('get on run without tid is not supported', async () => {
		const emulator = await start();

		const body = await call<Apiver3Body>(
			emulator,
			{ jsonrpc: '2.0', id: 1, method: 'get', params: [{ url: runUrl(), apiver: 3 }] },
			{ apiKey: DEFAULT_API_KEY },
		);

		expect(body.error?.message).toBe('Not supported method');
	});
});

describe('top-threats parameters', () => {
	test.each([
		[{ 'time-range': undefined }, "'time-range' is required"],
		[{ 'time-range': 'last 24 hours' }, "'time-range' must be an object"],
		[{ 'time-range': { end: DAY.end } }, "'time-range.start' is required"],
		[{ 'time-range': { start: '2024-05-01 25:00:00', end: DAY.end } }, "'time-range.start' value \"2024-05-01 25:00:00\" is not a valid time"],
		[{ 'time-range': { start: DAY.start, end: 'yesterday' } }, "'time-range.end' value \"yesterday\" is not a valid time"],
		[{ 'time-range': { start: '2024-04-31 00:00:00', end: DAY.end } }, "'time-range.start' value \"2024-04-31 00:00:00\" is not a valid time"],
		[{ 'time-range': { start: DAY.end, end: DAY.start } }, "'time-range' end \"2024-05-01 00:00:00\" is before start"],
	])('time-range %j is rejected', async (params, message) => {
		const emulator = await start();

		const body = await createTask(emulator, params);

		expect(body.error?.code).toBe(-32602);
		expect(body.error?.message).toContain(message);
		expect(emulator.counters.tasksCreated).toBe(0);
	});

	test('time formats and time zones name the same window', async () => {
		const emulator = await start({ taskDurationMs: 0 });
		const windows = [
			{ 'time-range': { start: '2024-05-01 00:00:00', end: '2024-05-01 12:00:00' } },
			{ 'time-range': { start: '2024-05-01T00:00:00Z', end: '2024-05-01T12:00:00Z' } },
			{ 'time-range': { start: '2024-05-01T00:00:00', end: '2024-05-01T12:00:00' } },
			{ 'time-range': { start: '2024-05-01T02:00:00+02:00', end: '2024-05-01T14:00:00+02:00' } },
			{ 'time-range': { start: '2024-05-01 02:00:00', end: '2024-05-01 14:00:00' }, timezone: 'Europe/Berlin' },
		];

		const results = [];
		for (const params of windows) results.push(await rowsFor(emulator, params));

		expect(results[0].length).toBeGreaterThan(10);
		for (const rows of results.slice(1)) expect(rows).toEqual(results[0]);
	});

	test('limit above 1000 is rejected', async () => {
		const emulator = await start();

		const tooLarge = await createTask(emulator, { limit: 1001 });
		const tooSmall = await createTask(emulator, { limit: 0 });

		expect(tooLarge.error?.message).toBe('limit: 1001 is bigger than max value 1000');
		expect(tooSmall.error?.message).toContain('limit: 0 is smaller than min value 1');
	});

	test('default order is threatweight descending', async () => {
		const emulator = await start({ taskDurationMs: 0 });

		const rows = await rowsFor(emulator);
		const weights = rows.map((row) => Number(row.threatweight));

		expect(weights.length).toBeGreaterThan(20);
		expect([...weights].sort((a, b) => b - a)).toEqual(weights);
	});

	test('sort-by orders by the given column', async () => {
		const emulator = await start({ taskDurationMs: 0 });

		const ascending = await rowsFor(emulator, { 'sort-by': [{ field: 'incidents' }] });
		const byName = await rowsFor(emulator, { 'sort-by': [{ field: 'threat', order: 'desc' }] });
		const incidents = ascending.map((row) => Number(row.incidents));
		const names = byName.map((row) => row.threat);

		expect([...incidents].sort((a, b) => a - b)).toEqual(incidents);
		expect(incidents[0]).toBeLessThan(incidents[incidents.length - 1]);
		expect([...names].sort().reverse()).toEqual(names);
	});

	test('unknown sort column gets Missing columns', async () => {
		const emulator = await start();

		const body = await createTask(emulator, { 'sort-by': [{ field: 'notacolumn', order: 'desc' }] });

		expect(body.error?.message).toBe("Server error: Missing columns: 'notacolumn'");
	});

	test('filter narrows rows by level, type and name', async () => {
		const emulator = await start({ taskDurationMs: 0 });
		const all = await rowsFor(emulator, { 'time-range': WEEK });

		const critical = await rowsFor(emulator, { 'time-range': WEEK, filter: 'threatlevel_s==critical' });
		const notIps = await rowsFor(emulator, { 'time-range': WEEK, filter: 'threattype_s!=ips' });
		const botnets = await rowsFor(emulator, { 'time-range': WEEK, filter: 'threat~botnet' });
		const zeus = await rowsFor(emulator, { 'time-range': WEEK, filter: 'threat="Zeus.Botnet"' });
		const both = await rowsFor(emulator, { 'time-range': WEEK, filter: 'threatlevel_s==critical and threattype_s==ips' });

		expect(critical.length).toBeGreaterThan(3);
		expect(critical.every((row) => row.level_s === 'Critical')).toBe(true);
		expect(critical.length).toBe(all.filter((row) => row.level_s === 'Critical').length);
		expect(notIps.some((row) => row.threattype === 'ips')).toBe(false);
		expect(notIps.length).toBe(all.filter((row) => row.threattype !== 'ips').length);
		expect(botnets.map((row) => row.threat).sort()).toEqual(all.map((row) => row.threat).filter((name) => /botnet/i.test(name)).sort());
		expect(zeus).toEqual(all.filter((row) => row.threat === 'Zeus.Botnet'));
		expect(both.every((row) => row.level_s === 'Critical' && row.threattype === 'ips')).toBe(true);
		expect(both.length).toBeGreaterThan(0);
		expect(both.length).toBeLessThan(critical.length);
	});

	test('dvid filter keeps that device and scales counts', async () => {
		const emulator = await start({ taskDurationMs: 0 });
		const all = await rowsFor(emulator, { 'time-range': WEEK });

		const rows = await rowsFor(emulator, { 'time-range': WEEK, filter: 'dvid==FGT-HQ-01' });

		expect(rows.length).toBeGreaterThan(0);
		expect(rows.every((row) => row.fortigate === 'FGT-HQ-01' && row.devvds === 'FGT-HQ-01[root]')).toBe(true);
		const shared = rows.find((row) => all.find((full) => full.threat === row.threat)?.fortigate.includes(','));
		expect(shared).toBeDefined();
		const full = all.find((row) => row.threat === shared?.threat);
		expect(Number(shared?.incidents)).toBeLessThan(Number(full?.incidents));
	});

	test('address filters follow traffic direction', async () => {
		const emulator = await start({ taskDurationMs: 0 });
		const all = await rowsFor(emulator, { 'time-range': WEEK });

		const internalSources = await rowsFor(emulator, { 'time-range': WEEK, filter: 'srcip~10.20.' });
		const toInternal = await rowsFor(emulator, { 'time-range': WEEK, filter: 'dstcountry==Reserved' });
		const oneSource = await rowsFor(emulator, { 'time-range': WEEK, filter: 'srcip!=0.0.0.0 and threat==udp_flood' });

		expect(internalSources.length).toBeGreaterThan(5);
		expect(internalSources.some((row) => row.threattype === 'ips' || row.threattype === 'anomaly')).toBe(false);
		expect(toInternal.length).toBeGreaterThan(5);
		expect(toInternal.every((row) => ['ips', 'anomaly', 'blocked-connection'].includes(row.threattype))).toBe(true);
		expect(internalSources.length + toInternal.length).toBe(all.length);
		expect(oneSource).toEqual(all.filter((row) => row.threat === 'udp_flood'));
	});

	test('unknown filter field is rejected', async () => {
		const emulator = await start();

		const body = await createTask(emulator, { filter: 'definitelynotafield==1' });
		const orFilter = await createTask(emulator, { filter: 'srcip==10.0.0.1 or srcip==10.0.0.2' });

		expect(body.error?.message).toBe("Invalid params: filter 'definitelynotafield' not supported");
		expect(orFilter.error?.message).toContain('not supported');
	});

	test('offset and limit page through the sorted rows', async () => {
		const emulator = await start({ taskDurationMs: 0 });
		const all = await rowsFor(emulator);

		const first = await rowsFor(emulator, { limit: 5 });
		const second = await rowsFor(emulator, { limit: 5, offset: 5 });
		const beyond = await rowsFor(emulator, { offset: all.length });

		expect(first).toEqual(all.slice(0, 5));
		expect(second).toEqual(all.slice(5, 10));
		expect(beyond).toEqual([]);
	});

	test('count-total adds total-count-all', async () => {
		const emulator = await start({ taskDurationMs: 0 });
		const all = await rowsFor(emulator);

		const withTotal = await fetchTask(emulator, await createTid(emulator, { limit: 3, 'count-total': true }));
		const withoutTotal = await fetchTask(emulator, await createTid(emulator, { limit: 3 }));

		expect(withTotal.result?.['total-count-all']).toBe(all.length);
		expect(withTotal.result?.['return-lines']).toBe(3);
		expect(withoutTotal.result).not.toHaveProperty('total-count-all');
	});

	test('device parameter selects FortiGates', async () => {
		const emulator = await start({ taskDurationMs: 0 });

		const datacenter = await rowsFor(emulator, { device: [{ devname: 'FGT-DC-01' }] });
		const everything = await rowsFor(emulator, { device: [{ devname: 'All_Device' }] });
		const all = await rowsFor(emulator);
		const unknown = await createTask(emulator, { device: [{ devid: 'FGT00000000000' }] });

		expect(datacenter.length).toBeGreaterThan(0);
		expect(datacenter.every((row) => row.fortigate === 'FGT-DC-01')).toBe(true);
		expect(everything).toEqual(all);
		expect(unknown.error?.message).toBe('None of the device(s) can be found');
	});
});

describe('top-threats rows', () => {
	const ROW_KEYS = [
		'threat', 'threattype', 'threatlevel', 'level_s', 'threatweight', 'threat_block', 'threat_pass', 'incidents',
		'incident_block', 'incident_pass', 'logtype', 'logtype_str', 'fortigate', 'devvds', 'cve_list', 'appid', 'obf_url',
	];

	test('rows use string values and consistent sums', async () => {
		const emulator = await start({ taskDurationMs: 0 });

		const rows = await rowsFor(emulator, { 'time-range': WEEK });

		expect(rows.length).toBeGreaterThanOrEqual(30);
		for (const row of rows) {
			expect(Object.keys(row).sort()).toEqual([...ROW_KEYS].sort());
			for (const key of ROW_KEYS) expect(typeof row[key]).toBe('string');
			expect(Number(row.threatweight)).toBe(Number(row.threat_block) + Number(row.threat_pass));
			expect(Number(row.incidents)).toBe(Number(row.incident_block) + Number(row.incident_pass));
		}
	});

	test('rows cover every severity and the main threat kinds', async () => {
		const emulator = await start({ taskDurationMs: 0 });

		const rows = await rowsFor(emulator, { 'time-range': WEEK });
		const levels = new Map(rows.map((row) => [row.threatlevel, row.level_s]));

		expect(Object.fromEntries(levels)).toEqual({ '5': 'Critical', '4': 'High', '3': 'Medium', '2': 'Low', '1': 'Info' });
		expect(rows.find((row) => row.threat === 'Apache.Log4j.Error.Log.Remote.Code.Execution')?.cve_list).toBe('CVE-2021-44228');
		expect(rows.some((row) => row.threat === 'EICAR_TEST_FILE')).toBe(true);
		expect(rows.find((row) => row.threat === 'Zeus.Botnet')?.appid).not.toBe('0');
		expect(rows.some((row) => row.threat === 'udp_flood' && row.logtype_str === 'anomaly' && row.logtype === '1')).toBe(true);
		expect(rows.filter((row) => row.level_s === 'Critical' && Number(row.incident_pass) > 0).length).toBeGreaterThan(0);
		expect(rows.filter((row) => Number(row.incident_pass) > 0).length).toBeGreaterThan(5);
		expect(rows.some((row) => row.fortigate.includes(',') && row.devvds.split(',').length === row.fortigate.split(',').length)).toBe(true);
	});

	test('obf_url is set exactly for domains', async () => {
		const emulator = await start({ taskDurationMs: 0 });

		const rows = await rowsFor(emulator, { 'time-range': WEEK });
		const domains = rows.filter((row) => row.obf_url !== '');

		expect(domains.length).toBeGreaterThanOrEqual(4);
		for (const row of domains) {
			expect(row.threat).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
			expect(row.obf_url).toBe(row.threat.split('.').join('[dot]'));
		}
		expect(rows.find((row) => row.threat === 'W32/Emotet.A!tr')?.obf_url).toBe('');
	});
});

describe('documented dialect', () => {
	test('legacy ADOM uses the documented shape', async () => {
		let clock = Date.UTC(2024, 4, 10, 8);
		const emulator = await start({ now: () => clock, taskDurationMs: 1_000 });

		const created = await call<DocumentedBody>(
			emulator,
			{ id: 4, method: 'add', params: [{ url: runUrl('legacy'), apiver: 3, 'time-range': WEEK }] },
			{ apiKey: DEFAULT_API_KEY },
		);
		expect(created).toEqual({ id: 4, result: [{ data: { tid: FIRST_TID }, status: { code: 0, message: 'OK' } }] });

		clock += 400;
		const runningBody = await fetchTask<DocumentedBody>(emulator, FIRST_TID, 'legacy');
		expect(runningBody).toEqual({
			id: 'get',
			result: [{ data: { tid: FIRST_TID, status: 'running', percentage: 40 }, status: { code: 0, message: 'OK' } }],
		});

		clock += 600;
		const done = await fetchTask<DocumentedBody>(emulator, FIRST_TID, 'legacy');
		const data = done.result[0].data;
		expect(done).not.toHaveProperty('jsonrpc');
		expect(done.result[0].status).toEqual({ code: 0, message: 'OK' });
		expect(data?.status).toBe('done');
		expect(data?.percentage).toBe(100);
		expect(data?.total).toBe(data?.threats?.length);
		expect(data?.threats?.length).toBeGreaterThan(20);
		for (const threat of data?.threats ?? []) {
			expect(['critical', 'high', 'medium', 'low', 'info']).toContain(threat.severity);
			expect(typeof threat.incidents).toBe('number');
			expect(threat.blocked + threat.detected).toBe(threat.incidents);
			expect(threat.sources).toBeGreaterThan(0);
			expect(threat.destinations).toBeGreaterThan(0);
		}
		expect(data?.threats?.some((threat) => threat.severity === 'critical' && threat.detected > 0)).toBe(true);
	});

	test('unknown tid gets -3 Invalid task ID', async () => {
		const emulator = await start();

		const body = await fetchTask<DocumentedBody>(emulator, 4242, 'legacy');

		expect(body).toEqual({ id: 'get', result: [{ status: { code: -3, message: 'Invalid task ID' } }] });
	});

	test('delete returns the list form', async () => {
		const emulator = await start();
		const created = await call<DocumentedBody>(
			emulator,
			{ id: 1, method: 'add', params: [{ url: runUrl('legacy'), apiver: 3, 'time-range': DAY }] },
			{ apiKey: DEFAULT_API_KEY },
		);
		const tid = created.result[0].data?.tid;

		const body = await call<DocumentedBody>(
			emulator,
			{ id: 2, method: 'delete', params: [{ url: runUrl('legacy', tid), apiver: 3 }] },
			{ apiKey: DEFAULT_API_KEY },
		);

		expect(body).toEqual({ id: 2, result: [{ status: { code: 0, message: 'OK' } }] });
		expect(emulator.counters.tasksDeleted).toBe(1);
	});

	test('setDialect switches the shape globally and per ADOM', async () => {
		const emulator = await start({ taskDurationMs: 0 });
		const tid = await createTid(emulator);

		emulator.setDialect('documented', 'root');
		const documented = await fetchTask<DocumentedBody>(emulator, tid);
		emulator.setDialect('apiver3', 'root');
		const apiver3 = await fetchTask(emulator, tid);
		emulator.setDialect('documented');
		const socBody = await call<DocumentedBody>(
			emulator,
			{ id: 1, method: 'add', params: [{ url: runUrl('soc'), apiver: 3, 'time-range': DAY }] },
			{ apiKey: DEFAULT_API_KEY },
		);

		expect(documented.result[0].data?.status).toBe('done');
		expect(apiver3.result?.data?.length).toBe(documented.result[0].data?.threats?.length);
		expect(socBody.result[0].data?.tid).toBe(tid + 1);
		expect(() => emulator.setDialect('json' as 'apiver3')).toThrow('Unknown dialect');
	});

	test('validation errors use the list form', async () => {
		const emulator = await start();

		const body = await call<DocumentedBody>(
			emulator,
			{ id: 1, method: 'add', params: [{ url: runUrl('legacy'), apiver: 3, 'time-range': DAY, limit: 5000 }] },
			{ apiKey: DEFAULT_API_KEY },
		);

		expect(body).toEqual({ id: 1, result: [{ status: { code: -10, message: 'limit: 5000 is bigger than max value 1000' } }] });
	});
});

describe('dataset determinism', () => {
	test('same request gives the same rows on any emulator', async () => {
		const first = await start({ taskDurationMs: 0 });
		const second = await start({ taskDurationMs: 0 });

		const a = await rowsFor(first, { 'time-range': WEEK });
		const b = await rowsFor(first, { 'time-range': WEEK });
		const c = await rowsFor(second, { 'time-range': WEEK });

		expect(b).toEqual(a);
		expect(c).toEqual(a);
	});

	test('counts scale with the window length', async () => {
		const emulator = await start({ taskDurationMs: 0 });

		const hour = await rowsFor(emulator, { 'time-range': { start: '2024-05-01 10:00:00', end: '2024-05-01 11:00:00' } });
		const day = await rowsFor(emulator, { 'time-range': DAY });
		const week = await rowsFor(emulator, { 'time-range': WEEK });
		const otherDay = await rowsFor(emulator, { 'time-range': { start: '2024-05-02 00:00:00', end: '2024-05-03 00:00:00' } });

		expect(hour.length).toBeLessThan(day.length);
		expect(sumOf(hour, 'incidents')).toBeLessThan(sumOf(day, 'incidents'));
		expect(sumOf(week, 'incidents')).toBeGreaterThan(5 * sumOf(day, 'incidents'));
		expect(sumOf(otherDay, 'incidents')).not.toBe(sumOf(day, 'incidents'));
	});

	test('very long window stays fast', async () => {
		const emulator = await start({ taskDurationMs: 0 });

		const startedAt = Date.now();
		const rows = await rowsFor(emulator, { 'time-range': { start: '1970-01-01 00:00:00', end: '9999-12-31 23:59:59' } });

		expect(Date.now() - startedAt).toBeLessThan(2_000);
		expect(rows.length).toBe(40);
		expect(Number(rows[0].incidents)).toBeGreaterThan(1_000_000);
	});

	test('ADOMs get different data', async () => {
		const emulator = await start({ taskDurationMs: 0 });

		const root = await rowsFor(emulator, { 'time-range': WEEK }, 'root');
		const soc = await rowsFor(emulator, { 'time-range': WEEK }, 'soc');

		expect(soc.length).toBeGreaterThan(10);
		expect(soc).not.toEqual(root);
	});
});

describe('fault injection', () => {
	const statusRequest = { id: 11, method: 'get', params: [{ url: '/sys/status' }] };

	test('http-status fault applies once', async () => {
		const emulator = await start();
		emulator.injectFault({ fault: { kind: 'http-status', status: 503, body: 'busy' } });

		const faulted = await postRaw(endpointOf(emulator), JSON.stringify(statusRequest), { apiKey: DEFAULT_API_KEY });
		const normal = await postRaw(endpointOf(emulator), JSON.stringify(statusRequest), { apiKey: DEFAULT_API_KEY });

		expect(faulted.status).toBe(503);
		expect(faulted.text).toBe('busy');
		expect(normal.status).toBe(200);
		expect((JSON.parse(normal.text) as LegacyBody).result[0].status.code).toBe(0);
	});

	test('delay fault responds late', async () => {
		const emulator = await start();
		emulator.injectFault({ fault: { kind: 'delay', ms: 300 } });

		const startedAt = Date.now();
		const body = await call<LegacyBody>(emulator, statusRequest, { apiKey: DEFAULT_API_KEY });

		expect(Date.now() - startedAt).toBeGreaterThanOrEqual(290);
		expect(body.result[0].status.code).toBe(0);
	});

	test('raw sends the body verbatim', async () => {
		const emulator = await start();
		emulator.injectFault({ fault: { kind: 'raw', body: '<html>Gateway</html>', contentType: 'text/html' } });
		emulator.injectFault({ fault: { kind: 'raw', body: '{"result": [' } });

		const html = await postRaw(endpointOf(emulator), JSON.stringify(statusRequest), { apiKey: DEFAULT_API_KEY });
		const truncated = await postRaw(endpointOf(emulator), JSON.stringify(statusRequest), { apiKey: DEFAULT_API_KEY });

		expect(html.status).toBe(200);
		expect(html.headers['content-type']).toBe('text/html');
		expect(html.text).toBe('<html>Gateway</html>');
		expect(truncated.headers['content-type']).toBe('application/json');
		expect(truncated.text).toBe('{"result": [');
	});

	test('json replaces the response body', async () => {
		const emulator = await start();
		emulator.injectFault({ fault: { kind: 'json', body: { unexpected: true } } });

		const body = await call<Record<string, unknown>>(emulator, statusRequest, { apiKey: DEFAULT_API_KEY });

		expect(body).toEqual({ unexpected: true });
	});

	test('reset destroys the connection', async () => {
		const emulator = await start();
		emulator.injectFault({ fault: { kind: 'reset' } });

		await expect(postRaw(endpointOf(emulator), JSON.stringify(statusRequest), { apiKey: DEFAULT_API_KEY })).rejects.toThrow(
			/socket hang up|ECONNRESET/,
		);
		const body = await call<LegacyBody>(emulator, statusRequest, { apiKey: DEFAULT_API_KEY });
		expect(body.result[0].status.code).toBe(0);
	});

	test('status sends each FortiAnalyzer error form', async () => {
		const emulator = await start();
		emulator.injectFault({ fault: { kind: 'status', code: -11, message: 'No permission for the resource', form: 'legacy' } });
		emulator.injectFault({ fault: { kind: 'status', code: -3, message: 'Object does not exist', form: 'result' } });
		emulator.injectFault({ fault: { kind: 'status', code: -32603, message: 'Internal error', form: 'error' } });

		const legacy = await call<Record<string, unknown>>(emulator, statusRequest, { apiKey: DEFAULT_API_KEY });
		const result = await call<Record<string, unknown>>(emulator, statusRequest, { apiKey: DEFAULT_API_KEY });
		const error = await call<Record<string, unknown>>(emulator, statusRequest, { apiKey: DEFAULT_API_KEY });

		expect(legacy).toEqual({ id: 11, result: [{ status: { code: -11, message: 'No permission for the resource' }, url: '/sys/status' }] });
		expect(result).toEqual({ jsonrpc: '2.0', id: 11, result: { status: { code: -3, message: 'Object does not exist' } } });
		expect(error).toEqual({ jsonrpc: '2.0', id: 11, error: { code: -32603, message: 'Internal error' } });
	});

	test('faults match by method and URL, first in first out', async () => {
		const emulator = await start({ taskDurationMs: 0 });
		emulator.injectFault({ match: { method: 'get', url: /\/top-threats\/run\/\d+$/ }, times: 2, fault: { kind: 'json', body: { n: 1 } } });
		emulator.injectFault({ match: { method: 'get', url: /\/top-threats\/run\/\d+$/ }, fault: { kind: 'json', body: { n: 2 } } });
		emulator.injectFault({ match: { url: '/sys/status' }, fault: { kind: 'http-status', status: 502 } });

		const tid = await createTid(emulator);
		const bodies: unknown[] = [];
		for (let index = 0; index < 4; index++) bodies.push(await fetchTask<unknown>(emulator, tid));
		const status = await postRaw(endpointOf(emulator), JSON.stringify(statusRequest), { apiKey: DEFAULT_API_KEY });

		expect(tid).toBe(FIRST_TID);
		expect(bodies.slice(0, 3)).toEqual([{ n: 1 }, { n: 1 }, { n: 2 }]);
		expect((bodies[3] as Apiver3Body).result?.percentage).toBe(100);
		expect(status.status).toBe(502);
		expect(status.text).toBe('Bad Gateway');
	});

	test('faulted requests have no effect and clearFaults removes faults', async () => {
		const emulator = await start();
		emulator.injectFault({ match: { url: '/sys/login/user' }, fault: { kind: 'http-status', status: 500 } });
		emulator.injectFault({ times: Infinity, fault: { kind: 'http-status', status: 503 } });

		const loginRequest = { id: 1, method: 'exec', params: [{ url: '/sys/login/user', data: { user: DEFAULT_USERNAME, passwd: DEFAULT_PASSWORD } }] };
		const faulted = await postRaw(endpointOf(emulator), JSON.stringify(loginRequest));
		expect(faulted.status).toBe(500);
		expect(emulator.counters.logins).toBe(0);
		expect(emulator.counters.openSessions).toBe(0);

		for (let index = 0; index < 3; index++) {
			expect((await postRaw(endpointOf(emulator), JSON.stringify(statusRequest))).status).toBe(503);
		}
		emulator.clearFaults();
		expect((await postRaw(endpointOf(emulator), JSON.stringify(statusRequest))).status).toBe(200);
	});

	test('invalid faults are rejected at injection', async () => {
		const emulator = await start();

		expect(() => emulator.injectFault({ fault: { kind: 'http-status', status: 42 } })).toThrow('status from 100 to 599');
		expect(() => emulator.injectFault({ times: 0, fault: { kind: 'reset' } })).toThrow('times');
		expect(() => emulator.injectFault({ fault: { kind: 'teleport' } as unknown as { kind: 'reset' } })).toThrow('Unknown fault kind');
	});
});

describe('HTTP endpoint', () => {
	test('other paths get 404 and other methods 405', async () => {
		const emulator = await start();

		const wrongPath = await postRaw(`${emulator.url}/api/v2/monitor`, '{}');
		const getRequest = await new Promise<number>((resolve, reject) => {
			http.get(endpointOf(emulator), (response) => {
				response.resume();
				resolve(response.statusCode ?? 0);
			}).on('error', reject);
		});

		expect(wrongPath.status).toBe(404);
		expect(getRequest).toBe(405);
	});

	test('broken JSON gets -32700 and a broken envelope -32600', async () => {
		const emulator = await start();

		const parseError = await postRaw(endpointOf(emulator), '{"method": "get", ');
		const noParams = await postRaw(endpointOf(emulator), JSON.stringify({ id: 'abc', method: 'get' }));

		expect(parseError.status).toBe(200);
		expect(JSON.parse(parseError.text)).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
		expect(JSON.parse(noParams.text)).toEqual({ jsonrpc: '2.0', id: 'abc', error: { code: -32600, message: 'Invalid Request' } });
	});

	test('keep-alive reuses one connection', async () => {
		const emulator = await start();
		const reusing = new http.Agent({ keepAlive: true, maxSockets: 1 });
		const closing = new http.Agent({ keepAlive: false });

		try {
			for (let index = 0; index < 5; index++) {
				await call<LegacyBody>(emulator, { id: index, method: 'get', params: [{ url: '/sys/status' }] }, { apiKey: DEFAULT_API_KEY, agent: reusing });
			}
			expect(emulator.counters.connections).toBe(1);

			for (let index = 0; index < 3; index++) {
				await call<LegacyBody>(emulator, { id: index, method: 'get', params: [{ url: '/sys/status' }] }, { apiKey: DEFAULT_API_KEY, agent: closing });
			}
			expect(emulator.counters.connections).toBe(4);
			expect(emulator.counters.requests).toBe(8);
		} finally {
			reusing.destroy();
			closing.destroy();
		}
	});

	test('request log holds no secrets', async () => {
		const emulator = await start();
		const session = await login(emulator);
		await call<LegacyBody>(emulator, { id: 2, method: 'get', params: [{ url: '/sys/status' }], session });
		await call<LegacyBody>(emulator, { id: 3, method: 'get', params: [{ url: '/sys/status' }] }, { apiKey: DEFAULT_API_KEY });
		await call<LegacyBody>(emulator, { id: 4, method: 'get', params: [{ url: '/sys/status' }] });

		expect(emulator.requests.map(({ method, url, auth }) => ({ method, url, auth }))).toEqual([
			{ method: 'exec', url: '/sys/login/user', auth: 'none' },
			{ method: 'get', url: '/sys/status', auth: 'session' },
			{ method: 'get', url: '/sys/status', auth: 'apiKey' },
			{ method: 'get', url: '/sys/status', auth: 'none' },
		]);
		const log = JSON.stringify(emulator.requests);
		for (const secret of [session, DEFAULT_PASSWORD, DEFAULT_API_KEY]) expect(log).not.toContain(secret);
	});

	test('resetCounters zeroes counters and the request log', async () => {
		const emulator = await start();
		await login(emulator);
		await createTid(emulator);

		emulator.resetCounters();

		expect(emulator.counters).toEqual({
			requests: 0,
			logins: 0,
			failedLogins: 0,
			logouts: 0,
			openSessions: 1,
			tasksCreated: 0,
			tasksDeleted: 0,
			tasksOpen: 1,
			fetches: 0,
			connections: 0,
		});
		expect(emulator.requests).toEqual([]);
	});

	test('non-loopback host is rejected', async () => {
		await expect(startEmulator({ host: '0.0.0.0' })).rejects.toThrow('loopback only');
		await expect(startEmulator({ host: '192.0.2.1' })).rejects.toThrow('loopback only');
	});

	// The certificate is made on the fly, so the test needs the openssl command.
	const hasOpenssl = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;

	(hasOpenssl ? test : test.skip)('serves HTTPS with the given certificate', async () => {
		const directory = mkdtempSync(join(tmpdir(), 'faz-emulator-tls-'));
		try {
			execFileSync('openssl', [
				'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
				'-addext', 'subjectAltName=IP:127.0.0.1',
				'-keyout', join(directory, 'key.pem'), '-out', join(directory, 'cert.pem'),
			], { stdio: 'ignore' });
			const cert = readFileSync(join(directory, 'cert.pem'));
			const emulator = await start({ tls: { key: readFileSync(join(directory, 'key.pem')), cert } });
			const tlsAgent = new https.Agent({ ca: cert, keepAlive: true });

			try {
				const result = await postRaw(
					endpointOf(emulator),
					JSON.stringify({ id: 1, method: 'get', params: [{ url: '/sys/status' }] }),
					{ apiKey: DEFAULT_API_KEY, tlsAgent },
				);

				expect(emulator.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
				expect((JSON.parse(result.text) as LegacyBody).result[0].status.code).toBe(0);
			} finally {
				tlsAgent.destroy();
			}
		} finally {
			rmSync(directory, { recursive: true, force: true });
		}
	});
});
