/**
 * The workflows the UI check imports: one IOC Top Threats node per operation, and an AI Agent that uses the
 * node as a tool.
 */
import type { WorkflowJson } from '../../e2e/n8n-instance';
import { CREDENTIAL } from './editor';

export const NODE_TYPE = 'n8n-nodes-fortianalyzer.iocTopThreats';

export const TOOL_NODE_TYPE = `${NODE_TYPE}Tool`;

export const OPERATIONS_WORKFLOW_ID = 'uiOperations1';

export const AGENT_WORKFLOW_ID = 'uiAgentTool1';

/** Name of the tool node in the agent workflow. */
export const TOOL_NODE = 'Top threats tool';

/** The node of each operation, named as a user might name it, so the canvas subtitle is the only operation name. */
export const OPERATION_NODES = {
	getTopThreats: 'Top threats of the day',
	createTask: 'Start a task',
	waitUntilDone: 'Wait for the task',
	fetchResults: 'Read a task once',
	cancelTask: 'Cancel a task',
	comparePeriods: 'Compare with yesterday',
} as const;

export type OperationName = keyof typeof OPERATION_NODES;

/** The name of each operation in the node's Operation list. */
export const OPERATION_LABELS: Record<OperationName, string> = {
	getTopThreats: 'Get Top Threats',
	createTask: 'Create Task',
	waitUntilDone: 'Wait Until Done',
	fetchResults: 'Fetch Results',
	cancelTask: 'Cancel Task',
	comparePeriods: 'Compare Periods',
};

const credentials = { fortiAnalyzerApi: { id: CREDENTIAL.id, name: CREDENTIAL.name } };

/** Manual Trigger → Get Top Threats, Create Task → Wait Until Done, and the other operations side by side. */
export function operationsWorkflow(): WorkflowJson {
	const node = (id: number, operation: OperationName, position: [number, number]) => ({
		id: `b1f0c0de-0000-4000-8000-00000000000${id}`,
		name: OPERATION_NODES[operation],
		type: NODE_TYPE,
		typeVersion: 1,
		position,
		parameters: { operation },
		credentials,
	});

	return {
		id: OPERATIONS_WORKFLOW_ID,
		name: 'IOC Top Threats operations (UI check)',
		nodes: [
			{ id: 'b1f0c0de-0000-4000-8000-000000000000', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 180], parameters: {} },
			node(1, 'getTopThreats', [280, 0]),
			node(2, 'createTask', [280, 180]),
			node(3, 'waitUntilDone', [560, 180]),
			node(4, 'fetchResults', [280, 360]),
			node(5, 'cancelTask', [560, 360]),
			node(6, 'comparePeriods', [560, 0]),
		],
		connections: {
			Start: {
				main: [
					[
						{ node: OPERATION_NODES.getTopThreats, type: 'main', index: 0 },
						{ node: OPERATION_NODES.createTask, type: 'main', index: 0 },
						{ node: OPERATION_NODES.comparePeriods, type: 'main', index: 0 },
					],
				],
			},
			[OPERATION_NODES.createTask]: { main: [[{ node: OPERATION_NODES.waitUntilDone, type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/** Chat Trigger → AI Agent with the IOC Top Threats tool; no chat model, since the check only opens the tool. */
export function agentWorkflow(): WorkflowJson {
	return {
		id: AGENT_WORKFLOW_ID,
		name: 'SOC assistant with IOC Top Threats (UI check)',
		nodes: [
			{
				id: 'c2f0c0de-0000-4000-8000-000000000001',
				name: 'Chat',
				type: '@n8n/n8n-nodes-langchain.chatTrigger',
				typeVersion: 1.1,
				position: [0, 0],
				webhookId: 'c2f0c0de-0000-4000-8000-0000000000a1',
				parameters: { options: {} },
			},
			{
				id: 'c2f0c0de-0000-4000-8000-000000000002',
				name: 'AI Agent',
				type: '@n8n/n8n-nodes-langchain.agent',
				typeVersion: 3,
				position: [260, 0],
				parameters: { options: {} },
			},
			{
				id: 'c2f0c0de-0000-4000-8000-000000000003',
				name: TOOL_NODE,
				type: TOOL_NODE_TYPE,
				typeVersion: 1,
				position: [420, 220],
				parameters: { operation: 'getTopThreats' },
				credentials,
			},
		],
		connections: {
			Chat: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			[TOOL_NODE]: { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}
