/**
 * Workflows that start with the IOC Top Threats Trigger, a polling trigger. `n8n execute` cannot run them because
 * it needs a Manual Trigger, and outside manual mode n8n passes a poll node's input through without polling
 * (n8n-core 1.123.50, `WorkflowExecute.executePollNode`). So they run in the queue leg. There, activating a
 * workflow makes the main instance poll once right away (`ActiveWorkflows.activatePolling`), and the worker
 * executes what the poll emitted.
 */
import type { Checks } from './checks';
import type { WorkflowJson } from './n8n-instance';
import type { ItemJson, WorkflowRun } from './run-data';

const CLI_START_TYPES = ['n8n-nodes-base.manualTrigger', 'n8n-nodes-base.executeWorkflowTrigger'];
const TRIGGER_TYPE = 'n8n-nodes-fortianalyzer.iocTopThreatsTrigger';
const SEVERITY_RANK: Record<string, number> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };

/** Returns whether `n8n execute` can start the workflow, which needs a Manual or Execute Workflow Trigger. */
export function hasCliStart(workflow: WorkflowJson): boolean {
	return workflow.nodes.some((node) => CLI_START_TYPES.includes(node.type));
}

/** One activated copy of a polling workflow and whether its first poll must start an execution. */
export interface PollVariant {
	workflow: WorkflowJson;
	expectExecution: boolean;
}

export interface PollScenario {
	/** Returns the copies to import, each with its own id. */
	variants(workflow: WorkflowJson): PollVariant[];
	/** Checks the run of a variant that started an execution and returns details for the results file. */
	verify(run: WorkflowRun, checks: Checks): Record<string, unknown>;
}

const DIGEST_TRIGGER = 'Every morning: new and rising threats';

export const POLL_SCENARIOS: Record<string, PollScenario> = {
	iocDailyDigestExample1: {
		variants(workflow) {
			// As shipped, the first poll after activation only records a baseline. The copy that emits the current
			// threats on its first poll shows the rest of the workflow running on the worker.
			const emitting = structuredClone(workflow);
			const trigger = emitting.nodes.find((node) => node.type === TRIGGER_TYPE);
			if (trigger) trigger.parameters.firstRun = 'emitCurrent';
			return [
				{ workflow, expectExecution: false },
				{ workflow: { ...emitting, id: 'iocDigestEmit1', name: `${workflow.name} (first poll emits)` }, expectExecution: true },
			];
		},
		verify: verifyDigest,
	},
};

function verifyDigest(run: WorkflowRun, checks: Checks): Record<string, unknown> {
	const summaries = run.output(DIGEST_TRIGGER).map((item) => item.json);
	checks.equal('the trigger emitted one summary item', summaries.length, 1);
	const summary = summaries[0] ?? {};
	const threats = Array.isArray(summary.threats) ? (summary.threats as ItemJson[]) : [];

	checks.ok('the summary lists threats', threats.length > 0);
	checks.equal('threatCount = number of threats', summary.threatCount, threats.length);
	checks.equal('the summary is for the ADOM root', summary.adom, 'root');
	checks.ok('every threat is medium or above', threats.every((threat) => (SEVERITY_RANK[String(threat.severity)] ?? 0) >= SEVERITY_RANK.medium));
	checks.ok('every threat is new on the first poll', threats.every((threat) => threat.reason === 'new' && threat.previous === null));
	checks.equal('byReason counts them as new', (summary.byReason as ItemJson | undefined)?.new, threats.length);

	const digests = run.output('Compose the digest').map((item) => item.json);
	checks.equal('Compose the digest emitted one item', digests.length, 1);
	const subject = String(digests[0]?.subject ?? '');
	checks.ok('the subject names the ADOM and the count', subject.startsWith(`FortiAnalyzer ADOM root: ${threats.length} new or rising threats since `), subject);
	checks.equal('the text has one line per threat', String(digests[0]?.text ?? '').split('\n').length, threats.length);
	checks.equal('Post the digest received the digest', run.output('Post the digest').length, 1);

	return { threats: threats.length, subject };
}
