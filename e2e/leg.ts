/**
 * One leg of the e2e run: one pinned n8n release in a fresh user folder, with the packed package installed as a
 * community package. Every workflow in `examples/` and the built-in comparison workflow are imported, run
 * headlessly against the emulator and checked.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { DEFAULT_API_KEY, DEFAULT_PASSWORD, DEFAULT_USERNAME, type RunningEmulator, startEmulator } from '../test/emulator';
import type { Checks } from './checks';
import { ensureRuntime, type Runtime, type RuntimeSpec } from './install-runtime';
import { type CredentialImport, N8nInstance, type WorkflowJson } from './n8n-instance';
import { hasCliStart, POLL_SCENARIOS } from './poll-scenarios';
import { SCENARIOS, type ScenarioContext } from './scenarios';
import { freePort } from './services';
import { startTicketStub } from './ticket-stub';

const ROOT = path.resolve(__dirname, '..');
const EXAMPLES_DIR = path.join(ROOT, 'examples');
const E2E_WORKFLOWS_DIR = path.join(__dirname, 'workflows');

/** The two workflows that do the same triage job, one with the IOC Top Threats node and one with built-in nodes. */
const COMPARED = { communityNode: 'iocTriageExample1', builtinNodes: 'builtinTriage1' } as const;

export interface WorkflowResult {
	id: string;
	name: string;
	file: string;
	status: string;
	/** Wall time of the `n8n execute` process, start-up included. */
	processSeconds: number;
	/** Wall time of the execution alone, from n8n's startedAt and stoppedAt. */
	executionSeconds: number | null;
	nodeExecutions: number;
	/** Nodes in the workflow, sticky notes left out. */
	workflowNodes: number;
	/** JSON-RPC requests the emulator received during the run. */
	emulatorRequests: number;
	details: Record<string, unknown>;
}

export interface LegResult {
	n8n: string;
	/** What `n8n --version` printed. */
	n8nReported: string;
	node: string;
	runtimeInstalled: boolean;
	runtimeSeconds: number;
	packageInstallSeconds: number;
	seconds: number;
	workflows: WorkflowResult[];
	comparison?: Record<string, unknown>;
}

/**
 * Loads the workflows of `examples/` and `e2e/workflows/`, with the file each came from, plus a copy of the
 * triage example that logs in with a user name and password instead of an API key.
 */
export function loadWorkflows(): Array<{ file: string; workflow: WorkflowJson }> {
	const fromFolder = (folder: string) =>
		fs
			.readdirSync(folder)
			.filter((name) => name.endsWith('.json'))
			.sort()
			.map((name) => ({
				file: path.relative(ROOT, path.join(folder, name)),
				workflow: JSON.parse(fs.readFileSync(path.join(folder, name), 'utf8')) as WorkflowJson,
			}));

	const workflows = [...fromFolder(EXAMPLES_DIR), ...fromFolder(E2E_WORKFLOWS_DIR)];
	const triage = workflows.find(({ workflow }) => workflow.id === COMPARED.communityNode);
	if (triage) workflows.push({ file: `${triage.file} (password login)`, workflow: withSessionCredential(triage.workflow) });
	return workflows;
}

/** Returns the triage example on the password credential, to check that each login is paired with a logout. */
function withSessionCredential(triage: WorkflowJson): WorkflowJson {
	const workflow = structuredClone(triage);
	for (const node of workflow.nodes) {
		if (node.credentials) node.credentials = { fortiAnalyzerApi: { id: SESSION_CREDENTIAL.id, name: SESSION_CREDENTIAL.name } };
	}
	return { ...workflow, id: 'iocTriageSession1', name: `${triage.name} (password login)` };
}

const SESSION_CREDENTIAL = { id: 'fazEmulatorSession1', name: 'FortiAnalyzer (password)' };

/** Returns the credentials the workflows reference, pointing at the emulator. */
export function emulatorCredentials(emulator: RunningEmulator): CredentialImport[] {
	return [
		{
			id: 'fazEmulatorCred1',
			name: 'FortiAnalyzer',
			type: 'fortiAnalyzerApi',
			data: {
				baseUrl: emulator.url,
				authentication: 'apiKey',
				apiKey: DEFAULT_API_KEY,
				adom: 'root',
				allowUnauthorizedCerts: false,
				caCertificate: '',
				fingerprint: '',
				timeout: 30,
			},
		},
		{
			...SESSION_CREDENTIAL,
			type: 'fortiAnalyzerApi',
			data: { baseUrl: emulator.url, authentication: 'password', username: DEFAULT_USERNAME, password: DEFAULT_PASSWORD, adom: 'root', timeout: 30 },
		},
		{
			id: 'fazHeaderAuthE2e1',
			name: 'FortiAnalyzer API key header',
			type: 'httpHeaderAuth',
			data: { name: 'Authorization', value: `Bearer ${DEFAULT_API_KEY}` },
		},
	];
}

export async function runLeg(spec: RuntimeSpec, tarball: string, checks: Checks, keepFolders: boolean): Promise<LegResult> {
	const startedAt = Date.now();
	console.log(`\n== n8n ${spec.n8n} (Node.js ${spec.node}) ==`);

	const runtime = await ensureRuntime(spec);
	const emulator = await startEmulator();
	const ticketStub = await startTicketStub();
	// n8n 2.x starts a task runner broker on 5679 by default; a free port lets two runs share the machine.
	const instance = N8nInstance.create(runtime, `n8n-${spec.n8n}`, { N8N_RUNNERS_BROKER_PORT: String(await freePort()) });
	const failedBefore = checks.failed;

	try {
		const n8nReported = await reportedVersion(runtime, instance);
		checks.equal('n8n --version', n8nReported, spec.n8n);

		const installStartedAt = Date.now();
		await instance.installPackage(tarball);
		const packageInstallSeconds = seconds(Date.now() - installStartedAt);
		console.log(`  installed ${path.basename(tarball)} into ${instance.userFolder}/.n8n/nodes (${packageInstallSeconds} s)`);

		const context: ScenarioContext = { emulator, ticketStub, instance };
		const workflows = headlessWorkflows(checks).map(({ file, workflow }) => {
			const scenario = SCENARIOS[workflow.id];
			return { file, workflow: scenario ? scenario.prepare(workflow, context) : workflow };
		});

		await instance.importCredentials(emulatorCredentials(emulator));
		await instance.importWorkflows(workflows.map(({ workflow }) => workflow));

		const results: WorkflowResult[] = [];
		for (const { file, workflow } of workflows) {
			const result = await runWorkflow(workflow, file, context, checks.child(workflow.id));
			if (result) results.push(result);
		}

		return {
			n8n: runtime.n8nVersion,
			n8nReported,
			node: runtime.nodeVersion,
			runtimeInstalled: runtime.installed,
			runtimeSeconds: seconds(runtime.installSeconds * 1000),
			packageInstallSeconds,
			seconds: seconds(Date.now() - startedAt),
			workflows: results,
			comparison: compare(results),
		};
	} finally {
		await emulator.stop();
		await ticketStub.stop();
		instance.remove(keepFolders && checks.failed > failedBefore);
	}
}

/**
 * Returns the workflows that `n8n execute` can start. A workflow that starts with a polling trigger is left to
 * the queue leg when `e2e/poll-scenarios.ts` has checks for it. Any other workflow without checks fails a check.
 */
function headlessWorkflows(checks: Checks): Array<{ file: string; workflow: WorkflowJson }> {
	return loadWorkflows().filter(({ file, workflow }) => {
		if (!hasCliStart(workflow) && POLL_SCENARIOS[workflow.id]) {
			console.log(`  skip  ${file}: no Manual Trigger, so it runs in the queue leg`);
			return false;
		}

		const hasChecks = SCENARIOS[workflow.id] !== undefined;
		checks.ok(`${file} has checks in e2e/scenarios.ts`, hasChecks, `no scenario for workflow id ${workflow.id}`);
		return true;
	});
}

async function runWorkflow(workflow: WorkflowJson, file: string, context: ScenarioContext, checks: Checks): Promise<WorkflowResult | undefined> {
	const scenario = SCENARIOS[workflow.id];
	const { emulator, ticketStub, instance } = context;

	emulator.setTaskDuration(scenario?.taskDurationMs ?? 1500);
	emulator.resetCounters();
	ticketStub.received.length = 0;

	let execution;
	try {
		execution = await instance.execute(workflow.id);
	} catch (error) {
		checks.fail('n8n execute', error);
		return undefined;
	}
	const { run, wallMs } = execution;
	const emulatorRequests = emulator.requests.length;

	checks.ok('run succeeded', run.status === 'success' && run.error === undefined, `status ${run.status}: ${run.error ?? ''}`);
	const details = scenario ? scenario.verify(run, context, checks) : {};

	return {
		id: workflow.id,
		name: workflow.name,
		file,
		status: run.status ?? 'unknown',
		processSeconds: seconds(wallMs),
		executionSeconds: run.executionMs === undefined ? null : seconds(run.executionMs),
		nodeExecutions: run.nodeExecutions,
		workflowNodes: workflow.nodes.filter((node) => node.type !== 'n8n-nodes-base.stickyNote').length,
		emulatorRequests,
		details,
	};
}

/** Returns the two triage runs side by side: the IOC Top Threats node against built-in nodes only. */
function compare(results: WorkflowResult[]): Record<string, unknown> | undefined {
	const pick = (id: string) => {
		const result = results.find((candidate) => candidate.id === id);
		if (!result) return undefined;
		const { processSeconds, executionSeconds, emulatorRequests, nodeExecutions, workflowNodes, details } = result;
		return { workflow: result.file, workflowNodes, processSeconds, executionSeconds, emulatorRequests, nodeExecutions, threats: details.threats, branches: details.branches };
	};

	const communityNode = pick(COMPARED.communityNode);
	const builtinNodes = pick(COMPARED.builtinNodes);
	if (!communityNode || !builtinNodes) return undefined;
	return { job: 'top threats of the last 24 h, IF detected > 0, Switch on severity', communityNode, builtinNodes };
}

async function reportedVersion(runtime: Runtime, instance: N8nInstance): Promise<string> {
	const result = await instance.cli(['--version'], 120_000);
	const match = /\d+\.\d+\.\d+/.exec(result.stdout);
	return match ? match[0] : `unreadable: ${result.stdout.trim() || result.stderr.trim()} (${runtime.n8nEntry})`;
}

function seconds(ms: number): number {
	return Math.round(ms / 100) / 10;
}
