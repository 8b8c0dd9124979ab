import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
	createDeferredPromise,
	NodeApiError,
	NodeConnectionTypes,
	NodeOperationError,
	sleepWithAbort,
} from 'n8n-workflow';
import type {
	ICredentialTestFunctions,
	ICredentialType,
	ICredentialsDecrypted,
	IDeferredPromise,
	IExecuteFunctions,
	INode,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { createMemoryLogger, createNodeTypes, runWorkflow, startWorkflow, testCredential } from './harness';
import type { NodeTypeSource, WorkflowJson } from './harness';

// Workflow building blocks

function node(
	name: string,
	type: string,
	parameters: INodeParameters = {},
	typeVersion = 1,
	position: [number, number] = [0, 0],
): INode {
	return { id: name, name, type, typeVersion, position, parameters };
}

/** Connects the first output of each named node to the next named node. */
function chain(...names: string[]): WorkflowJson['connections'] {
	const connections: WorkflowJson['connections'] = {};
	for (let i = 0; i < names.length - 1; i++) {
		connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	}
	return connections;
}

/** Connections of one node: for each output, the nodes it feeds. */
function outputsTo(...targets: string[][]): WorkflowJson['connections'][string] {
	return { main: targets.map((nodes) => nodes.map((target) => ({ node: target, type: 'main' as const, index: 0 }))) };
}

function workflow(nodes: INode[], connections: WorkflowJson['connections']): WorkflowJson {
	return { name: 'Harness test', nodes, connections, settings: { executionOrder: 'v1' } };
}

const THREATS = [
	{ name: 'Emotet', score: 9, severity: 'critical' },
	{ name: 'Adware', score: 2, severity: 'low' },
	{ name: 'Qakbot', score: 7, severity: 'high' },
	{ name: 'Tracker', score: 5, severity: 'medium' },
];

const start = node('Start', 'n8n-nodes-base.manualTrigger');

/** Set node that outputs one item with the `threats` array. */
const threatList = node(
	'Threats',
	'n8n-nodes-base.set',
	{
		assignments: {
			assignments: [{ id: 'threats', name: 'threats', type: 'array', value: JSON.stringify(THREATS) }],
		},
		options: {},
	},
	3.4,
);

const splitThreats = node('Split Threats', 'n8n-nodes-base.splitOut', { fieldToSplitOut: 'threats', options: {} });

function condition(leftValue: string, rightValue: string | number, type: string, operation: string) {
	return {
		options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
		conditions: [{ id: `${leftValue}-${operation}`, leftValue, rightValue, operator: { type, operation } }],
		combinator: 'and',
	};
}

// Test-only node types

function describeNode(name: string, extra: Partial<INodeTypeDescription> = {}): INodeTypeDescription {
	return {
		displayName: name,
		name,
		group: ['transform'],
		version: 1,
		description: `Test-only node ${name}`,
		defaults: { name },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
		...extra,
	};
}

class FailingNode implements INodeType {
	description = describeNode('failing');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		throw new NodeOperationError(this.getNode(), 'Threat feed unavailable', {
			description: 'The feed returned HTTP 503. Retry later.',
		});
	}
}

class ApiFailingNode implements INodeType {
	description = describeNode('apiFailing');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		throw new NodeApiError(
			this.getNode(),
			{ code: -11, message: 'No permission for the resource' },
			{
				message: 'Permission denied',
				description: 'The API user lacks read access to ADOM root',
				httpCode: '403',
			},
		);
	}
}

/** Waits until its execution is cancelled, reporting what it saw through `probe`. */
function createCancelAwareNode(probe: {
	started: IDeferredPromise<void>;
	sawAbort: boolean;
	finish: 'rethrow' | 'own-error' | 'return';
}): INodeType {
	return {
		description: describeNode('cancelAware'),
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const signal = this.getExecutionCancelSignal();
			signal?.addEventListener('abort', () => {
				probe.sawAbort = true;
			});
			this.logger.info('Waiting for cancellation');
			probe.started.resolve();

			try {
				await sleepWithAbort(10 * 60 * 1000, signal);
			} catch (error) {
				if (probe.finish === 'rethrow') throw error;
				if (probe.finish === 'own-error') throw new NodeOperationError(this.getNode(), 'Polling stopped');
			}
			return [[{ json: { stopped: true }, pairedItem: { item: 0 } }]];
		},
	};
}

class LoggingNode implements INodeType {
	description = describeNode('logging');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const { label } = items[0].json;
		this.logger.info(`Logging node saw ${String(label)}`);
		this.logger.warn('Logging node warning', { itemCount: items.length });
		return [items];
	}
}

const demoApi: ICredentialType = {
	name: 'demoApi',
	displayName: 'Demo API',
	properties: [
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
		{ displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Region', name: 'region', type: 'string', default: 'eu-west' },
	],
	authenticate: { type: 'generic', properties: { headers: { 'X-Api-Key': '={{ $credentials.apiKey }}' } } },
};

const sessionApi: ICredentialType = {
	name: 'sessionApi',
	displayName: 'Session API',
	properties: [
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
		{ displayName: 'Password', name: 'password', type: 'string', default: '' },
		{ displayName: 'Session', name: 'session', type: 'hidden', typeOptions: { expirable: true }, default: '' },
	],
	async preAuthentication(this, credentials) {
		const response = (await this.helpers.httpRequest({
			method: 'POST',
			url: `${String(credentials.baseUrl)}/login`,
			body: { password: credentials.password },
			json: true,
		})) as { session: string };
		return { session: response.session };
	},
	authenticate: {
		type: 'generic',
		properties: { headers: { Authorization: '=Session {{ $credentials.session }}' } },
	},
};

/** Outputs the credential data it receives, or the echo of one authenticated request per input item. */
function createCredentialNode(credentialType: string, mode: 'read' | 'request'): INodeType {
	return {
		description: describeNode(`${credentialType}Reader`, {
			credentials: [{ name: credentialType, required: true }],
		}),
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const credentials = await this.getCredentials(credentialType);
			if (mode === 'read') return [[{ json: { ...credentials }, pairedItem: { item: 0 } }]];

			const results: INodeExecutionData[] = [];
			for (let itemIndex = 0; itemIndex < this.getInputData().length; itemIndex++) {
				const echo = (await this.helpers.httpRequestWithAuthentication.call(this, credentialType, {
					url: `${String(credentials.baseUrl)}/echo`,
					json: true,
				})) as Record<string, string>;
				results.push({ json: echo, pairedItem: { item: itemIndex } });
			}
			return [results];
		},
	};
}

function credentialNode(name: string, type: string, credentialType: string): INode {
	const credentials = { [credentialType]: { id: 'cred-1', name: 'Named in the workflow only' } };
	return { ...node(name, type), credentials };
}

describe('createNodeTypes', () => {
	test('resolves versioned types by version', () => {
		const nodeTypes = createNodeTypes();

		expect(nodeTypes.getByNameAndVersion('n8n-nodes-base.if', 1).description.version).toBe(1);
		expect(nodeTypes.getByNameAndVersion('n8n-nodes-base.if', 2.2).description.version).toEqual(
			expect.arrayContaining([2.2]),
		);
		expect(nodeTypes.getByNameAndVersion('n8n-nodes-base.set', 3.4).description.version).toEqual(
			expect.arrayContaining([3.4]),
		);
	});

	test('includes extra node types', () => {
		const extra: NodeTypeSource = { type: 'n8n-nodes-test.failing', nodeType: new FailingNode() };
		const nodeTypes = createNodeTypes([extra]);

		expect(nodeTypes.getByNameAndVersion('n8n-nodes-test.failing').description.name).toBe('failing');
		expect(Object.keys(nodeTypes.getKnownTypes())).toEqual(
			expect.arrayContaining(['n8n-nodes-base.noOp', 'n8n-nodes-base.merge', 'n8n-nodes-test.failing']),
		);
	});

	test('rejects unknown node type', () => {
		expect(() => createNodeTypes().getByName('n8n-nodes-test.missing')).toThrow(
			'Unrecognized node type: n8n-nodes-test.missing',
		);
	});
});

describe('runWorkflow with n8n-nodes-base nodes', () => {
	const ifWorkflow = workflow(
		[
			start,
			threatList,
			splitThreats,
			node('Score Above 5', 'n8n-nodes-base.if', {
				conditions: condition('={{ $json.score }}', 5, 'number', 'gt'),
				options: {},
			}, 2.2),
			node('High', 'n8n-nodes-base.noOp', {}, 1, [800, 0]),
			node('Low', 'n8n-nodes-base.noOp', {}, 1, [800, 200]),
			node('All', 'n8n-nodes-base.merge', {}, 3.2, [1000, 100]),
		],
		{
			...chain('Start', 'Threats', 'Split Threats', 'Score Above 5'),
			'Score Above 5': outputsTo(['High'], ['Low']),
			High: outputsTo(['All']),
			Low: { main: [[{ node: 'All', type: 'main', index: 1 }]] },
		},
	);

	test('IF routes items to both branches', async () => {
		const run = await runWorkflow(ifWorkflow, { nodeTypes: createNodeTypes() });

		expect(run.status).toBe('success');
		expect(run.error).toBeUndefined();
		expect(run.output('Split Threats').map((item) => item.json.name)).toEqual([
			'Emotet',
			'Adware',
			'Qakbot',
			'Tracker',
		]);
		expect(run.output('Score Above 5', 0).map((item) => item.json.name)).toEqual(['Emotet', 'Qakbot']);
		expect(run.output('Score Above 5', 1).map((item) => item.json.name)).toEqual(['Adware', 'Tracker']);
		expect(run.output('High').map((item) => item.json.score)).toEqual([9, 7]);
		expect(run.output('Low').map((item) => item.json.score)).toEqual([2, 5]);
		expect(run.output('All')).toHaveLength(4);
	});

	test('outputs carry pairedItem', async () => {
		const run = await runWorkflow(ifWorkflow, { nodeTypes: createNodeTypes() });

		expect(run.output('Split Threats').map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 0 },
			{ item: 0 },
			{ item: 0 },
		]);
		// IF keeps each item's index in its input, whichever branch it takes.
		expect(run.output('Score Above 5', 0).map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(run.output('Score Above 5', 1).map((item) => item.pairedItem)).toEqual([{ item: 1 }, { item: 3 }]);
		expect(run.output('Low').map((item) => item.pairedItem)).toEqual([
			expect.objectContaining({ item: 0 }),
			expect.objectContaining({ item: 1 }),
		]);
	});

	test('executedNodes lists execution order', async () => {
		const run = await runWorkflow(ifWorkflow, { nodeTypes: createNodeTypes() });

		expect(run.executedNodes()).toEqual([
			'Start',
			'Threats',
			'Split Threats',
			'Score Above 5',
			'High',
			'Low',
			'All',
		]);
	});

	test('Switch routes by string rule', async () => {
		const rule = (severity: string) => ({
			conditions: condition('={{ $json.severity }}', severity, 'string', 'equals'),
			renameOutput: true,
			outputKey: severity,
		});
		const switchWorkflow = workflow(
			[
				start,
				threatList,
				splitThreats,
				node('Route Severity', 'n8n-nodes-base.switch', {
					rules: { values: [rule('critical'), rule('high')] },
					options: { fallbackOutput: 'extra' },
				}, 3.2),
				node('Critical', 'n8n-nodes-base.noOp', {}, 1, [800, 0]),
				node('Other', 'n8n-nodes-base.noOp', {}, 1, [800, 400]),
			],
			{
				...chain('Start', 'Threats', 'Split Threats', 'Route Severity'),
				'Route Severity': outputsTo(['Critical'], [], ['Other']),
			},
		);

		const run = await runWorkflow(switchWorkflow, { nodeTypes: createNodeTypes() });

		expect(run.status).toBe('success');
		expect(run.output('Route Severity', 0).map((item) => item.json.name)).toEqual(['Emotet']);
		expect(run.output('Route Severity', 1).map((item) => item.json.name)).toEqual(['Qakbot']);
		expect(run.output('Route Severity', 2).map((item) => item.json.name)).toEqual(['Adware', 'Tracker']);
		expect(run.output('Critical').map((item) => item.json.name)).toEqual(['Emotet']);
		expect(run.output('Other').map((item) => item.json.name)).toEqual(['Adware', 'Tracker']);
		expect(run.executedNodes()).not.toContain('High');
	});

	test('output is empty for nodes that did not run', async () => {
		const run = await runWorkflow(ifWorkflow, { nodeTypes: createNodeTypes() });

		expect(run.output('Missing Node')).toEqual([]);
		expect(run.output('High', 1)).toEqual([]);
		expect(run.output('High', 0, 1)).toEqual([]);
	});

	test('pinned data replaces node output', async () => {
		const pinned = { ...ifWorkflow, pinData: { 'Split Threats': [{ json: { name: 'Pinned', score: 8 } }] } };

		const run = await runWorkflow(pinned, { nodeTypes: createNodeTypes() });

		expect(run.output('High').map((item) => item.json.name)).toEqual(['Pinned']);
		expect(run.executedNodes()).not.toContain('Low');
	});

	test('Set type error fails run', async () => {
		const badSet = node('Bad Score', 'n8n-nodes-base.set', {
			assignments: { assignments: [{ id: 'score', name: 'score', type: 'number', value: 'not a number' }] },
			options: {},
		}, 3.4);

		const run = await runWorkflow(workflow([start, badSet], chain('Start', 'Bad Score')), {
			nodeTypes: createNodeTypes(),
		});

		expect(run.status).toBe('error');
		expect(run.nodeError('Bad Score')?.message).toContain("'score' expects a number but we got 'not a number'");
		expect(run.error?.message).toBe(run.nodeError('Bad Score')?.message);
	});

	test('workflow timezone defaults to UTC', async () => {
		const zoneSet = node('Zone', 'n8n-nodes-base.set', {
			assignments: { assignments: [{ id: 'zone', name: 'zone', type: 'string', value: '={{ $now.zoneName }}' }] },
			options: {},
		}, 3.4);
		const zoneWorkflow = workflow([start, zoneSet], chain('Start', 'Zone'));

		const utcRun = await runWorkflow(zoneWorkflow, { nodeTypes: createNodeTypes() });
		const berlinRun = await runWorkflow(zoneWorkflow, { nodeTypes: createNodeTypes(), timezone: 'Europe/Berlin' });

		expect(utcRun.output('Zone')[0].json.zone).toBe('UTC');
		expect(berlinRun.output('Zone')[0].json.zone).toBe('Europe/Berlin');
	});

	test('startNode sets the first node', async () => {
		const json = workflow([start, threatList, splitThreats], chain('Start', 'Threats', 'Split Threats'));

		const run = await runWorkflow(json, { nodeTypes: createNodeTypes(), startNode: 'Threats' });

		expect(run.executedNodes()).toEqual(['Threats', 'Split Threats']);
	});

	test('unknown node type is rejected', async () => {
		const mystery = node('Mystery', 'n8n-nodes-test.missing');

		await expect(
			runWorkflow(workflow([start, mystery], chain('Start', 'Mystery')), { nodeTypes: createNodeTypes() }),
		).rejects.toThrow('Unrecognized node type: n8n-nodes-test.missing');
	});

	test('parameter issues are rejected', async () => {
		const emptySplit = node('Split', 'n8n-nodes-base.splitOut', { fieldToSplitOut: '' });

		await expect(
			runWorkflow(workflow([start, emptySplit], chain('Start', 'Split')), { nodeTypes: createNodeTypes() }),
		).rejects.toThrow('The workflow has issues and cannot be executed');
	});

	test('unknown startNode is rejected', async () => {
		await expect(
			runWorkflow(workflow([start], {}), { nodeTypes: createNodeTypes(), startNode: 'Nowhere' }),
		).rejects.toThrow('Start node "Nowhere" is not in workflow "Harness test"');
	});
});

describe('node errors', () => {
	const nodeTypes = createNodeTypes([
		{ type: 'n8n-nodes-test.failing', nodeType: new FailingNode() },
		{ type: 'n8n-nodes-test.apiFailing', nodeType: new ApiFailingNode() },
	]);

	test('NodeOperationError keeps message and description', async () => {
		const run = await runWorkflow(
			workflow(
				[start, node('Fetch', 'n8n-nodes-test.failing'), node('After', 'n8n-nodes-base.noOp')],
				chain('Start', 'Fetch', 'After'),
			),
			{ nodeTypes },
		);

		expect(run.status).toBe('error');
		expect(run.executedNodes()).toEqual(['Start', 'Fetch']);
		expect(run.output('After')).toEqual([]);
		expect(run.nodeError('Fetch')?.message).toBe('Threat feed unavailable');
		expect(run.nodeError('Fetch')?.description).toBe('The feed returned HTTP 503. Retry later.');
		expect(run.error?.message).toBe('Threat feed unavailable');
		expect(run.nodeError('Start')).toBeUndefined();
	});

	test('NodeApiError keeps message, description and code', async () => {
		const run = await runWorkflow(
			workflow([start, node('Query', 'n8n-nodes-test.apiFailing')], chain('Start', 'Query')),
			{ nodeTypes },
		);
		const error = run.nodeError('Query');

		expect(run.status).toBe('error');
		expect(error?.message).toBe('Permission denied');
		expect(error?.description).toBe('The API user lacks read access to ADOM root');
		expect(error).toHaveProperty('httpCode', '403');
	});

	test('continueOnFail passes input on', async () => {
		const tolerant = { ...node('Fetch', 'n8n-nodes-test.failing'), onError: 'continueRegularOutput' as const };

		const run = await runWorkflow(
			workflow([start, tolerant, node('After', 'n8n-nodes-base.noOp')], chain('Start', 'Fetch', 'After')),
			{ nodeTypes },
		);

		expect(run.status).toBe('success');
		expect(run.executedNodes()).toEqual(['Start', 'Fetch', 'After']);
		expect(run.nodeError('Fetch')?.message).toBe('Threat feed unavailable');
	});
});

describe('cancel', () => {
	function cancelWorkflow(finish: 'rethrow' | 'own-error' | 'return') {
		const probe = { started: createDeferredPromise(), sawAbort: false, finish };
		const nodeTypes = createNodeTypes([
			{ type: 'n8n-nodes-test.cancelAware', nodeType: createCancelAwareNode(probe) },
		]);
		const json = workflow(
			[start, node('Wait', 'n8n-nodes-test.cancelAware'), node('After', 'n8n-nodes-base.noOp')],
			chain('Start', 'Wait', 'After'),
		);
		return { probe, nodeTypes, json };
	}

	test('aborts the node signal and reports canceled', async () => {
		const { probe, nodeTypes, json } = cancelWorkflow('rethrow');
		const logger = createMemoryLogger();

		const running = startWorkflow(json, { nodeTypes, logger });
		await probe.started.promise;
		running.cancel();
		const run = await running.result;

		expect(probe.sawAbort).toBe(true);
		expect(run.status).toBe('canceled');
		expect(run.run.status).toBe('canceled');
		expect(run.executedNodes()).toEqual(['Start', 'Wait']);
		expect(run.output('After')).toEqual([]);
		expect(run.nodeError('Wait')?.message).toBe('The execution was cancelled manually');
		expect(run.error?.message).toBe('The execution was cancelled manually');
		expect(logger.messages('info')).toContain('Waiting for cancellation');
	});

	test('node that returns after abort still ends canceled', async () => {
		const { probe, nodeTypes, json } = cancelWorkflow('return');

		const running = startWorkflow(json, { nodeTypes });
		await probe.started.promise;
		running.cancel();
		const run = await running.result;

		expect(probe.sawAbort).toBe(true);
		expect(run.status).toBe('canceled');
		expect(run.executedNodes()).toEqual(['Start', 'Wait']);
		expect(run.output('After')).toEqual([]);
	});

	// n8n-core 1.122 reports 'canceled' only when the node's error reads as a cancellation: its
	// message contains "canceled" or its name contains "Cancelled". A node that turns the abort
	// into an error of its own makes the run end with status 'error'.
	test('node own error after abort ends as error', async () => {
		const { probe, nodeTypes, json } = cancelWorkflow('own-error');

		const running = startWorkflow(json, { nodeTypes });
		await probe.started.promise;
		running.cancel();
		const run = await running.result;

		expect(probe.sawAbort).toBe(true);
		expect(run.status).toBe('error');
		expect(run.nodeError('Wait')?.message).toBe('Polling stopped');
	});

	test('cancel after the run ended changes nothing', async () => {
		const running = startWorkflow(workflow([start], {}), { nodeTypes: createNodeTypes() });
		const run = await running.result;

		running.cancel();

		expect(run.status).toBe('success');
		expect(run.run.status).toBe('success');
	});
});

describe('logging', () => {
	const nodeTypes = createNodeTypes([{ type: 'n8n-nodes-test.logging', nodeType: new LoggingNode() }]);

	function loggingWorkflow(label: string): WorkflowJson {
		const labelSet = node('Label', 'n8n-nodes-base.set', {
			assignments: { assignments: [{ id: 'label', name: 'label', type: 'string', value: label }] },
			options: {},
		}, 3.4);
		return workflow([start, labelSet, node('Log', 'n8n-nodes-test.logging')], chain('Start', 'Label', 'Log'));
	}

	test('node logger reaches the run logger', async () => {
		const logger = createMemoryLogger();

		await runWorkflow(loggingWorkflow('first'), { nodeTypes, logger });

		expect(logger.messages('info')).toContain('Logging node saw first');
		expect(logger.entries).toContainEqual({
			level: 'warn',
			message: 'Logging node warning',
			metadata: { itemCount: 1 },
		});
		// The engine's own debug messages go to the same logger.
		expect(logger.messages('debug')).toContain('Start executing node "Log"');
	});

	test('concurrent runs keep their logs apart', async () => {
		const firstLogger = createMemoryLogger();
		const secondLogger = createMemoryLogger();

		await Promise.all([
			runWorkflow(loggingWorkflow('first'), { nodeTypes, logger: firstLogger }),
			runWorkflow(loggingWorkflow('second'), { nodeTypes, logger: secondLogger }),
		]);

		expect(firstLogger.messages('info')).toEqual(['Logging node saw first']);
		expect(secondLogger.messages('info')).toEqual(['Logging node saw second']);
	});

	test('default logger prints nothing', async () => {
		const writes = [
			jest.spyOn(process.stdout, 'write'),
			jest.spyOn(process.stderr, 'write'),
			jest.spyOn(console, 'log'),
			jest.spyOn(console, 'info'),
			jest.spyOn(console, 'warn'),
			jest.spyOn(console, 'error'),
		];

		try {
			const run = await runWorkflow(loggingWorkflow('quiet'), { nodeTypes });
			expect(run.status).toBe('success');
			for (const write of writes) expect(write).not.toHaveBeenCalled();
		} finally {
			for (const write of writes) write.mockRestore();
		}
	});
});

describe('credentials', () => {
	const readerTypes = createNodeTypes([
		{ type: 'n8n-nodes-test.read', nodeType: createCredentialNode('demoApi', 'read') },
	]);
	const readWorkflow = workflow(
		[start, credentialNode('Read', 'n8n-nodes-test.read', 'demoApi')],
		chain('Start', 'Read'),
	);

	test('resolve by credential type', async () => {
		const run = await runWorkflow(readWorkflow, {
			nodeTypes: readerTypes,
			credentials: { demoApi: { baseUrl: 'http://127.0.0.1:1', apiKey: 'key-1' } },
		});

		expect(run.status).toBe('success');
		expect(run.output('Read')[0].json).toEqual({ baseUrl: 'http://127.0.0.1:1', apiKey: 'key-1' });
	});

	test('credential type adds defaults', async () => {
		const run = await runWorkflow(readWorkflow, {
			nodeTypes: readerTypes,
			credentials: { demoApi: { baseUrl: 'http://127.0.0.1:1', apiKey: 'key-1', undeclared: 'dropped' } },
			credentialTypes: [demoApi],
		});

		expect(run.output('Read')[0].json).toEqual({
			baseUrl: 'http://127.0.0.1:1',
			apiKey: 'key-1',
			region: 'eu-west',
		});
	});

	test('missing credentials fail the node', async () => {
		const run = await runWorkflow(readWorkflow, { nodeTypes: readerTypes });

		expect(run.status).toBe('error');
		expect(run.nodeError('Read')?.message).toBe(
			'Credentials of type "demoApi" not found in the workflow harness. ' +
				'Pass them in the run options as credentials.demoApi.',
		);
	});

	describe('authentication over HTTP', () => {
		let logins = 0;
		let baseUrl = '';

		const server = createServer((request, response) => {
			response.setHeader('content-type', 'application/json');
			if (request.url === '/login') {
				logins += 1;
				response.end(JSON.stringify({ session: `session-${logins}` }));
				return;
			}
			const echo = { apiKey: request.headers['x-api-key'] ?? '', authorization: request.headers.authorization ?? '' };
			response.end(JSON.stringify(echo));
		});

		function requestWorkflow(credentialType: string, inputNodes: INode[] = []): WorkflowJson {
			const request = credentialNode('Request', 'n8n-nodes-test.request', credentialType);
			const names = ['Start', ...inputNodes.map((input) => input.name), 'Request'];
			return workflow([start, ...inputNodes, request], chain(...names));
		}

		function requestTypes(credentialType: string) {
			return createNodeTypes([
				{ type: 'n8n-nodes-test.request', nodeType: createCredentialNode(credentialType, 'request') },
			]);
		}

		beforeAll(async () => {
			await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
			baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		});

		afterAll(async () => {
			await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
		});

		beforeEach(() => {
			logins = 0;
		});

		test('generic authenticate sets header', async () => {
			const run = await runWorkflow(requestWorkflow('demoApi'), {
				nodeTypes: requestTypes('demoApi'),
				credentials: { demoApi: { baseUrl, apiKey: 'key-2' } },
				credentialTypes: [demoApi],
			});

			expect(run.status).toBe('success');
			expect(run.output('Request')[0].json.apiKey).toBe('key-2');
		});

		test('preAuthentication logs in once per run', async () => {
			const run = await runWorkflow(requestWorkflow('sessionApi', [threatList, splitThreats]), {
				nodeTypes: requestTypes('sessionApi'),
				credentials: { sessionApi: { baseUrl, password: 'secret' } },
				credentialTypes: [sessionApi],
			});

			expect(run.status).toBe('success');
			expect(logins).toBe(1);
			expect(run.output('Request').map((item) => item.json.authorization)).toEqual([
				'Session session-1',
				'Session session-1',
				'Session session-1',
				'Session session-1',
			]);
		});

		test('unknown credential type fails request', async () => {
			const run = await runWorkflow(requestWorkflow('demoApi'), {
				nodeTypes: requestTypes('demoApi'),
				credentials: { demoApi: { baseUrl, apiKey: 'key-3' } },
			});

			expect(run.status).toBe('error');
			expect(logins).toBe(0);
			expect(run.nodeError('Request')?.message).toBe(
				'Credential type "demoApi" is not known to the workflow harness. ' +
					'Pass it in the run options as credentialTypes.',
			);
		});
	});
});

describe('testCredential', () => {
	class CredentialTestNode implements INodeType {
		description = describeNode('credentialTest', { credentials: [{ name: 'demoApi', testedBy: 'demoApiTest' }] });

		methods = {
			credentialTest: {
				async demoApiTest(
					this: ICredentialTestFunctions,
					credential: ICredentialsDecrypted,
				): Promise<INodeCredentialTestResult> {
					this.logger.info(`Testing ${credential.type} credential "${credential.name}"`);
					if (typeof this.helpers.request !== 'function') {
						return { status: 'Error', message: 'helpers.request is missing' };
					}
					if (credential.data?.apiKey !== 'valid') {
						const region = String(credential.data?.region);
						return { status: 'Error', message: `Invalid API key for region ${region}` };
					}
					return { status: 'OK', message: 'Connection successful!' };
				},
			},
		};
	}

	test('returns OK for valid data', async () => {
		const result = await testCredential(new CredentialTestNode(), 'demoApiTest', 'demoApi', { apiKey: 'valid' });

		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
	});

	test('returns the error of invalid data', async () => {
		const result = await testCredential(new CredentialTestNode(), 'demoApiTest', 'demoApi', { apiKey: 'wrong' });

		expect(result).toEqual({ status: 'Error', message: 'Invalid API key for region undefined' });
	});

	test('applies credential type defaults', async () => {
		const result = await testCredential(new CredentialTestNode(), 'demoApiTest', 'demoApi', { apiKey: 'wrong' }, {
			credentialTypes: [demoApi],
		});

		expect(result.message).toBe('Invalid API key for region eu-west');
	});

	test('passes the credential and logger', async () => {
		const logger = createMemoryLogger();

		await testCredential(new CredentialTestNode(), 'demoApiTest', 'demoApi', { apiKey: 'valid' }, { logger });

		expect(logger.messages('info')).toEqual(['Testing demoApi credential "demoApi (harness)"']);
	});

	test('reports a missing test method', async () => {
		const result = await testCredential(new CredentialTestNode(), 'noSuchTest', 'demoApi', { apiKey: 'valid' });

		expect(result).toEqual({ status: 'Error', message: 'No testing function found for this credential.' });
	});
});
