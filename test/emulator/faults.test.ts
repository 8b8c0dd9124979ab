/**
 * The fault kinds that let the normal handler run and change its input or its response, the session history and
 * the open-connection count. The fault kinds that replace the response are tested in emulator.test.ts.
 */
import * as http from 'node:http';

import { DEFAULT_API_KEY, DEFAULT_PASSWORD, DEFAULT_USERNAME, endpointOf, type RunningEmulator, startEmulator } from './index';

type Body = Record<string, unknown>;

const DAY = { start: '2024-05-01 00:00:00', end: '2024-05-02 00:00:00' };

const FETCH = /\/top-threats\/run\/\d+$/;

const running: RunningEmulator[] = [];

async function start(taskDurationMs = 0): Promise<RunningEmulator> {
	const emulator = await startEmulator({ taskDurationMs });
	running.push(emulator);
	return emulator;
}

afterEach(async () => {
	await Promise.all(running.splice(0).map((emulator) => emulator.stop()));
});

async function post(emulator: RunningEmulator, payload: Body, auth: { apiKey?: string } = { apiKey: DEFAULT_API_KEY }): Promise<Body> {
	const headers: Record<string, string> = { 'Content-Type': 'application/json' };
	if (auth.apiKey !== undefined) headers.Authorization = `Bearer ${auth.apiKey}`;
	const response = await fetch(endpointOf(emulator), { method: 'POST', headers, body: JSON.stringify(payload) });

	return (await response.json()) as Body;
}

function runUrl(adom: string, tid?: number): string {
	return tid === undefined ? `/fortiview/adom/${adom}/top-threats/run` : `/fortiview/adom/${adom}/top-threats/run/${tid}`;
}

async function createTid(emulator: RunningEmulator, adom = 'root', params: Body = {}): Promise<number> {
	const request = { url: runUrl(adom), apiver: 3, 'time-range': DAY, ...params };
	const body = await post(emulator, { id: 1, jsonrpc: '2.0', method: 'add', params: [request] });
	const result = body.result as Body | Array<{ data: Body }>;
	const tid = Array.isArray(result) ? result[0].data.tid : result.tid;
	if (typeof tid !== 'number') throw new Error(`add failed: ${JSON.stringify(body)}`);
	return tid;
}

async function fetchTask(emulator: RunningEmulator, tid: number, adom = 'root'): Promise<Body> {
	return await post(emulator, { id: 7, jsonrpc: '2.0', method: 'get', params: [{ url: runUrl(adom, tid), apiver: 3 }] });
}

async function login(emulator: RunningEmulator): Promise<string> {
	const request = { url: '/sys/login/user', data: { user: DEFAULT_USERNAME, passwd: DEFAULT_PASSWORD } };
	const body = await post(emulator, { id: 1, method: 'exec', params: [request] }, {});
	if (typeof body.session !== 'string') throw new Error(`login failed: ${JSON.stringify(body)}`);
	return body.session;
}

function statusRequest(session: string): Body {
	return { id: 2, method: 'get', params: [{ url: '/sys/status' }], session };
}

function legacyCode(body: Body): unknown {
	return (body.result as Array<{ status: { code: number } }>)[0].status.code;
}

describe('fault kinds that change the normal handling', () => {
	test('expire-sessions makes the request stale', async () => {
		const emulator = await start();
		const session = await login(emulator);
		emulator.injectFault({ match: { url: '/sys/status' }, fault: { kind: 'expire-sessions' } });

		const body = await post(emulator, statusRequest(session), {});

		expect(legacyCode(body)).toBe(-11);
		expect(emulator.counters.openSessions).toBe(0);
		expect(emulator.issuedSessions).toEqual([{ id: session, username: DEFAULT_USERNAME, endedBy: 'expiry' }]);
	});

	test('expire-tasks makes the tid unknown', async () => {
		const emulator = await start();
		const tid = await createTid(emulator);
		emulator.injectFault({ match: { url: FETCH }, fault: { kind: 'expire-tasks' } });

		const body = await fetchTask(emulator, tid);

		expect(body.error).toEqual({ code: -32005, message: `Invalid tid ${tid} for fetching result.` });
		expect(emulator.counters.tasksOpen).toBe(0);
		expect(emulator.counters.tasksDeleted).toBe(0);
	});

	test('progress reports partial rows', async () => {
		const emulator = await start();
		const tid = await createTid(emulator);
		emulator.injectFault({ match: { url: FETCH }, fault: { kind: 'progress', percentage: 40 } });

		const partial = (await fetchTask(emulator, tid)).result as Body;
		const complete = (await fetchTask(emulator, tid)).result as Body;

		expect(partial.percentage).toBe(40);
		expect(complete.percentage).toBe(100);
		const incidents = (rows: unknown) => (rows as Array<{ incidents: string }>).reduce((sum, row) => sum + Number(row.incidents), 0);
		expect(incidents(partial.data)).toBeGreaterThan(0);
		expect(incidents(partial.data)).toBeLessThan(incidents(complete.data));
	});

	test('progress keeps a running task at its percentage', async () => {
		const emulator = await start(60_000);
		const tid = await createTid(emulator);
		emulator.injectFault({ match: { url: FETCH }, times: 3, fault: { kind: 'progress', percentage: 0 } });

		const percentages: unknown[] = [];
		for (let poll = 0; poll < 3; poll++) percentages.push(((await fetchTask(emulator, tid)).result as Body).percentage);

		expect(percentages).toEqual([0, 0, 0]);
	});

	test('empty-page sends 100 % without rows', async () => {
		const emulator = await start(60_000);
		const tid = await createTid(emulator, 'root', { 'count-total': true });
		emulator.injectFault({ match: { url: FETCH }, fault: { kind: 'empty-page' } });

		const result = (await fetchTask(emulator, tid)).result as Body;

		expect(result.percentage).toBe(100);
		expect(result.data).toEqual([]);
		expect(result['return-lines']).toBe(0);
		expect(result['total-count-all']).toBeGreaterThan(0);
	});

	test('empty-page in the documented dialect', async () => {
		const emulator = await start(60_000);
		const tid = await createTid(emulator, 'legacy');
		emulator.injectFault({ match: { url: FETCH }, fault: { kind: 'empty-page' } });

		const body = await fetchTask(emulator, tid, 'legacy');

		expect((body.result as Array<{ data: Body }>)[0].data).toEqual({ tid, status: 'done', percentage: 100, total: 0, threats: [] });
	});

	test('result-form switches list and object', async () => {
		const emulator = await start();
		const tid = await createTid(emulator);
		const legacyTid = await createTid(emulator, 'legacy');
		emulator.injectFault({ match: { url: runUrl('root', tid) }, fault: { kind: 'result-form', form: 'list' } });
		emulator.injectFault({ match: { url: runUrl('legacy', legacyTid) }, fault: { kind: 'result-form', form: 'object' } });

		const listed = await fetchTask(emulator, tid);
		const unlisted = await fetchTask(emulator, legacyTid, 'legacy');

		expect(Array.isArray(listed.result)).toBe(true);
		expect((listed.result as Body[])[0].percentage).toBe(100);
		expect(Array.isArray(unlisted.result)).toBe(false);
		expect(((unlisted.result as Body).data as Body).status).toBe('done');
	});

	test('status-as-string replaces status objects', async () => {
		const emulator = await start();
		const tid = await createTid(emulator);
		emulator.injectFault({ match: { url: FETCH }, fault: { kind: 'status-as-string' } });

		const result = (await fetchTask(emulator, tid)).result as Body;

		expect(result.status).toBe('OK');
		expect(result.percentage).toBe(100);
	});

	test('numbers-as-strings keeps the id', async () => {
		const emulator = await start();
		const tid = await createTid(emulator, 'legacy');
		emulator.injectFault({ match: { url: FETCH }, fault: { kind: 'numbers-as-strings' } });

		const body = await fetchTask(emulator, tid, 'legacy');
		const entry = (body.result as Array<{ data: Body; status: Body }>)[0];

		expect(body.id).toBe(7);
		expect(entry.status.code).toBe('0');
		expect(entry.data.tid).toBe(String(tid));
		expect(entry.data.percentage).toBe('100');
		expect(typeof (entry.data.threats as Body[])[0].incidents).toBe('string');
	});

	test('omit-fields removes keys at any depth', async () => {
		const emulator = await start();
		const tid = await createTid(emulator);
		emulator.injectFault({ match: { url: FETCH }, fault: { kind: 'omit-fields', fields: ['percentage', 'level_s'] } });

		const result = (await fetchTask(emulator, tid)).result as Body;

		expect(result).not.toHaveProperty('percentage');
		expect((result.data as Body[]).length).toBeGreaterThan(0);
		for (const row of result.data as Body[]) expect(row).not.toHaveProperty('level_s');
	});

	test('invalid new faults are rejected at injection', async () => {
		const emulator = await start();

		expect(() => emulator.injectFault({ fault: { kind: 'progress', percentage: 101 } })).toThrow('percentage from 0 to 100');
		expect(() => emulator.injectFault({ fault: { kind: 'result-form', form: 'tuple' as 'list' } })).toThrow('list or object');
		expect(() => emulator.injectFault({ fault: { kind: 'omit-fields', fields: [] } })).toThrow('non-empty list');
	});

	test('delayed request abandoned by its client has no effect', async () => {
		const emulator = await start();
		emulator.injectFault({ match: { method: 'add' }, fault: { kind: 'delay', ms: 400 } });

		const payload = JSON.stringify({ id: 1, jsonrpc: '2.0', method: 'add', params: [{ url: runUrl('root'), apiver: 3, 'time-range': DAY }] });
		await new Promise<void>((resolve) => {
			const request = http.request(endpointOf(emulator), {
				method: 'POST',
				headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${DEFAULT_API_KEY}` },
				timeout: 100,
			});
			request.on('timeout', () => request.destroy(new Error('gave up')));
			request.on('error', () => resolve());
			request.end(payload);
		});
		await new Promise((resolve) => setTimeout(resolve, 500));

		expect(emulator.counters.tasksCreated).toBe(0);
		expect(emulator.counters.tasksOpen).toBe(0);
	});
});

describe('session history and connections', () => {
	test('issued sessions record logout and expiry', async () => {
		const emulator = await start();
		const first = await login(emulator);
		const second = await login(emulator);
		await post(emulator, { id: 3, method: 'exec', params: [{ url: '/sys/logout' }], session: first }, {});
		const third = await login(emulator);
		emulator.expireSessions();

		expect(emulator.issuedSessions).toEqual([
			{ id: first, username: DEFAULT_USERNAME, endedBy: 'logout' },
			{ id: second, username: DEFAULT_USERNAME, endedBy: 'expiry' },
			{ id: third, username: DEFAULT_USERNAME, endedBy: 'expiry' },
		]);
	});

	test('issuedSessions is a copy', async () => {
		const emulator = await start();
		await login(emulator);

		(emulator.issuedSessions[0] as { endedBy: unknown }).endedBy = 'logout';

		expect(emulator.issuedSessions[0].endedBy).toBeNull();
	});

	test('openConnections follows open sockets', async () => {
		const emulator = await start();
		const agent = new http.Agent({ keepAlive: true });
		try {
			await new Promise<void>((resolve, reject) => {
				const request = http.request(endpointOf(emulator), { method: 'POST', agent, headers: { 'Content-Type': 'application/json' } }, (response) => {
					response.resume();
					response.on('end', () => resolve());
				});
				request.on('error', reject);
				request.end(JSON.stringify(statusRequest('none')));
			});
			expect(emulator.openConnections).toBe(1);
		} finally {
			agent.destroy();
		}

		const deadline = Date.now() + 2000;
		while (emulator.openConnections > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
		expect(emulator.openConnections).toBe(0);
	});
});
