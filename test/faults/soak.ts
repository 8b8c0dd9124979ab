/**
 * The soak run: many workflow executions through n8n-core's engine against emulators, each with a fault drawn
 * from a seeded generator, so that a run with the same seed and size injects the same faults. It counts the
 * outcomes and what is left open afterwards: sessions, tasks and server-side sockets, and the heap growth.
 * `scripts/soak.ts` runs it from the command line; `soak.test.ts` runs a small one under jest.
 */
import { cpus } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import type { ExecutionError, ICredentialDataDecryptedObject, IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { type Fault, type FaultRule, type RunningEmulator, startEmulator } from '../emulator';
import {
	type Auth,
	CANCEL_TASK,
	CREATE_TASK,
	credentialFor,
	errorKindOf,
	FAST_WAIT,
	GET_TOP_THREATS,
	getTopThreatsWorkflow,
	RUN_URL,
	runAgainst,
	settle,
	TASK_URL,
	threatRows,
	WAIT_UNTIL_DONE,
	waitUntilDoneWorkflow,
	type WorkflowOptions,
} from './workflows';

export interface SoakOptions {
	executions: number;
	seed: number;
	/** Executions that run at once, each lane against its own emulator so that faults reach the right run. */
	lanes: number;
	/** Called after every finished execution, e.g. to print progress. */
	onProgress?: (done: number, total: number) => void;
}

export interface SoakResult {
	seed: number;
	executions: number;
	lanes: number;
	durationMs: number;
	/** Executions by outcome: `success`, or the kind of the first error (`http`, `timeout`, `stalled`, ...). */
	outcomes: Record<string, number>;
	/** Outcomes per injected fault scenario. */
	scenarios: Record<string, Record<string, number>>;
	/** Error items that continue-on-fail turned failures into. */
	errorItems: number;
	/** Successful executions whose threats differed from a fault-free run of the same query; must be 0. */
	rowsMismatched: number;
	/** The first executions that left a session or task open or reported wrong rows, to reproduce with the same seed. */
	leakingExecutions: LeakingExecution[];
	leftOpen: {
		/** Sessions neither logged out nor made stale by a fault, counted at the end of each execution. */
		sessions: number;
		/** Sessions that a fault made stale, so the emulator dropped them before the client could log them out. */
		sessionsMadeStaleByFaults: number;
		/** Logins minus logouts minus sessions made stale; 0 when every login was followed by a logout. */
		loginsWithoutLogout: number;
		/** Tasks an execution created and left open, counted at the end of each execution. */
		tasks: number;
		/** TCP connections still open on the emulators' side after every client closed. */
		sockets: number;
	};
	/** The emulators' counters, summed. */
	counters: Record<string, number>;
	heap: HeapReport;
	environment: { node: string; cpus: number; cpuModel: string };
}

export interface LeakingExecution {
	index: number;
	scenario: string;
	operation: string;
	auth: Auth;
	inputItems: number;
	continueOnFail: boolean;
	outcome: string;
	sessionsLeft: number;
	tasksLeft: number;
	rowsMismatched: boolean;
}

/** How many leaking executions the result lists in detail; the counts cover all of them. */
const MAX_LISTED_LEAKS = 20;

export interface HeapReport {
	/** How garbage was collected before each reading. */
	gc: 'global.gc (--expose-gc)' | 'v8 flag --expose-gc set at run time' | 'none: readings include garbage';
	/** `heapUsed` after the warm-up tenth of the executions, in bytes. */
	afterWarmUpBytes: number;
	/** `heapUsed` after the last execution and after the emulators stopped, in bytes. */
	afterRunBytes: number;
	growthBytes: number;
}

interface Scenario {
	name: string;
	/** Relative frequency among the scenarios. */
	weight: number;
	build(plan: Plan): void;
}

/**
 * One execution: the workflow, its credential and the faults to inject before it runs. Fetch Results is left out:
 * it leaves the task to the workflow by design, so a workflow that stops at a failed fetch, or gets no threat
 * items to pass on, leaves the task until FortiAnalyzer expires it. The fault matrix covers Fetch Results.
 */
interface Plan {
	operation: 'getTopThreats' | 'waitUntilDone';
	auth: Auth;
	adom: 'root' | 'legacy';
	continueOnFail: boolean;
	inputItems: number;
	credential: ICredentialDataDecryptedObject;
	parameters: INodeParameters;
	createParameters: INodeParameters;
	faults: FaultRule[];
}

const POLL = { method: 'get', url: TASK_URL };
const CREATE = { method: 'add', url: RUN_URL };
const DELETE = { method: 'delete', url: TASK_URL };
const LOGIN = { url: '/sys/login/user' };
const ONE_SECOND_TIMEOUT = 1;
const SLOWER_THAN_TIMEOUT: Fault = { kind: 'delay', ms: 1300 };
const NO_SLOT: Fault = { kind: 'status', code: -32000, message: 'No available slot for a new task', form: 'error' };
const HTML_PAGE: Fault = { kind: 'raw', body: '<html><body>Portal</body></html>', contentType: 'text/html' };
const TRUNCATED_JSON: Fault = { kind: 'raw', body: '{"jsonrpc":"2.0","id":1,"result":{"perc' };
const INTERNAL_ERROR: Fault = { kind: 'status', code: -32603, message: 'Internal error', form: 'error' };
const MISSING_COLUMN: Fault = { kind: 'status', code: -32000, message: "Server error: Missing columns: 'threatweight'", form: 'error' };
const LOGIN_FAIL: Fault = { kind: 'status', code: -22, message: 'Login fail', form: 'legacy' };

function progress(percentage: number): Fault {
	return { kind: 'progress', percentage };
}

function once(match: FaultRule['match'], fault: Fault): FaultRule {
	return { match, times: 1, fault };
}

function always(match: FaultRule['match'], fault: Fault): FaultRule {
	return { match, times: Infinity, fault };
}

/** The faults of the fault matrix, weighted so that the slow ones (timeouts, stalls, back-pressure) stay rare. */
const SCENARIOS: Scenario[] = [
	{ name: 'none', weight: 8, build: () => {} },
	{ name: 'stale session mid-poll', weight: 4, build: (plan) => plan.faults.push(once(POLL, progress(30)), once(POLL, { kind: 'expire-sessions' })) },
	{ name: 'HTTP 502 on a poll', weight: 3, build: (plan) => plan.faults.push(once(POLL, { kind: 'http-status', status: 502 })) },
	{ name: 'HTTP 503 on login', weight: 2, build: (plan) => plan.faults.push(once(LOGIN, { kind: 'http-status', status: 503 })) },
	{ name: 'HTTP 504 on task creation', weight: 2, build: (plan) => plan.faults.push(once(CREATE, { kind: 'http-status', status: 504 })) },
	{ name: 'HTTP 503 on every poll', weight: 1, build: (plan) => plan.faults.push(always(POLL, { kind: 'http-status', status: 503 })) },
	{ name: 'HTTP 502 on the delete', weight: 2, build: (plan) => plan.faults.push(once(DELETE, { kind: 'http-status', status: 502 })) },
	{ name: 'reset on a poll', weight: 3, build: (plan) => plan.faults.push(once(POLL, { kind: 'reset' })) },
	{ name: 'reset on task creation', weight: 2, build: (plan) => plan.faults.push(once(CREATE, { kind: 'reset' })) },
	{ name: 'reset on every poll', weight: 1, build: (plan) => plan.faults.push(always(POLL, { kind: 'reset' })) },
	{
		name: 'poll slower than the timeout',
		weight: 1,
		build: (plan) => {
			plan.credential.timeout = ONE_SECOND_TIMEOUT;
			plan.faults.push(once(POLL, SLOWER_THAN_TIMEOUT));
		},
	},
	{
		name: 'task creation slower than the timeout',
		weight: 1,
		build: (plan) => {
			plan.credential.timeout = ONE_SECOND_TIMEOUT;
			plan.faults.push(once(CREATE, SLOWER_THAN_TIMEOUT));
		},
	},
	{ name: 'HTML page', weight: 2, build: (plan) => plan.faults.push(once(POLL, HTML_PAGE)) },
	{ name: 'truncated JSON', weight: 2, build: (plan) => plan.faults.push(once(POLL, TRUNCATED_JSON)) },
	{
		name: 'result in the other form',
		weight: 2,
		build: (plan) => plan.faults.push(once(POLL, { kind: 'result-form', form: plan.adom === 'legacy' ? 'object' : 'list' })),
	},
	{ name: 'status as a plain string', weight: 2, build: (plan) => plan.faults.push(once(POLL, { kind: 'status-as-string' })) },
	{ name: 'numbers as strings', weight: 3, build: (plan) => plan.faults.push(always(undefined, { kind: 'numbers-as-strings' })) },
	{ name: 'no percentage', weight: 2, build: (plan) => plan.faults.push(once(POLL, { kind: 'omit-fields', fields: ['percentage'] })) },
	{ name: 'rows before 100 %', weight: 3, build: (plan) => plan.faults.push(once(POLL, progress(20)), once(POLL, progress(70))) },
	{
		name: '100 % with an empty page',
		weight: 3,
		build: (plan) => {
			// Only the apiver-3 reply counts the rows apart from the page, so the documented shape cannot reveal an
			// early empty page.
			plan.adom = 'root';
			plan.credential.adom = 'root';
			plan.faults.push(once(POLL, { kind: 'empty-page' }));
		},
	},
	{
		name: 'stuck at one percentage',
		weight: 1,
		build: (plan) => {
			plan.parameters.waitOptions = { ...FAST_WAIT, stallTimeoutSeconds: 1 };
			plan.faults.push(always(POLL, progress(42)));
		},
	},
	{ name: 'task expired mid-poll', weight: 2, build: (plan) => plan.faults.push(once(POLL, progress(50)), once(POLL, { kind: 'expire-tasks' })) },
	{ name: 'no available slot once', weight: 2, build: (plan) => plan.faults.push(once(CREATE, NO_SLOT)) },
	{ name: 'no available slot for long', weight: 1, build: (plan) => plan.faults.push(always(CREATE, NO_SLOT)) },
	{ name: 'JSON-RPC error', weight: 2, build: (plan) => plan.faults.push(once(POLL, INTERNAL_ERROR)) },
	{
		name: 'unknown filter field',
		weight: 1,
		build: (plan) => {
			const queryOptions = { filter: 'definitelynotafield==1' };
			if (plan.operation === 'getTopThreats') plan.parameters.queryOptions = queryOptions;
			else plan.createParameters.queryOptions = queryOptions;
		},
	},
	{ name: 'missing sort column', weight: 1, build: (plan) => plan.faults.push(once(CREATE, MISSING_COLUMN)) },
	{ name: 'login fails with -22', weight: 2, build: (plan) => plan.faults.push(once(LOGIN, LOGIN_FAIL)) },
];

/** mulberry32: a small seeded generator; the same seed gives the same numbers on every platform. */
function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
		mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
		return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
	};
}

function pick<T>(random: () => number, values: readonly T[]): T {
	return values[Math.floor(random() * values.length)];
}

function pickScenario(random: () => number): Scenario {
	const totalWeight = SCENARIOS.reduce((sum, scenario) => sum + scenario.weight, 0);
	let target = random() * totalWeight;
	for (const scenario of SCENARIOS) {
		target -= scenario.weight;
		if (target < 0) return scenario;
	}
	return SCENARIOS[0];
}

/** Plans execution `index` from the seed and the index alone, so that timing and lanes do not change it. */
export function planExecution(seed: number, index: number, emulator: RunningEmulator): { plan: Plan; scenario: Scenario } {
	const random = seededRandom(Math.imul(seed, 0x9e3779b1) ^ index);
	const auth = pick<Auth>(random, ['apiKey', 'password']);
	const adom = random() < 0.2 ? 'legacy' : 'root';
	const plan: Plan = {
		operation: pick(random, ['getTopThreats', 'waitUntilDone'] as const),
		auth,
		adom,
		continueOnFail: random() < 0.3,
		inputItems: random() < 0.2 ? 2 : 1,
		credential: credentialFor(emulator, auth, { adom }),
		parameters: {},
		createParameters: {},
		faults: [],
	};
	const scenario = pickScenario(random);
	scenario.build(plan);

	return { plan, scenario };
}

export function workflowFor(plan: Plan) {
	const options: WorkflowOptions = {
		parameters: plan.parameters,
		createParameters: plan.createParameters,
		continueOnFail: plan.continueOnFail,
		inputItems: plan.inputItems > 1 ? Array.from({ length: plan.inputItems }, (_, item) => ({ item })) : undefined,
	};
	return plan.operation === 'getTopThreats' ? getTopThreatsWorkflow(options) : waitUntilDoneWorkflow(options);
}

/** The IOC nodes of both workflows, in the order they run. */
const IOC_NODES = [CREATE_TASK, GET_TOP_THREATS, WAIT_UNTIL_DONE, CANCEL_TASK];

/** Maps the messages of the node's operation errors, which carry no kind, to the client's error kinds. */
function kindFromMessage(message: string): string {
	if (/stuck at/.test(message)) return 'stalled';
	if (/deadline/.test(message)) return 'wait-timeout';
	if (/^Invalid /.test(message)) return 'invalid-input';
	if (/cancelled/i.test(message)) return 'cancelled';

	return 'unclassified';
}

function kindOf(error: ExecutionError): string {
	const kind = errorKindOf(error);
	return typeof kind === 'string' ? kind : kindFromMessage(error.message);
}

interface Judgement {
	outcome: string;
	errorItems: number;
	rowsMismatched: boolean;
}

/**
 * Reads what an execution did: its outcome, its error items, and whether reported threats were complete. The
 * outcome is the first failure in workflow order, a node error or an error item, so that a later node failing on
 * the error items of an earlier one does not hide the cause.
 */
function judge(run: Awaited<ReturnType<typeof runAgainst>>['run'], plan: Plan, reference: Record<string, IDataObject[]>): Judgement {
	let outcome: string | undefined;
	let errorItems = 0;
	for (const name of IOC_NODES) {
		const failures = run.output(name).filter((item) => typeof item.json.kind === 'string' && item.json.error !== undefined);
		errorItems += failures.length;

		const nodeError = run.nodeError(name);
		if (outcome === undefined && nodeError !== undefined) outcome = kindOf(nodeError);
		if (outcome === undefined && failures.length > 0) outcome = String(failures[0].json.kind);
	}
	if (outcome === undefined && run.status !== 'success') outcome = run.error ? kindFromMessage(run.error.message) : run.status;

	return { outcome: outcome ?? 'success', errorItems, rowsMismatched: !threatsComplete(run, plan, reference[plan.adom]) };
}

/**
 * Checks that every input item that did not fail got the threats of a fault-free run, so that no partial or empty
 * page was reported as final. An item without any output item counts as an empty result.
 */
function threatsComplete(run: Awaited<ReturnType<typeof runAgainst>>['run'], plan: Plan, expected: IDataObject[]): boolean {
	if (run.status !== 'success') return true;

	const output = run.output(plan.operation === 'getTopThreats' ? GET_TOP_THREATS : WAIT_UNTIL_DONE);
	for (let index = 0; index < plan.inputItems; index++) {
		const own = output.filter((item) => pairedIndex(item) === index);
		if (own.some((item) => item.json.error !== undefined)) continue;

		// Wait Until Done emits one summary item holding the threats; Get Top Threats one item per threat.
		const threats = plan.operation === 'getTopThreats' ? own.map((item) => item.json) : own.flatMap((item) => item.json.threats as IDataObject[]);
		if (!same(threatRows(threats), expected)) return false;
	}
	return true;
}

function pairedIndex(item: INodeExecutionData): number {
	const paired = item.pairedItem;
	if (typeof paired === 'number') return paired;
	if (paired === undefined || Array.isArray(paired)) return 0;

	return paired.item;
}

function same(actual: IDataObject[], expected: IDataObject[]): boolean {
	return JSON.stringify(actual) === JSON.stringify(expected);
}

/** Returns a function that collects garbage when the process allows it, and the method it uses. */
function garbageCollector(): { collect: () => void; method: HeapReport['gc'] } {
	const exposed = (globalThis as { gc?: () => void }).gc;
	if (typeof exposed === 'function') return { collect: exposed, method: 'global.gc (--expose-gc)' };

	try {
		setFlagsFromString('--expose-gc');
		const gc = runInNewContext('gc') as unknown;
		if (typeof gc === 'function') return { collect: gc as () => void, method: 'v8 flag --expose-gc set at run time' };
	} catch {
		// Some hosts forbid changing V8 flags at run time; the readings then include garbage.
	}
	return { collect: () => {}, method: 'none: readings include garbage' };
}

function heapUsedAfterGc(collect: () => void): number {
	collect();
	collect();
	return process.memoryUsage().heapUsed;
}

function increment(counts: Record<string, number>, key: string): void {
	counts[key] = (counts[key] ?? 0) + 1;
}

/** Runs a fault-free query per ADOM; every successful soak execution must return the same threats. */
async function referenceThreats(): Promise<Record<string, IDataObject[]>> {
	const emulator = await startEmulator({ taskDurationMs: 0 });
	try {
		const reference: Record<string, IDataObject[]> = {};
		for (const adom of ['root', 'legacy']) {
			const { run } = await runAgainst(getTopThreatsWorkflow(), credentialFor(emulator, 'apiKey', { adom }));
			reference[adom] = threatRows(run.output(GET_TOP_THREATS).map((item) => item.json));
		}
		return reference;
	} finally {
		await emulator.stop();
	}
}

/** What one execution left open, read from its own emulator right after it ended. */
interface Leftovers {
	sessionsLeft: number;
	sessionsMadeStale: number;
	tasksLeft: number;
}

/** Running totals of a soak run. */
interface Tally {
	outcomes: Record<string, number>;
	scenarios: Record<string, Record<string, number>>;
	errorItems: number;
	rowsMismatched: number;
	leakingExecutions: LeakingExecution[];
	sessionsLeft: number;
	sessionsMadeStale: number;
	tasksLeft: number;
	done: number;
}

/**
 * Runs one execution on a lane's emulator and adds it to the tally. Leftovers are counted per execution, because a
 * later `expire-sessions` or `expire-tasks` fault would also clear what an earlier execution left open.
 */
async function runExecution(
	index: number,
	emulator: RunningEmulator,
	options: SoakOptions,
	reference: Record<string, IDataObject[]>,
	tally: Tally,
): Promise<void> {
	const { plan, scenario } = planExecution(options.seed, index, emulator);
	const knownSessions = new Set(emulator.issuedSessions.map((session) => session.id));
	const tasksBefore = emulator.counters.tasksOpen;
	for (const fault of plan.faults) emulator.injectFault(fault);

	const { run } = await runAgainst(workflowFor(plan), plan.credential);
	emulator.clearFaults();

	const newSessions = emulator.issuedSessions.filter((session) => !knownSessions.has(session.id));
	const leftovers: Leftovers = {
		sessionsLeft: newSessions.filter((session) => session.endedBy === null).length,
		sessionsMadeStale: newSessions.filter((session) => session.endedBy === 'expiry').length,
		tasksLeft: Math.max(0, emulator.counters.tasksOpen - tasksBefore),
	};
	const judgement = judge(run, plan, reference);

	increment(tally.outcomes, judgement.outcome);
	tally.scenarios[scenario.name] ??= {};
	increment(tally.scenarios[scenario.name], judgement.outcome);
	tally.errorItems += judgement.errorItems;
	if (judgement.rowsMismatched) tally.rowsMismatched += 1;
	tally.sessionsLeft += leftovers.sessionsLeft;
	tally.sessionsMadeStale += leftovers.sessionsMadeStale;
	tally.tasksLeft += leftovers.tasksLeft;

	const leaked = leftovers.sessionsLeft > 0 || leftovers.tasksLeft > 0 || judgement.rowsMismatched;
	if (leaked && tally.leakingExecutions.length < MAX_LISTED_LEAKS) {
		const { operation, auth, inputItems, continueOnFail } = plan;
		tally.leakingExecutions.push({
			index,
			scenario: scenario.name,
			operation,
			auth,
			inputItems,
			continueOnFail,
			outcome: judgement.outcome,
			sessionsLeft: leftovers.sessionsLeft,
			tasksLeft: leftovers.tasksLeft,
			rowsMismatched: judgement.rowsMismatched,
		});
	}

	tally.done += 1;
	options.onProgress?.(tally.done, options.executions);
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
	const startedAt = Date.now();
	const gc = garbageCollector();
	const reference = await referenceThreats();
	const tally: Tally = {
		outcomes: {},
		scenarios: {},
		errorItems: 0,
		rowsMismatched: 0,
		leakingExecutions: [],
		sessionsLeft: 0,
		sessionsMadeStale: 0,
		tasksLeft: 0,
		done: 0,
	};

	const emulators = await Promise.all(Array.from({ length: options.lanes }, () => startEmulator({ taskDurationMs: 100 })));
	const warmUp = Math.min(options.executions, Math.max(1, Math.floor(options.executions / 10)));

	// Each lane takes the next execution index when its previous execution ended; the plans depend on the index only.
	const runRange = async (from: number, to: number) => {
		let next = from;
		const lane = async (emulator: RunningEmulator) => {
			while (next < to) await runExecution(next++, emulator, options, reference, tally);
		};
		await Promise.all(emulators.map(lane));
	};

	let afterWarmUpBytes = 0;
	let result: Omit<SoakResult, 'heap' | 'durationMs'>;
	try {
		await runRange(0, warmUp);
		afterWarmUpBytes = heapUsedAfterGc(gc.collect);
		await runRange(warmUp, options.executions);

		await settle(() => emulators.every((emulator) => emulator.openConnections === 0), 5000);
		result = summarize(options, emulators, tally);
	} finally {
		await Promise.all(emulators.map((emulator) => emulator.stop()));
	}

	const afterRunBytes = heapUsedAfterGc(gc.collect);

	return {
		...result,
		durationMs: Date.now() - startedAt,
		heap: { gc: gc.method, afterWarmUpBytes, afterRunBytes, growthBytes: afterRunBytes - afterWarmUpBytes },
	};
}

function summarize(options: SoakOptions, emulators: RunningEmulator[], tally: Tally): Omit<SoakResult, 'heap' | 'durationMs'> {
	const counters: Record<string, number> = {};
	let sockets = 0;
	for (const emulator of emulators) {
		for (const [name, value] of Object.entries(emulator.counters)) counters[name] = (counters[name] ?? 0) + value;
		sockets += emulator.openConnections;
	}

	return {
		seed: options.seed,
		executions: options.executions,
		lanes: options.lanes,
		outcomes: tally.outcomes,
		scenarios: tally.scenarios,
		errorItems: tally.errorItems,
		rowsMismatched: tally.rowsMismatched,
		leakingExecutions: tally.leakingExecutions,
		leftOpen: {
			sessions: tally.sessionsLeft,
			sessionsMadeStaleByFaults: tally.sessionsMadeStale,
			loginsWithoutLogout: counters.logins - counters.logouts - tally.sessionsMadeStale,
			tasks: tally.tasksLeft,
			sockets,
		},
		counters,
		environment: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown' },
	};
}
