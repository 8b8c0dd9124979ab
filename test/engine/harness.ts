// Must come first: it points n8n-core at a temporary user folder and sets up its services.
import './engine-services';

import { ExecutionLifecycleHooks, ExternalSecretsProxy, WorkflowExecute } from 'n8n-core';
import { createDeferredPromise, UserError, Workflow } from 'n8n-workflow';
import type {
	ExecutionError,
	ExecutionStatus,
	ICredentialType,
	IConnections,
	INode,
	INodeExecutionData,
	INodeTypes,
	IPinData,
	IRun,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
	Logger,
} from 'n8n-workflow';

import { indexCredentialTypes, InMemoryCredentialsHelper } from './credentials';
import type { CredentialsByType } from './credentials';
import { silentLogger, withRunLogger } from './logging';

export { createNodeTypes } from './node-types';
export type { NodeTypeSource } from './node-types';
export { createMemoryLogger, silentLogger } from './logging';
export type { LogEntry, LogEntryLevel, MemoryLogger } from './logging';
export { testCredential } from './credentials';
export type { CredentialsByType, CredentialTestOptions } from './credentials';

/** A workflow as n8n exports it. */
export interface WorkflowJson {
	id?: string;
	name: string;
	nodes: INode[];
	connections: IConnections;
	settings?: IWorkflowSettings;
	pinData?: IPinData;
}

export interface RunOptions {
	nodeTypes: INodeTypes;
	/** Credential data by credential type name, e.g. `{ fortiAnalyzerApi: { baseUrl: ... } }`. */
	credentials?: CredentialsByType;
	/**
	 * Credential types whose defaults and authentication rules apply, as n8n applies them. Needed
	 * only when a node authenticates through n8n's request helpers or relies on credential defaults.
	 */
	credentialTypes?: ICredentialType[];
	/**
	 * Name of the node the run starts from. By default the workflow's Manual Trigger, or without
	 * one the start node that n8n-core picks.
	 */
	startNode?: string;
	/** Time zone of the workflow settings. Defaults to the workflow's own setting, else 'UTC'. */
	timezone?: string;
	/** Logger for what nodes log through `this.logger` and what the engine logs. By default nothing is kept. */
	logger?: Logger;
}

export interface WorkflowRun {
	status: ExecutionStatus;
	run: IRun;
	/** The run's error, if any. */
	error?: ExecutionError;
	/** Items of one output of one run of a node. Empty when the node did not run or the output is empty. */
	output(nodeName: string, outputIndex?: number, runIndex?: number): INodeExecutionData[];
	/** Names of the nodes that ran, in the order they started. A node that ran twice appears twice. */
	executedNodes(): string[];
	/** Error of the node's latest run that failed. */
	nodeError(nodeName: string): ExecutionError | undefined;
}

export interface RunningWorkflow {
	result: Promise<WorkflowRun>;
	/**
	 * Cancels the execution the way n8n's "Stop" does: the abort signal that nodes get from
	 * `getExecutionCancelSignal()` fires, no further node starts, and the status becomes
	 * 'canceled'. `result` resolves once the running node has returned or thrown, so a node that
	 * ignores the signal delays it. Has no effect after the run has ended.
	 */
	cancel(): void;
}

const MANUAL_TRIGGER_TYPE = 'n8n-nodes-base.manualTrigger';

// No server listens on these URLs. They only give `$execution.resumeUrl` and similar values a loopback form.
const INSTANCE_BASE_URL = 'http://127.0.0.1:5678';

let executionCount = 0;

/**
 * Starts `workflowJson` on n8n-core's `WorkflowExecute` in 'manual' mode, as the editor's
 * "Execute workflow" does. Throws before anything runs when the workflow cannot start, e.g. on
 * an unknown node type, an unknown `startNode` or a node with parameter issues.
 */
export function startWorkflow(workflowJson: WorkflowJson, options: RunOptions): RunningWorkflow {
	return withRunLogger(options.logger ?? silentLogger, () => start(workflowJson, options));
}

export async function runWorkflow(workflowJson: WorkflowJson, options: RunOptions): Promise<WorkflowRun> {
	return await startWorkflow(workflowJson, options).result;
}

function start(workflowJson: WorkflowJson, options: RunOptions): RunningWorkflow {
	executionCount += 1;
	const executionId = `harness-${executionCount}`;

	const workflow = createWorkflow(workflowJson, options);
	const startNode = findStartNode(workflow, options.startNode);

	const hooks = new ExecutionLifecycleHooks('manual', executionId, describeWorkflow(workflow));
	const afterRunHookCalled = createDeferredPromise<IRun>();
	hooks.addHandler('workflowExecuteAfter', (run) => afterRunHookCalled.resolve(run));

	const credentialsHelper = new InMemoryCredentialsHelper(
		options.credentials ?? {},
		indexCredentialTypes(options.credentialTypes),
	);
	const additionalData = createAdditionalData(executionId, hooks, credentialsHelper);

	const execution = new WorkflowExecute(additionalData, 'manual').run(
		workflow,
		startNode,
		undefined,
		workflowJson.pinData,
	);

	// On cancel, n8n-core 1.122 calls the after-run hook at once with status 'canceled', before
	// the running node has returned. Its own promise resolves later, once that node has ended,
	// with the same status plus the node's task and the cancellation error. The result waits for
	// both, so it contains the complete run and no engine work is left behind it.
	const result = (async () => {
		const [run] = await Promise.all([execution, afterRunHookCalled.promise]);
		return toWorkflowRun(run);
	})();

	return { result, cancel: () => execution.cancel() };
}

function createWorkflow(workflowJson: WorkflowJson, options: RunOptions): Workflow {
	// The Workflow constructor fills parameter defaults into the nodes it is given, so it gets a copy.
	const { nodes, connections, settings, pinData } = structuredClone(workflowJson);

	return new Workflow({
		id: workflowJson.id ?? 'harness-workflow',
		name: workflowJson.name,
		nodes,
		connections,
		active: false,
		nodeTypes: options.nodeTypes,
		settings: { ...settings, timezone: options.timezone ?? settings?.timezone ?? 'UTC' },
		pinData,
	});
}

function findStartNode(workflow: Workflow, startNodeName: string | undefined): INode | undefined {
	if (startNodeName !== undefined) {
		const node = workflow.getNode(startNodeName);
		if (node === null) {
			throw new UserError(`Start node "${startNodeName}" is not in workflow "${workflow.name ?? ''}"`);
		}
		return node;
	}

	// Without a Manual Trigger the engine picks the start node itself, as n8n does.
	return Object.values(workflow.nodes).find((node) => node.type === MANUAL_TRIGGER_TYPE && node.disabled !== true);
}

function describeWorkflow(workflow: Workflow): IWorkflowBase {
	const now = new Date();
	return {
		id: workflow.id,
		name: workflow.name ?? '',
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: now,
		updatedAt: now,
		nodes: Object.values(workflow.nodes),
		connections: workflow.connectionsBySourceNode,
		settings: workflow.settings,
	};
}

/** Builds the additional data n8n-core needs to run nodes; runs without hooks (polls) leave them out. */
export function createAdditionalData(
	executionId: string,
	hooks: ExecutionLifecycleHooks | undefined,
	credentialsHelper: InMemoryCredentialsHelper,
): IWorkflowExecuteAdditionalData {
	return {
		executionId,
		hooks,
		credentialsHelper,
		currentNodeExecutionIndex: 0,
		variables: {},
		externalSecretsProxy: new ExternalSecretsProxy(),
		restApiUrl: `${INSTANCE_BASE_URL}/rest`,
		instanceBaseUrl: `${INSTANCE_BASE_URL}/`,
		formWaitingBaseUrl: `${INSTANCE_BASE_URL}/form-waiting`,
		webhookBaseUrl: `${INSTANCE_BASE_URL}/webhook`,
		webhookWaitingBaseUrl: `${INSTANCE_BASE_URL}/webhook-waiting`,
		webhookTestBaseUrl: `${INSTANCE_BASE_URL}/webhook-test`,
		executeWorkflow: async () => {
			throw new UserError('Sub-workflow executions are not available in the test harness');
		},
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new UserError('Task runners (Code node) are not available in the test harness');
		},
	};
}

function toWorkflowRun(run: IRun): WorkflowRun {
	const { runData, error } = run.data.resultData;

	return {
		status: run.status,
		run,
		error,
		output: (nodeName, outputIndex = 0, runIndex = 0) =>
			runData[nodeName]?.[runIndex]?.data?.main?.[outputIndex] ?? [],
		executedNodes: () =>
			Object.entries(runData)
				.flatMap(([nodeName, tasks]) => tasks.map((task) => ({ nodeName, index: task.executionIndex })))
				.sort((a, b) => a.index - b.index)
				.map(({ nodeName }) => nodeName),
		nodeError: (nodeName) => {
			const failed = (runData[nodeName] ?? []).filter((task) => task.error !== undefined);
			return failed.at(-1)?.error;
		},
	};
}
