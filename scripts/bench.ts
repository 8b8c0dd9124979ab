/**
 * Benchmarks of waiting, the data path, Return All and item concurrency, each beside its baseline measured in
 * the same run against the same FortiAnalyzer emulator. Writes bench/results.json (or, with --smoke, a small
 * run to the system's temp folder) and prints a table with our figure, the baseline and their ratio.
 *
 * Run: npm run bench [-- --smoke]
 */
import axios from 'axios';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { type INodeParameters, sleepWithAbort } from 'n8n-workflow';

import {
	ALL_DEVICES,
	FortiAnalyzerClient,
	relativeTimeRange,
	type TopThreatsQuery,
	waitForTask,
} from '../nodes/FortiAnalyzer/client';
import { threatOutput } from '../nodes/FortiAnalyzer/helpers/output';
import { DEFAULT_API_KEY, type RunningEmulator, startEmulator } from '../test/emulator';
import { apiKeyCredential, iocWorkflow, nodeTypes, passwordCredential, credentialTypes } from '../test/engine/ioc-workflow';
import { runWorkflow } from '../test/engine/harness';

const smoke = process.argv.includes('--smoke');
const resultsFile = smoke ? path.join(os.tmpdir(), 'n8n-nodes-fortianalyzer-bench.smoke.json') : path.resolve(__dirname, '../bench/results.json');

interface Row {
	group: string;
	scenario: string;
	metric: string;
	ours: number;
	baseline: number;
	baselineName: string;
	/** ours / baseline; below 1 means ours is smaller (fewer requests, less time). */
	ratio: number;
	target?: string;
	met?: boolean;
}

const rows: Row[] = [];

function record(row: Omit<Row, 'ratio'>): void {
	rows.push({ ...row, ratio: row.baseline === 0 ? NaN : round(row.ours / row.baseline, 3) });
}

function round(value: number, digits = 1): number {
	const factor = 10 ** digits;
	return Math.round(value * factor) / factor;
}

function query(overrides: Partial<TopThreatsQuery> = {}): TopThreatsQuery {
	return { timeRange: relativeTimeRange(24, 'hours', 'UTC', new Date()), devices: [ALL_DEVICES], limit: 1000, ...overrides };
}

function apiKeyClient(emulator: RunningEmulator): FortiAnalyzerClient {
	return new FortiAnalyzerClient(
		{ baseUrl: emulator.url, auth: { method: 'apiKey', apiKey: DEFAULT_API_KEY }, tls: { verify: true }, timeoutMs: 30_000, maxSockets: 8 },
		{ sleep: sleepWithAbort },
	);
}

// ---------------------------------------------------------------------------------------------------------------
// Waiting: adaptive polling against fixed 1-second polling and the fetch-check-retry pattern with backoff.

type Strategy = (client: FortiAnalyzerClient, tid: number, createdAt: number) => Promise<number>;

/** Returns the number of fetches once the task is seen done. It passes `createdAt`, as Get Top Threats does. */
const adaptive: Strategy = async (client, tid, createdAt) =>
	(await waitForTask(client, 'root', tid, { maxWaitMs: 120_000, sleep: sleepWithAbort, createdAt })).polls;

const fixedOneSecond: Strategy = async (client, tid) => {
	for (let polls = 1; ; polls++) {
		if ((await client.fetchTopThreatsTask('root', tid)).done) return polls;
		await sleepWithAbort(1000);
	}
};

/** The pattern of FortiAnalyzer's API how-to examples: fetch, check the status, and retry after a pause that doubles. */
const exponentialBackoff: Strategy = async (client, tid) => {
	for (let polls = 1; ; polls++) {
		if ((await client.fetchTopThreatsTask('root', tid)).done) return polls;
		await sleepWithAbort(1000 * 2 ** (polls - 1));
	}
};

async function measureWait(emulator: RunningEmulator, strategy: Strategy, durationMs: number) {
	const client = apiKeyClient(emulator);
	try {
		const tid = await client.createTopThreatsTask('root', query());
		const createdAt = Date.now();
		const finishedAt = createdAt + durationMs;
		const polls = await strategy(client, tid, createdAt);
		await client.cancelTopThreatsTask('root', tid);
		return { polls, latencyMs: Math.max(0, Date.now() - finishedAt) };
	} finally {
		await client.close();
	}
}

async function benchWaiting(): Promise<void> {
	const durations = smoke ? [300, 1000] : [300, 3000, 30000];

	for (const durationMs of durations) {
		const emulator = await startEmulator({ taskDurationMs: durationMs });
		try {
			const [ours, fixed, backoff] = await Promise.all([
				measureWait(emulator, adaptive, durationMs),
				measureWait(emulator, fixedOneSecond, durationMs),
				measureWait(emulator, exponentialBackoff, durationMs),
			]);
			const latencyTarget = Math.max(200, durationMs / 10);
			const scenario = `task of ${durationMs / 1000} s`;

			record({
				group: 'waiting',
				scenario,
				metric: 'fetches until done',
				ours: ours.polls,
				baseline: fixed.polls,
				baselineName: 'fixed 1 s polling',
				target: durationMs >= 3000 ? '<= 0.5x' : undefined,
				met: durationMs >= 3000 ? ours.polls <= fixed.polls / 2 : undefined,
			});
			record({
				group: 'waiting',
				scenario,
				metric: 'ms from task done to seen done',
				ours: ours.latencyMs,
				baseline: fixed.latencyMs,
				baselineName: 'fixed 1 s polling',
				target: `<= ${latencyTarget} ms`,
				met: ours.latencyMs <= latencyTarget,
			});
			record({
				group: 'waiting',
				scenario,
				metric: 'ms from task done to seen done',
				ours: ours.latencyMs,
				baseline: backoff.latencyMs,
				baselineName: 'fetch-check-retry, backoff from 1 s',
			});
			record({
				group: 'waiting',
				scenario,
				metric: 'fetches until done',
				ours: ours.polls,
				baseline: backoff.polls,
				baselineName: 'fetch-check-retry, backoff from 1 s',
			});
		} finally {
			await emulator.stop();
		}
	}
}

// ---------------------------------------------------------------------------------------------------------------
// Data path: one 1,000-row page turned into n8n items, against a bare axios POST and JSON.parse of that page.

async function benchDataPath(): Promise<void> {
	const iterations = smoke ? 10 : 200;
	const emulator = await startEmulator({ taskDurationMs: 0, adoms: ['root', 'bulk'], bulkThreats: { bulk: 1000 } });
	const client = apiKeyClient(emulator);
	const agent = new http.Agent({ keepAlive: true });
	try {
		const tid = await client.createTopThreatsTask('bulk', query());
		const body = { id: 1, jsonrpc: '2.0', method: 'get', params: [{ url: `/fortiview/adom/bulk/top-threats/run/${tid}`, apiver: 3 }] };
		const output = { mode: 'perThreat' as const, minimumSeverity: 'info' as const, onlyDetected: false, includeRaw: false };

		const bare = async () => {
			const response = await axios.post<string>(`${emulator.url}/jsonrpc`, body, {
				httpAgent: agent,
				responseType: 'text',
				transformResponse: [(data: unknown) => data],
				headers: { Authorization: `Bearer ${DEFAULT_API_KEY}` },
			});
			return (JSON.parse(response.data) as { result: { data: unknown[] } }).result.data.length;
		};
		const ours = async () => {
			const result = await client.fetchTopThreatsTask('bulk', tid);
			return threatOutput(result, output).map((json) => ({ json, pairedItem: { item: 0 } })).length;
		};

		const oursTimes: number[] = [];
		const bareTimes: number[] = [];
		for (let index = 0; index < iterations + 5; index++) {
			// Alternating the order spreads warm-up and machine noise over both sides.
			const pair = index % 2 === 0 ? [ours, bare] : [bare, ours];
			for (const run of pair) {
				const startedAt = process.hrtime.bigint();
				const count = await run();
				const elapsedMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
				if (count !== 1000) throw new Error(`Expected 1000 rows, got ${count}`);
				if (index >= 5) (run === ours ? oursTimes : bareTimes).push(elapsedMs);
			}
		}

		const oursMedian = median(oursTimes);
		const bareMedian = median(bareTimes);
		record({
			group: 'data path',
			scenario: '1,000-row page to items',
			metric: 'median ms per page',
			ours: round(oursMedian, 2),
			baseline: round(bareMedian, 2),
			baselineName: 'bare axios POST + JSON.parse',
			target: '<= 1.5x',
			met: oursMedian <= bareMedian * 1.5,
		});
	} finally {
		agent.destroy();
		await client.close();
		await emulator.stop();
	}
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

// ---------------------------------------------------------------------------------------------------------------
// Return All: paging through many rows through n8n's engine; memory follows the rows kept.

function heapUsed(): number {
	const gc = (globalThis as { gc?: () => void }).gc;
	gc?.();
	gc?.();
	return process.memoryUsage().heapUsed;
}

async function returnAllRun(emulator: RunningEmulator, outputOptions: INodeParameters) {
	const before = heapUsed();
	const startedAt = Date.now();
	const run = await runWorkflow(
		iocWorkflow({
			steps: [
				{
					parameters: {
						operation: 'getTopThreats',
						adom: 'bulk',
						returnAll: true,
						outputOptions,
						waitOptions: { minPollIntervalMs: 50 },
					},
				},
			],
		}),
		{ nodeTypes, credentialTypes, credentials: { fortiAnalyzerApi: apiKeyCredential(emulator) } },
	);
	const elapsedMs = Date.now() - startedAt;
	if (run.status !== 'success') throw new Error(`Return All run failed: ${run.error?.message}`);
	const kept = run.output('IOC Top Threats').length;
	const grownBytes = heapUsed() - before;

	return { kept, elapsedMs, grownBytes, run };
}

/** Heap bytes per row of plain copies of the threat objects: what holding just the rows costs. */
function bytesPerPlainRow(threats: unknown[]): number {
	const before = heapUsed();
	const copies = structuredClone(threats);
	const grown = heapUsed() - before;
	if (copies.length !== threats.length) throw new Error('structuredClone lost rows');

	return grown / threats.length;
}

async function benchReturnAll(): Promise<void> {
	// Heap figures for fewer rows drown in garbage collection noise, so the full run measures 20,000 rows.
	const rowCounts = smoke ? [3000] : [20000];

	for (const rowCount of rowCounts) {
		const emulator = await startEmulator({ taskDurationMs: 200, adoms: ['root', 'bulk'], bulkThreats: { bulk: rowCount } });
		try {
			const all = await returnAllRun(emulator, {});
			const pages = emulator.counters.tasksCreated;
			if (all.kept !== rowCount) throw new Error(`Return All kept ${all.kept} of ${rowCount} rows`);
			const plainBytes = bytesPerPlainRow(all.run.output('IOC Top Threats').map((item) => item.json));
			const scenario = `${rowCount.toLocaleString('en-US')} rows, ${pages} pages`;

			record({
				group: 'return all',
				scenario,
				metric: 'heap bytes retained per row',
				ours: round(all.grownBytes / all.kept),
				baseline: round(plainBytes),
				baselineName: 'one plain copy of each threat object',
				target: '< 2x (no extra copies)',
				met: all.grownBytes / all.kept < 2 * plainBytes,
			});
			record({
				group: 'return all',
				scenario,
				metric: 'ms for all pages',
				ours: all.elapsedMs,
				baseline: pages * 200,
				baselineName: 'sum of task durations (lower bound)',
			});
			if (emulator.counters.tasksOpen !== 0) throw new Error('Return All left tasks open');
		} finally {
			await emulator.stop();
		}
	}
}

// ---------------------------------------------------------------------------------------------------------------
// Concurrency: several input items, bounded parallel items against one item after another.

async function concurrencyRun(itemCount: number, parallelItems: number) {
	const emulator = await startEmulator({ taskDurationMs: 1000 });
	try {
		const startedAt = Date.now();
		const run = await runWorkflow(
			iocWorkflow({
				inputItems: Array.from({ length: itemCount }, (_, index) => ({ index })),
				steps: [{ parameters: { operation: 'getTopThreats', limit: 10, executionOptions: { parallelItems } } }],
			}),
			{ nodeTypes, credentialTypes, credentials: { fortiAnalyzerApi: passwordCredential(emulator) } },
		);
		if (run.status !== 'success') throw new Error(`Concurrency run failed: ${run.error?.message}`);
		const { logins, connections, tasksOpen, openSessions } = emulator.counters;
		if (tasksOpen !== 0 || openSessions !== 0) throw new Error('Concurrency run left tasks or sessions open');

		return { elapsedMs: Date.now() - startedAt, logins, connections };
	} finally {
		await emulator.stop();
	}
}

async function benchConcurrency(): Promise<void> {
	const itemCounts = smoke ? [1, 4] : [1, 10, 50];
	const parallelItems = 2;

	for (const itemCount of itemCounts) {
		const ours = await concurrencyRun(itemCount, parallelItems);
		const sequential = await concurrencyRun(itemCount, 1);
		const scenario = `${itemCount} input item${itemCount === 1 ? '' : 's'}, 1 s tasks`;

		record({ group: 'concurrency', scenario, metric: 'ms wall time', ours: ours.elapsedMs, baseline: sequential.elapsedMs, baselineName: 'one item after another' });
		record({
			group: 'concurrency',
			scenario,
			metric: 'TCP connections',
			ours: ours.connections,
			baseline: sequential.connections,
			baselineName: 'one item after another',
			target: `<= ${parallelItems}`,
			met: ours.connections <= parallelItems,
		});
		record({ group: 'concurrency', scenario, metric: 'logins', ours: ours.logins, baseline: sequential.logins, baselineName: 'one item after another', target: '1', met: ours.logins === 1 });
	}
}

// ---------------------------------------------------------------------------------------------------------------

function printTable(): void {
	const header = ['group', 'scenario', 'metric', 'ours', 'baseline', 'ratio', 'target', 'baseline is'];
	const lines = rows.map((row) => [
		row.group,
		row.scenario,
		row.metric,
		String(row.ours),
		String(row.baseline),
		Number.isNaN(row.ratio) ? '-' : `${row.ratio}x`,
		row.target ? `${row.target}${row.met === undefined ? '' : row.met ? ' met' : ' MISSED'}` : '',
		row.baselineName,
	]);
	const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column].length)));
	const format = (line: string[]) => line.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();

	console.log(format(header));
	console.log(widths.map((width) => '-'.repeat(width)).join('  '));
	for (const line of lines) console.log(format(line));
}

async function main(): Promise<void> {
	const startedAt = new Date();
	// BENCH_GROUPS=waiting,concurrency runs only those groups, e.g. while tuning one of them.
	const only = process.env.BENCH_GROUPS?.split(',');
	const groups: Array<[string, () => Promise<void>]> = [
		['waiting', benchWaiting],
		['data path', benchDataPath],
		['return all', benchReturnAll],
		['concurrency', benchConcurrency],
	];
	for (const [name, run] of groups) {
		if (!only || only.includes(name)) await run();
	}

	const results = {
		generatedAt: startedAt.toISOString(),
		mode: smoke ? 'smoke' : 'full',
		machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: round(os.totalmem() / 2 ** 30), node: process.version },
		gcExposed: typeof (globalThis as { gc?: unknown }).gc === 'function',
		rows,
	};
	fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
	fs.writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);

	printTable();
	console.log(`\nResults written to ${resultsFile}`);
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(`Benchmark failed: ${error instanceof Error ? error.stack : String(error)}`);
		process.exit(1);
	},
);
