/**
 * Workflows for the fault matrix and the soak run, which run the IOC Top Threats node through n8n-core's engine
 * against the emulator. Helpers check that no session, task or connection is left open, and collect everything a
 * run showed for the secret scan.
 */
import { inspect } from 'node:util';

import type { ExecutionError, ICredentialDataDecryptedObject, IDataObject, INode, INodeParameters } from 'n8n-workflow';

import { FortiAnalyzerApi } from '../../credentials/FortiAnalyzerApi.credentials';
import { IocTopThreats } from '../../nodes/FortiAnalyzer/IocTopThreats.node';
import { DEFAULT_API_KEY, DEFAULT_PASSWORD, DEFAULT_USERNAME, type RunningEmulator } from '../emulator';
import { createMemoryLogger, createNodeTypes, type MemoryLogger, runWorkflow, type WorkflowJson, type WorkflowRun } from '../engine/harness';

const IOC_NODE_TYPE = 'n8n-nodes-fortianalyzer.iocTopThreats';

export const TRIGGER = 'Start';
export const GET_TOP_THREATS = 'Get Top Threats';
export const CREATE_TASK = 'Create Task';
export const WAIT_UNTIL_DONE = 'Wait Until Done';
export const FETCH_RESULTS = 'Fetch Results';
export const CANCEL_TASK = 'Cancel Task';

/** A FortiView fetch or delete of one task: `/fortiview/adom/<adom>/top-threats/run/<tid>`. */
export const TASK_URL = /\/top-threats\/run\/\d+$/;

/** A task creation: `/fortiview/adom/<adom>/top-threats/run`. */
export const RUN_URL = /\/top-threats\/run$/;

/** The window every test requests, fixed so that the emulator returns the same rows on every run. */
export const TIME_RANGE: INodeParameters = { timeRangeType: 'absolute', start: '2024-05-01T00:00:00', end: '2024-05-02T00:00:00' };

/** Polls quickly, so that the tests spend their time on faults rather than on pauses. */
export const FAST_WAIT: INodeParameters = { maxWaitSeconds: 20, minPollIntervalMs: 50, maxPollIntervalSeconds: 0.2 };

export const nodeTypes = createNodeTypes([{ type: IOC_NODE_TYPE, nodeType: new IocTopThreats() }]);

const credentialTypes = [new FortiAnalyzerApi()];

export type Auth = 'apiKey' | 'password';

export function credentialFor(emulator: RunningEmulator, auth: Auth, overrides: ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject {
	const common = { baseUrl: emulator.url, adom: 'root', timeout: 5 };
	if (auth === 'apiKey') return { ...common, authentication: 'apiKey', apiKey: DEFAULT_API_KEY, ...overrides };

	return { ...common, authentication: 'password', username: DEFAULT_USERNAME, password: DEFAULT_PASSWORD, ...overrides };
}

export interface WorkflowOptions {
	/** Parameters added to the node that does the work (Get Top Threats, or Wait Until Done). */
	parameters?: INodeParameters;
	/** Parameters added to Create Task, for the Wait Until Done workflow. */
	createParameters?: INodeParameters;
	/** Turns an item's failure into an error item, so that the next item still runs. */
	continueOnFail?: boolean;
	/** Input items of the first IOC node; one empty item by default. */
	inputItems?: IDataObject[];
	/** Wait Until Done only: poll this tid instead of creating a task first. */
	tid?: number;
	/** Wait Until Done only: end the workflow after Wait Until Done, without Cancel Task. */
	withoutCancelTask?: boolean;
}

/** Manual Trigger → Get Top Threats. */
export function getTopThreatsWorkflow(options: WorkflowOptions = {}): WorkflowJson {
	const getTopThreats = iocNode(GET_TOP_THREATS, {
		operation: 'getTopThreats',
		...TIME_RANGE,
		limit: 20,
		waitOptions: FAST_WAIT,
		...options.parameters,
	}, options.continueOnFail);

	return chain([trigger(), getTopThreats], options.inputItems);
}

/**
 * Manual Trigger → Create Task → Wait Until Done (one summary item) → Cancel Task. Wait Until Done leaves a
 * finished task for Fetch Results, so the workflow deletes it with Cancel Task, as a user's workflow would.
 * Wait Until Done itself cancels the task when it gives up.
 */
export function waitUntilDoneWorkflow(options: WorkflowOptions = {}): WorkflowJson {
	const waitUntilDone = iocNode(WAIT_UNTIL_DONE, {
		operation: 'waitUntilDone',
		tid: options.tid ?? '={{ $json.tid }}',
		waitOptions: FAST_WAIT,
		outputOptions: { outputMode: 'summary' },
		...options.parameters,
	}, options.continueOnFail);
	const cancelTask = iocNode(CANCEL_TASK, { operation: 'cancelTask', tid: '={{ $json.tid }}' });

	const tail = options.withoutCancelTask ? [waitUntilDone] : [waitUntilDone, cancelTask];
	if (options.tid !== undefined) return chain([trigger(), ...tail], options.inputItems);

	const createTask = iocNode(CREATE_TASK, { operation: 'createTask', ...TIME_RANGE, limit: 20, ...options.createParameters });
	return chain([trigger(), createTask, ...tail], options.inputItems);
}

/** Manual Trigger → Create Task → Fetch Results (threats, or a status item while not done) → Cancel Task. */
export function fetchResultsWorkflow(options: WorkflowOptions = {}): WorkflowJson {
	const createTask = iocNode(CREATE_TASK, { operation: 'createTask', ...TIME_RANGE, limit: 20, ...options.createParameters });
	const fetchResults = iocNode(
		FETCH_RESULTS,
		{ operation: 'fetchResults', tid: '={{ $json.tid }}', whenNotDone: 'statusItem', ...options.parameters },
		options.continueOnFail,
	);
	const cancelTask = iocNode(CANCEL_TASK, { operation: 'cancelTask', tid: '={{ $json.tid }}' });

	return chain([trigger(), createTask, fetchResults, cancelTask], options.inputItems);
}

function trigger(): INode {
	return { id: 'start-id', name: TRIGGER, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
}

function iocNode(name: string, parameters: INodeParameters, continueOnFail = false): INode {
	const node: INode = {
		id: `${name.replace(/\W+/g, '-').toLowerCase()}-id`,
		name,
		type: IOC_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters,
		credentials: { fortiAnalyzerApi: { id: 'emulator-credential', name: 'FortiAnalyzer emulator' } },
	};
	if (continueOnFail) node.onError = 'continueRegularOutput';

	return node;
}

/** Connects the nodes in a line; the trigger's output is pinned when input items are given. */
function chain(nodes: INode[], inputItems: IDataObject[] | undefined): WorkflowJson {
	const connections: WorkflowJson['connections'] = {};
	for (let index = 0; index < nodes.length - 1; index++) {
		connections[nodes[index].name] = { main: [[{ node: nodes[index + 1].name, type: 'main', index: 0 }]] };
	}
	const pinData = inputItems === undefined ? undefined : { [TRIGGER]: inputItems.map((json) => ({ json })) };

	return { name: 'IOC Top Threats fault test', nodes, connections, settings: { executionOrder: 'v1' }, pinData };
}

export interface FaultRun {
	run: WorkflowRun;
	logger: MemoryLogger;
}

/** Runs a workflow with the emulator's credential and keeps every log line the run wrote. */
export async function runAgainst(workflow: WorkflowJson, credential: ICredentialDataDecryptedObject): Promise<FaultRun> {
	const logger = createMemoryLogger();
	const run = await runWorkflow(workflow, { nodeTypes, credentialTypes, credentials: { fortiAnalyzerApi: credential }, logger });

	return { run, logger };
}

/** Returns the error a node failed with. Throws when the node did not fail, so that the test names what it expected. */
export function nodeErrorOf(run: WorkflowRun, nodeName: string): ExecutionError {
	const error = run.nodeError(nodeName);
	if (error === undefined) throw new Error(`Expected node "${nodeName}" to fail, but the run ended ${run.status}`);

	return error;
}

/** Returns the kind of client error behind a node error (`http`, `timeout`, ...), as `errorDetails` stored it. */
export function errorKindOf(error: ExecutionError): unknown {
	const response = (error as { errorResponse?: { kind?: unknown } }).errorResponse;

	return response?.kind;
}

/** The fields of a canonical threat that a fault-free run of the same query reproduces; tid and timings differ. */
const THREAT_FIELDS = [
	'rank', 'threat', 'threattype', 'severity', 'incidents', 'blocked', 'detected', 'sources', 'destinations', 'threatweight', 'adom',
];

/** Reduces the threats of a run's output to the fields that a fault-free run of the same query reproduces. */
export function threatRows(items: IDataObject[]): IDataObject[] {
	return items.map((item) => Object.fromEntries(THREAT_FIELDS.map((field) => [field, item[field]])));
}

/** Returns the threats of the summary item that Wait Until Done emits. */
export function summaryThreats(run: WorkflowRun): IDataObject[] {
	const [summary] = run.output(WAIT_UNTIL_DONE);
	if (summary === undefined) throw new Error(`${WAIT_UNTIL_DONE} emitted no summary item; the run ended ${run.status}`);

	return threatRows(summary.json.threats as IDataObject[]);
}

/** Everything a user or an operator could see of a run: items, errors with stacks, and every log line. */
export function visibleText({ run, logger }: FaultRun): string {
	const { runData, error } = run.run.data.resultData;
	const errors = [error, ...Object.values(runData).flatMap((tasks) => tasks.map((task) => task.error))].filter(
		(candidate): candidate is ExecutionError => candidate !== undefined,
	);
	const errorTexts = errors.map((candidate) =>
		[candidate.message, candidate.description ?? '', candidate.stack ?? '', inspect(candidate, { depth: 8 })].join('\n'),
	);
	const logLines = logger.entries.map((entry) => `${entry.level} ${entry.message} ${inspect(entry.metadata, { depth: 8 })}`);

	return [inspect(runData, { depth: 12 }), JSON.stringify(runData), ...errorTexts, ...logLines].join('\n');
}

/** Resolves once `condition` holds, checking every 10 ms, or returns after `timeoutMs` so the caller's assert explains. */
export async function settle(condition: () => boolean, timeoutMs = 2000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** What an emulator has left open: sessions no logout closed, tasks no delete removed, and sockets. */
export interface Leftovers {
	/** Sessions neither logged out nor made stale by the test. */
	openSessions: number;
	/** Sessions that ended without a logout; only the test itself may make a session stale. */
	sessionsWithoutLogout: number;
	tasksOpen: number;
	openConnections: number;
}

/** Reads what is left open, after giving closing sockets a moment to reach the server. */
export async function leftoversOf(emulator: RunningEmulator): Promise<Leftovers> {
	await settle(() => emulator.openConnections === 0);
	const sessions = emulator.issuedSessions;

	return {
		openSessions: sessions.filter((session) => session.endedBy === null).length,
		sessionsWithoutLogout: sessions.filter((session) => session.endedBy !== 'logout').length,
		tasksOpen: emulator.counters.tasksOpen,
		openConnections: emulator.openConnections,
	};
}
