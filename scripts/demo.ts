/**
 * The demo: builds the package if needed, starts the FortiAnalyzer emulator on a free loopback port, runs
 * examples/ioc-triage.workflow.json through n8n's own execution engine with the built node, and prints each
 * threat with the branch it took. Needs no FortiAnalyzer and no network beyond loopback.
 */
import { execSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { DEFAULT_API_KEY, type RunningEmulator, startEmulator } from '../test/emulator';
import { type WorkflowJson } from '../test/engine/harness';

const root = path.resolve(__dirname, '..');
const builtNode = path.join(root, 'dist/nodes/FortiAnalyzer/IocTopThreats.node.js');
const workflowFile = path.join(root, 'examples/ioc-triage.workflow.json');

const NODE = {
	fortiAnalyzer: 'Top threats (last 24 h)',
	detectedCheck: 'Got through? (detected > 0)',
	severitySwitch: 'Route by severity',
	blocked: 'Blocked: log only',
};

interface ThreatRow {
	rank: number;
	threat: string;
	threattype: string;
	severity: string | null;
	incidents: number;
	blocked: number | null;
	detected: number | null;
	branch: string;
}

async function main(): Promise<void> {
	buildIfNeeded();

	// n8n-core reads its settings folder when it is first loaded, so the harness is required only now.
	const { createNodeTypes, runWorkflow } = await import('../test/engine/harness');
	const { IocTopThreats } = require(builtNode) as typeof import('../nodes/FortiAnalyzer/IocTopThreats.node');

	const emulator = await startEmulator({ taskDurationMs: 1200 });
	try {
		console.log(`FortiAnalyzer emulator listening on ${emulator.url}/jsonrpc`);
		const workflow = JSON.parse(fs.readFileSync(workflowFile, 'utf8')) as WorkflowJson;
		console.log(`Running "${workflow.name}" through n8n's workflow engine...\n`);

		const nodeTypes = createNodeTypes([{ type: 'n8n-nodes-fortianalyzer.iocTopThreats', nodeType: new IocTopThreats() }]);
		const run = await runWorkflow(workflow, {
			nodeTypes,
			credentials: {
				fortiAnalyzerApi: { baseUrl: emulator.url, authentication: 'apiKey', apiKey: DEFAULT_API_KEY, adom: 'root' },
			},
		});

		if (run.status !== 'success') {
			throw new Error(`The workflow ended with status ${run.status}: ${run.error?.message ?? 'no error message'}`);
		}

		const rows = threatRows(run);
		printTable(rows);
		printSummary(rows, emulator);
	} finally {
		await emulator.stop();
	}
}

/** Builds when dist is missing or older than any TypeScript source of the package. */
function buildIfNeeded(): void {
	const builtAt = fs.existsSync(builtNode) ? fs.statSync(builtNode).mtimeMs : 0;
	const newestSource = Math.max(...['nodes', 'credentials'].flatMap((folder) => sourceTimes(path.join(root, folder))));
	if (builtAt >= newestSource) return;

	console.log('Building the package (npm run build)...');
	execSync('npm run build --silent', { cwd: root, stdio: 'inherit' });
}

function sourceTimes(folder: string): number[] {
	return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
		const file = path.join(folder, entry.name);
		if (entry.isDirectory()) return sourceTimes(file);
		return /\.(ts|json|svg)$/.test(entry.name) ? [fs.statSync(file).mtimeMs] : [];
	});
}

type Run = Awaited<ReturnType<typeof import('../test/engine/harness').runWorkflow>>;

/** Joins every threat with the branch it reached, from the outputs of the IF and Switch nodes. */
function threatRows(run: Run): ThreatRow[] {
	const branchByRank = new Map<number, string>();
	const severityOutputs = ['Critical', 'High', 'Medium', 'Low', 'Info'];

	severityOutputs.forEach((name, outputIndex) => {
		for (const item of run.output(NODE.severitySwitch, outputIndex)) {
			branchByRank.set(Number(item.json.rank), `detected -> ${name}`);
		}
	});
	for (const item of run.output(NODE.blocked)) {
		branchByRank.set(Number(item.json.rank), 'blocked: log only');
	}

	return run.output(NODE.fortiAnalyzer).map(({ json }) => ({
		rank: Number(json.rank),
		threat: String(json.threat),
		threattype: String(json.threattype),
		severity: json.severity === null ? null : String(json.severity),
		incidents: Number(json.incidents),
		blocked: json.blocked === null ? null : Number(json.blocked),
		detected: json.detected === null ? null : Number(json.detected),
		branch: branchByRank.get(Number(json.rank)) ?? '(no branch)',
	}));
}

function printTable(rows: ThreatRow[]): void {
	const header = ['#', 'threat', 'type', 'severity', 'incidents', 'blocked', 'detected', 'branch'];
	const cells = rows.map((row) => [
		String(row.rank),
		truncate(row.threat, 46),
		truncate(row.threattype, 18),
		row.severity ?? '-',
		String(row.incidents),
		row.blocked === null ? '-' : String(row.blocked),
		row.detected === null ? '-' : String(row.detected),
		row.branch,
	]);
	const numeric = new Set([0, 4, 5, 6]);
	const widths = header.map((title, column) => Math.max(title.length, ...cells.map((line) => line[column].length)));
	const format = (line: string[]) =>
		line
			.map((cell, column) => (numeric.has(column) ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
			.join('  ')
			.trimEnd();

	console.log(format(header));
	console.log(widths.map((width) => '-'.repeat(width)).join('  '));
	for (const line of cells) console.log(format(line));
}

function printSummary(rows: ThreatRow[], emulator: RunningEmulator): void {
	const branches = new Map<string, number>();
	for (const row of rows) branches.set(row.branch, (branches.get(row.branch) ?? 0) + 1);

	console.log(`\n${rows.length} threats. Branches: ${[...branches].map(([branch, count]) => `${branch}: ${count}`).join(', ')}`);
	const { requests, tasksCreated, tasksDeleted } = emulator.counters;
	console.log(`FortiAnalyzer requests: ${requests}; tasks created: ${tasksCreated}, deleted: ${tasksDeleted}`);
}

function truncate(text: string, width: number): string {
	return text.length <= width ? text : `${text.slice(0, width - 1)}~`;
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(`Demo failed: ${error instanceof Error ? error.message : String(error)}`);
		process.exit(1);
	},
);
