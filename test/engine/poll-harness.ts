// Must come first: it points n8n-core at a temporary user folder and sets up its services.
import './engine-services';

import { Container } from '@n8n/di';
import { PollContext } from 'n8n-core';
import { TriggersAndPollers } from 'n8n-core/dist/execution-engine/triggers-and-pollers';
import { UserError, Workflow } from 'n8n-workflow';
import type {
	ICredentialType,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeTypes,
	Logger,
	WorkflowActivateMode,
} from 'n8n-workflow';

import { type CredentialsByType, indexCredentialTypes, InMemoryCredentialsHelper } from './credentials';
import { createAdditionalData, type WorkflowJson } from './harness';
import { silentLogger, withRunLogger } from './logging';

/**
 * Runs the poll function of a polling trigger the way n8n runs it for an active workflow: n8n-core's
 * `TriggersAndPollers.runPoll` with a `PollContext`, and the workflow's static data stored only when a poll
 * emits items, as n8n's `__emit` does. A restart is a new poller given the static data the old one stored.
 */

export interface PollerOptions {
	nodeTypes: INodeTypes;
	workflow: WorkflowJson;
	/** Name of the polling node; by default the workflow's only node whose type has a poll function. */
	nodeName?: string;
	/** Credential data by credential type name, as for `runWorkflow`. */
	credentials?: CredentialsByType;
	credentialTypes?: ICredentialType[];
	/** The workflow's static data as n8n stored it, e.g. `savedStaticData()` of an earlier poller. */
	staticData?: IDataObject;
	/** `trigger` polls as an active workflow does (the default); `manual` as the editor's test step does. */
	mode?: 'trigger' | 'manual';
	/** Time zone of the workflow settings; default 'UTC'. */
	timezone?: string;
	/** Logger for what the node logs through `this.logger`; by default nothing is kept. */
	logger?: Logger;
}

export interface Poller {
	/** Runs one poll. Resolves with what it emitted (null when nothing) and rejects with the poll's error. */
	poll(): Promise<INodeExecutionData[][] | null>;
	/** The static data as n8n last stored it, after the latest poll that emitted items, or undefined before any. */
	savedStaticData(): IDataObject | undefined;
	/** A copy of the static data in memory now, including changes n8n has not stored yet. */
	currentStaticData(): IDataObject;
	/** How many polls ran, failed ones included. */
	readonly polls: number;
}

const WORKFLOW_ID = 'poll-harness-workflow';

let pollCount = 0;

export function createPoller(options: PollerOptions): Poller {
	const { nodes, connections, settings } = structuredClone(options.workflow);
	const workflow = new Workflow({
		id: options.workflow.id ?? WORKFLOW_ID,
		name: options.workflow.name,
		nodes,
		connections,
		active: options.mode !== 'manual',
		nodeTypes: options.nodeTypes,
		settings: { ...settings, timezone: options.timezone ?? settings?.timezone ?? 'UTC' },
		staticData: options.staticData === undefined ? undefined : structuredClone(options.staticData),
	});
	const node = findPollNode(workflow, options.nodeName);
	const credentialsHelper = new InMemoryCredentialsHelper(options.credentials ?? {}, indexCredentialTypes(options.credentialTypes));
	const mode = options.mode ?? 'trigger';
	const activation: WorkflowActivateMode = mode === 'manual' ? 'manual' : 'activate';

	let saved: IDataObject | undefined;
	let polls = 0;

	// n8n stores the static data when a poll emits, and only when something in it changed.
	const saveStaticData = () => {
		if (workflow.staticData.__dataChanged !== true) return;
		saved = toStoredForm(workflow.staticData);
		workflow.staticData.__dataChanged = false;
	};

	const poll = async (): Promise<INodeExecutionData[][] | null> => {
		polls += 1;
		pollCount += 1;
		const additionalData = createAdditionalData(`poll-harness-${pollCount}`, undefined, credentialsHelper);

		let emitted: INodeExecutionData[][] | null = null;
		const context = new PollContext(
			workflow,
			node,
			additionalData,
			mode,
			activation,
			(data) => {
				saveStaticData();
				emitted = data;
			},
		);

		const response = await withRunLogger(options.logger ?? silentLogger, () =>
			Container.get(TriggersAndPollers).runPoll(workflow, node, context),
		);
		if (response !== null) context.__emit(response);

		return emitted;
	};

	return {
		poll,
		savedStaticData: () => (saved === undefined ? undefined : structuredClone(saved)),
		currentStaticData: () => toStoredForm(workflow.staticData),
		get polls() {
			return polls;
		},
	};
}

function findPollNode(workflow: Workflow, nodeName: string | undefined): INode {
	if (nodeName !== undefined) {
		const node = workflow.getNode(nodeName);
		if (node === null) throw new UserError(`Node "${nodeName}" is not in workflow "${workflow.name ?? ''}"`);
		return node;
	}

	const pollNodes = workflow.getPollNodes();
	if (pollNodes.length !== 1) {
		throw new UserError(`Workflow "${workflow.name ?? ''}" has ${pollNodes.length} polling nodes; name the one to poll`);
	}
	return pollNodes[0];
}

/** Copies the static data into the form the database stores: plain JSON, without n8n's change-tracking proxies. */
function toStoredForm(staticData: IDataObject): IDataObject {
	return JSON.parse(JSON.stringify(staticData)) as IDataObject;
}

