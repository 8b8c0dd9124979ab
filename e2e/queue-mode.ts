/**
 * The queue-mode leg: n8n 1.123.50 with PostgreSQL and Redis, one main and one worker, each with its own user
 * folder and its own install of the package. A webhook-triggered copy of the triage example is activated before
 * the main starts. One webhook call must be enqueued by the main and executed by the worker, and its run data,
 * read back from PostgreSQL, gets the checks of the headless runs.
 */
import { type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { startEmulator } from '../test/emulator';
import type { Checks } from './checks';
import { ensureRuntime, type Runtime, RUNTIME_SPECS, type RuntimeSpec } from './install-runtime';
import { emulatorCredentials, loadWorkflows } from './leg';
import { hasCliStart, POLL_SCENARIOS, type PollScenario, type PollVariant } from './poll-scenarios';
import { N8nInstance, type WorkflowJson } from './n8n-instance';
import { type RawRun, WorkflowRun } from './run-data';
import { freePort, type Service, startPostgres, startRedis, waitFor } from './services';
import { branchCounts, checkThreatItems, checkTriageBranches, TRIAGE_NODES } from './triage-checks';

/** Queue mode runs on the 1.x leg's runtime: n8n 1.123.50 on this machine's Node.js. */
export const QUEUE_RUNTIME: RuntimeSpec = RUNTIME_SPECS[0];

const WORKFLOW_ID = 'queueTriage1';
const WEBHOOK_PATH = 'fortianalyzer-ioc-triage';
const DATABASE = 'n8n';
const START_TIMEOUT_MS = 120_000;

export interface PollResult {
	workflowId: string;
	/** Whether the first poll after activation had to start an execution. */
	expectExecution: boolean;
	executionId: string | null;
	details: Record<string, unknown>;
}

export interface QueueResult {
	n8n: string;
	node: string;
	postgres: string;
	redis: string;
	executionId: string;
	/** Time from the webhook request to its response, which waits for the worker to finish. */
	webhookSeconds: number;
	mainStartSeconds: number;
	workerStartSeconds: number;
	seconds: number;
	threats: number;
	branches: Record<string, number>;
	polls: PollResult[];
}

export async function runQueueLeg(tarball: string, checks: Checks, keepFolders: boolean): Promise<QueueResult> {
	const startedAt = Date.now();
	console.log(`\n== queue mode: n8n ${QUEUE_RUNTIME.n8n}, PostgreSQL, Redis, one main, one worker ==`);

	const runtime = await ensureRuntime(QUEUE_RUNTIME);
	const cleanUps: Array<() => Promise<void> | void> = [];
	const failedBefore = checks.failed;

	try {
		const postgres = await startPostgres(DATABASE);
		cleanUps.unshift(() => postgres.stop());
		const redis = await startRedis();
		cleanUps.unshift(() => redis.stop());
		const emulator = await startEmulator();
		cleanUps.unshift(() => emulator.stop());
		console.log(`  PostgreSQL on 127.0.0.1:${postgres.port}, Redis on 127.0.0.1:${redis.port}, emulator on ${emulator.url}`);

		const mainPort = await freePort();
		const workerPort = await freePort();
		const shared = await sharedEnvironment(postgres, redis);
		const main = N8nInstance.create(runtime, 'queue-main', { ...shared, N8N_PORT: String(mainPort), N8N_LISTEN_ADDRESS: '127.0.0.1' });
		const worker = N8nInstance.create(runtime, 'queue-worker', {
			...shared,
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			QUEUE_HEALTH_CHECK_PORT: String(workerPort),
			N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
		});
		cleanUps.push(() => main.remove(keepFolders && checks.failed > failedBefore));
		cleanUps.push(() => worker.remove(keepFolders && checks.failed > failedBefore));

		const polls = pollVariants();
		const workflows = [webhookTriageWorkflow(), ...polls.map(({ variant }) => variant.workflow)];
		await main.installPackage(tarball);
		await worker.installPackage(tarball);
		await main.importCredentials(emulatorCredentials(emulator));
		await main.importWorkflows(workflows);
		for (const workflow of workflows) await activate(main, workflow.id);

		// The main polls each polling workflow once while it activates it. The worker is not running yet, so what
		// a poll emits waits in the queue.
		const mainStartedAt = Date.now();
		const mainProcess = main.spawnServer(['start'], path.join(main.userFolder, 'stdout.log'));
		cleanUps.unshift(() => stopProcess(mainProcess));
		await waitFor('n8n main', START_TIMEOUT_MS, () => httpOk(`http://127.0.0.1:${mainPort}/healthz/readiness`, mainProcess));
		// Readiness comes before the active workflows are registered, so a webhook call right away gets a 404.
		for (const workflow of workflows) {
			await waitFor(`activation of ${workflow.id}`, START_TIMEOUT_MS, async () => wasActivated(readText(main.logFile), workflow.id));
		}
		const mainStartSeconds = seconds(Date.now() - mainStartedAt);

		const workerStartedAt = Date.now();
		const workerProcess = worker.spawnServer(['worker', '--concurrency=2'], path.join(worker.userFolder, 'stdout.log'));
		cleanUps.unshift(() => stopProcess(workerProcess));
		await waitFor('n8n worker', START_TIMEOUT_MS, () => httpOk(`http://127.0.0.1:${workerPort}/healthz/readiness`, workerProcess));
		const workerStartSeconds = seconds(Date.now() - workerStartedAt);
		console.log(`  main ready in ${mainStartSeconds} s, worker ready in ${workerStartSeconds} s`);

		const triageChecks = checks.child(WORKFLOW_ID);
		const webhookStartedAt = Date.now();
		const response = await fetch(`http://127.0.0.1:${mainPort}/webhook/${WEBHOOK_PATH}`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ requestedBy: 'e2e' }),
			signal: AbortSignal.timeout(120_000),
		});
		const responseText = await response.text();
		const webhookSeconds = seconds(Date.now() - webhookStartedAt);
		triageChecks.equal('webhook answered HTTP 200', response.status, 200);
		triageChecks.ok("webhook answered with the last node's items", Array.isArray(parseJson(responseText)), responseText.slice(0, 300));

		const logs = { main: () => readText(main.logFile), worker: () => readText(worker.logFile) };
		const execution = await readExecution(runtime, postgres.port, WORKFLOW_ID);
		if (!execution) throw new Error(`no execution of ${WORKFLOW_ID} in PostgreSQL`);
		checkRanOnWorker(triageChecks, execution, 'webhook', logs);
		checkThreatItems(triageChecks, execution.run.output(TRIAGE_NODES.threats), { adom: 'root', limit: 50 });
		checkTriageBranches(triageChecks, execution.run, TRIAGE_NODES);

		const pollResults: PollResult[] = [];
		for (const { variant, scenario } of polls) {
			pollResults.push(await checkPoll(variant, scenario, { runtime, port: postgres.port, logs }, checks.child(variant.workflow.id)));
		}

		// Each activation polled once, so FortiAnalyzer saw one task per polling workflow and one for the webhook.
		const counters = emulator.counters;
		checks.ok('FortiAnalyzer saw a task per poll and per webhook call', counters.tasksCreated >= 1 + polls.length, `${counters.tasksCreated} tasks`);
		checks.equal('every FortiAnalyzer task was deleted', counters.tasksDeleted, counters.tasksCreated);
		checks.equal('no FortiAnalyzer task left open', counters.tasksOpen, 0);

		return {
			n8n: runtime.n8nVersion,
			node: runtime.nodeVersion,
			postgres: postgres.version,
			redis: redis.version,
			executionId: execution.id,
			webhookSeconds,
			mainStartSeconds,
			workerStartSeconds,
			seconds: seconds(Date.now() - startedAt),
			threats: execution.run.output(TRIAGE_NODES.threats).length,
			branches: branchCounts(execution.run, TRIAGE_NODES),
			polls: pollResults,
		};
	} finally {
		for (const cleanUp of cleanUps) {
			try {
				await cleanUp();
			} catch (error) {
				console.error(`  clean-up failed: ${error instanceof Error ? error.message : String(error)}`);
			}
		}
	}
}

interface ProcessLogs {
	main: () => string;
	worker: () => string;
}

/** Checks that the execution succeeded, was enqueued by the main and ran on the worker. */
function checkRanOnWorker(checks: Checks, execution: StoredExecution, mode: string, logs: ProcessLogs): void {
	checks.equal('execution mode', execution.mode, mode);
	checks.equal('execution status', execution.run.status, 'success');
	checks.ok('run data has no error', execution.run.error === undefined, execution.run.error);

	const mainLog = logs.main();
	const workerLog = logs.worker();
	checks.ok('main enqueued the execution', mainLog.includes(`Enqueued execution ${execution.id} `), 'no "Enqueued execution" line in the main log');
	checks.ok('worker started the execution', workerLog.includes(`Worker started execution ${execution.id} `), 'no "Worker started execution" line in the worker log');
	checks.ok('worker finished the execution', workerLog.includes(`Worker finished execution ${execution.id} `), 'no "Worker finished execution" line in the worker log');
	checks.ok('main did not run it itself', !mainLog.includes(`Worker started execution ${execution.id} `));
}

/** Returns the copies to activate of the polling workflows of `examples/` that have checks in `e2e/poll-scenarios.ts`. */
function pollVariants(): Array<{ variant: PollVariant; scenario: PollScenario }> {
	return loadWorkflows()
		.filter(({ workflow }) => !hasCliStart(workflow) && POLL_SCENARIOS[workflow.id])
		.flatMap(({ workflow }) => {
			const scenario = POLL_SCENARIOS[workflow.id];
			return scenario.variants(workflow).map((variant) => ({ variant, scenario }));
		});
}

/** Checks what the first poll of an activated polling workflow did: one execution on the worker, or none. */
async function checkPoll(
	variant: PollVariant,
	scenario: PollScenario,
	database: { runtime: Runtime; port: number; logs: ProcessLogs },
	checks: Checks,
): Promise<PollResult> {
	const workflowId = variant.workflow.id;
	if (!variant.expectExecution) {
		// By now the worker has run every execution that was queued before the webhook call.
		const count = await countExecutions(database.runtime, database.port, workflowId);
		checks.equal('the first poll started no execution (baseline only)', count, 0);
		return { workflowId, expectExecution: false, executionId: null, details: {} };
	}

	const execution = await readExecution(database.runtime, database.port, workflowId);
	checks.ok('the first poll started an execution', execution !== undefined);
	if (!execution) return { workflowId, expectExecution: true, executionId: null, details: {} };

	checkRanOnWorker(checks, execution, 'trigger', database.logs);
	return { workflowId, expectExecution: true, executionId: execution.id, details: scenario.verify(execution.run, checks) };
}

/** Returns whether the main's log reports the workflow activated; a failed activation also names the id. */
function wasActivated(mainLog: string, workflowId: string): boolean {
	return mainLog.split('\n').some((line) => line.includes('Activated workflow') && line.includes(`(ID: ${workflowId})`));
}

async function sharedEnvironment(postgres: Service, redis: Service): Promise<Record<string, string>> {
	return {
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: DATABASE,
		DB_POSTGRESDB_USER: 'postgres',
		DB_POSTGRESDB_PASSWORD: '',
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
	};
}

/**
 * Returns the triage example with its Manual Trigger replaced by a Webhook node that responds with the items of
 * the node that ran last, so the HTTP response arrives only after the worker finished the execution.
 */
export function webhookTriageWorkflow(): WorkflowJson {
	const triage = loadWorkflows().find(({ workflow }) => workflow.id === 'iocTriageExample1')?.workflow;
	if (!triage) throw new Error('examples/ioc-triage.workflow.json (id iocTriageExample1) not found');

	const workflow = structuredClone(triage);
	const manualTrigger = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.manualTrigger');
	if (!manualTrigger) throw new Error('the triage example has no Manual Trigger to replace');

	const webhook = {
		id: 'f6c5b7d9-0001-4ebf-8a60-000000000001',
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: manualTrigger.position,
		webhookId: 'f6c5b7d9-0001-4ebf-8a60-0000000000a1',
		parameters: { httpMethod: 'POST', path: WEBHOOK_PATH, responseMode: 'lastNode', responseData: 'allEntries', options: {} },
	};
	workflow.nodes = workflow.nodes.map((node) => (node === manualTrigger ? webhook : node));
	workflow.connections = Object.fromEntries(
		Object.entries(workflow.connections).map(([name, outputs]) => [name === manualTrigger.name ? webhook.name : name, outputs]),
	);

	return { ...workflow, id: WORKFLOW_ID, name: 'IOC triage on a webhook (queue-mode e2e)', active: false };
}

/** Activates a workflow in the database before the main starts, so the main activates it on start. */
async function activate(main: N8nInstance, workflowId: string): Promise<void> {
	const result = await main.cli(['update:workflow', `--id=${workflowId}`, '--active=true']);
	if (result.code !== 0) throw new Error(`n8n update:workflow --id=${workflowId} --active=true failed: ${result.stderr || result.stdout}`);
}

interface StoredExecution {
	id: string;
	mode: string;
	run: WorkflowRun;
}

/**
 * Reads the last execution of a workflow from PostgreSQL once it has finished, with the `pg` and `flatted` that
 * n8n itself uses. Returns undefined when none appears within 60 s.
 */
async function readExecution(runtime: Runtime, port: number, workflowId: string): Promise<StoredExecution | undefined> {
	const flatted = requireFromN8n(runtime, 'flatted') as { parse(text: string): RawRun['data'] };

	let rows: ExecutionRow[] = [];
	try {
		await waitFor(`a finished execution of ${workflowId} in PostgreSQL`, 60_000, async () => {
			rows = await queryExecutions(runtime, port, workflowId);
			return rows.length > 0 && rows.every((row) => row.status !== 'running' && row.status !== 'new');
		});
	} catch {
		return undefined;
	}

	const row = rows[rows.length - 1];
	const raw: RawRun = {
		status: row.status,
		mode: row.mode,
		startedAt: toIso(row.startedAt),
		stoppedAt: toIso(row.stoppedAt),
		data: flatted.parse(row.data),
	};
	return { id: String(row.id), mode: row.mode, run: new WorkflowRun(raw) };
}

async function countExecutions(runtime: Runtime, port: number, workflowId: string): Promise<number> {
	return (await queryExecutions(runtime, port, workflowId)).length;
}

async function queryExecutions(runtime: Runtime, port: number, workflowId: string): Promise<ExecutionRow[]> {
	const { Client } = requireFromN8n(runtime, 'pg') as { Client: new (config: object) => PgClient };
	const client = new Client({ host: '127.0.0.1', port, user: 'postgres', database: DATABASE });

	await client.connect();
	try {
		const result = await client.query(
			`SELECT e.id, e.mode, e.status, e."startedAt", e."stoppedAt", d.data
			 FROM execution_entity e JOIN execution_data d ON d."executionId" = e.id
			 WHERE e."workflowId" = $1 ORDER BY e.id`,
			[workflowId],
		);
		return result.rows;
	} finally {
		await client.end();
	}
}

function requireFromN8n(runtime: Runtime, name: string): unknown {
	return require(require.resolve(name, { paths: [runtime.n8nPackageDir] })) as unknown;
}

interface ExecutionRow {
	id: number | string;
	mode: string;
	status: string;
	startedAt: Date | string | null;
	stoppedAt: Date | string | null;
	data: string;
}

interface PgClient {
	connect(): Promise<void>;
	query(text: string, values: unknown[]): Promise<{ rows: ExecutionRow[] }>;
	end(): Promise<void>;
}

/** Probes an HTTP endpoint; rejects when the process already exited, so a crash does not wait out the timeout. */
async function httpOk(url: string, child: ChildProcess): Promise<boolean> {
	if (child.exitCode !== null) throw new Error(`the n8n process exited with code ${child.exitCode} before ${url} responded`);
	const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
	return response.ok;
}

async function stopProcess(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	child.kill('SIGTERM');
	const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
	await exited;
	clearTimeout(timer);
}

function readText(file: string): string {
	return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

function toIso(value: Date | string | null): string | undefined {
	if (value === null) return undefined;
	return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}

function seconds(ms: number): number {
	return Math.round(ms / 100) / 10;
}
