/**
 * Builders for the engine tests: workflows that run the IOC Top Threats node after a Manual Trigger, the
 * credential data that points it at an emulator, and checks that no secret reached a run's output.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeParameters,
	Logger,
} from 'n8n-workflow';

import { FortiAnalyzerApi } from '../../credentials/FortiAnalyzerApi.credentials';
import { IocTopThreats } from '../../nodes/FortiAnalyzer/IocTopThreats.node';
import {
	DEFAULT_API_KEY,
	DEFAULT_PASSWORD,
	DEFAULT_USERNAME,
	RESTRICTED_API_KEY,
	RESTRICTED_PASSWORD,
	type RunningEmulator,
} from '../emulator';
import { createNodeTypes, runWorkflow, type RunningWorkflow, startWorkflow, type WorkflowJson, type WorkflowRun } from './harness';

export const IOC_NODE_TYPE = 'n8n-nodes-fortianalyzer.iocTopThreats';

export const TRIGGER = 'Start';

/** Name of the first IOC Top Threats node of a workflow built here. */
export const IOC = 'IOC Top Threats';

const INPUT = 'Input items';

const SPLIT = 'One item each';

export const nodeTypes = createNodeTypes([{ type: IOC_NODE_TYPE, nodeType: new IocTopThreats() }]);

/** The credential type, so that runs fill in its defaults (timeout, ADOM) as n8n does. */
export const credentialTypes = [new FortiAnalyzerApi()];

/** Secrets the emulator accepts. None of them may appear in any output, error or error item. */
export const KNOWN_SECRETS = [DEFAULT_API_KEY, DEFAULT_PASSWORD, RESTRICTED_API_KEY, RESTRICTED_PASSWORD];

/** A wrong API key and a wrong password the tests use. They must not leak either. */
export const WRONG_API_KEY = 'wrong-api-key-0f9e8d7c6b5a';

export const WRONG_PASSWORD = 'wrong-password-1a2b3c4d';

/** One IOC Top Threats node of a chain. Each later step reads the items of the step before it. */
export interface IocStep {
	/** Node name. The first step defaults to `IOC`, later ones to `IOC 2`, `IOC 3`, and so on. */
	name?: string;
	parameters: INodeParameters;
	/** Node settings such as `onError: 'continueRegularOutput'` or `continueOnFail: true`. */
	settings?: Pick<INode, 'onError' | 'continueOnFail'>;
}

export interface IocWorkflowOptions {
	steps: IocStep[];
	/**
	 * Items the first IOC node receives, made by a Set node (raw JSON) and a Split Out node as a user would build
	 * them. Without this option the node gets the Manual Trigger's one empty item.
	 */
	inputItems?: IDataObject[];
}

/** Builds Manual Trigger → [Set → Split Out →] IOC Top Threats [→ IOC Top Threats ...]. */
export function iocWorkflow(options: IocWorkflowOptions): WorkflowJson {
	const nodes: INode[] = [node(TRIGGER, 'n8n-nodes-base.manualTrigger', 1, {})];
	const chain: string[] = [TRIGGER];

	if (options.inputItems !== undefined) {
		nodes.push(
			node(INPUT, 'n8n-nodes-base.set', 3.4, {
				mode: 'raw',
				jsonOutput: JSON.stringify({ items: options.inputItems }),
				options: {},
			}),
			node(SPLIT, 'n8n-nodes-base.splitOut', 1, { fieldToSplitOut: 'items', include: 'noOtherFields', options: {} }),
		);
		chain.push(INPUT, SPLIT);
	}

	options.steps.forEach((step, index) => {
		const name = stepName(step, index);
		nodes.push({
			...node(name, IOC_NODE_TYPE, 1, step.parameters),
			credentials: { fortiAnalyzerApi: { id: 'emulator-credential', name: 'FortiAnalyzer emulator' } },
			...step.settings,
		});
		chain.push(name);
	});

	const connections: WorkflowJson['connections'] = {};
	for (let index = 0; index < chain.length - 1; index++) {
		connections[chain[index]] = { main: [[{ node: chain[index + 1], type: 'main', index: 0 }]] };
	}

	return { name: 'IOC Top Threats engine test', nodes, connections, settings: { executionOrder: 'v1' } };
}

/** Returns the node name the builder gives step `index`. */
export function stepName(step: IocStep, index: number): string {
	return step.name ?? (index === 0 ? IOC : `${IOC} ${index + 1}`);
}

function node(name: string, type: string, typeVersion: number, parameters: INodeParameters): INode {
	return { id: `${name.replace(/\W+/g, '-').toLowerCase()}-id`, name, type, typeVersion, position: [0, 0], parameters };
}

export function apiKeyCredential(emulator: RunningEmulator, overrides: ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject {
	return { baseUrl: emulator.url, authentication: 'apiKey', apiKey: DEFAULT_API_KEY, adom: 'root', ...overrides };
}

export function passwordCredential(emulator: RunningEmulator, overrides: ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject {
	return {
		baseUrl: emulator.url,
		authentication: 'password',
		username: DEFAULT_USERNAME,
		password: DEFAULT_PASSWORD,
		adom: 'root',
		...overrides,
	};
}

export interface IocRunOptions extends IocWorkflowOptions {
	credential: ICredentialDataDecryptedObject;
	logger?: Logger;
}

/** Serialised data of every run started through this module, for the secret checks. */
export const recordedRuns: string[] = [];

export async function runIoc(options: IocRunOptions): Promise<WorkflowRun> {
	return await startIoc(options).result;
}

export function startIoc(options: IocRunOptions): RunningWorkflow {
	const running = startWorkflow(iocWorkflow(options), {
		nodeTypes,
		credentialTypes,
		credentials: { fortiAnalyzerApi: options.credential },
		logger: options.logger,
	});

	return { ...running, result: running.result.then(recordRun) };
}

/** Runs a workflow JSON file's content with the node registered. */
export async function runJson(workflow: WorkflowJson, credential: ICredentialDataDecryptedObject): Promise<WorkflowRun> {
	const run = await runWorkflow(workflow, { nodeTypes, credentialTypes, credentials: { fortiAnalyzerApi: credential } });
	return recordRun(run);
}

function recordRun(run: WorkflowRun): WorkflowRun {
	recordedRuns.push(serializeRun(run));
	return run;
}

/** Everything a run produced that a user can see: every node's items and errors, and the run's error. */
export function serializeRun(run: WorkflowRun): string {
	const { runData, error } = run.run.data.resultData;
	const errors = [error, ...Object.values(runData).flatMap((tasks) => tasks.map((task) => task.error))].filter(
		(candidate) => candidate !== undefined,
	);
	const errorTexts = errors.map((candidate) => `${candidate.message}\n${candidate.description ?? ''}\n${candidate.stack ?? ''}`);

	return [JSON.stringify(runData), JSON.stringify(error ?? null), ...errorTexts].join('\n');
}

/** Returns the secrets that occur in `text`. */
export function leakedSecrets(text: string, secrets: readonly string[] = [...KNOWN_SECRETS, WRONG_API_KEY, WRONG_PASSWORD]): string[] {
	return secrets.filter((secret) => text.includes(secret));
}

export function jsonOf(items: INodeExecutionData[]): IDataObject[] {
	return items.map((item) => item.json);
}

/** Returns the index of the input item each output item is paired with, or undefined where there is no single one. */
export function pairedIndexes(items: INodeExecutionData[]): Array<number | undefined> {
	return items.map((item) => {
		const paired = item.pairedItem;
		if (typeof paired === 'number') return paired;
		if (paired === undefined || Array.isArray(paired)) return undefined;
		return paired.item;
	});
}

/** Resolves once `condition` is true, checking every 10 ms. Rejects after `timeoutMs` with a message naming `what`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting until ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

/** Sends one JSON-RPC request to the emulator with the demo API key, as a reference beside the node. */
export async function rpc(emulator: RunningEmulator, method: string, url: string, apiver3 = true): Promise<IDataObject> {
	const params: IDataObject = { url };
	if (apiver3) params.apiver = 3;
	const response = await fetch(`${emulator.url}/jsonrpc`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${DEFAULT_API_KEY}` },
		body: JSON.stringify({ id: 1, jsonrpc: '2.0', method, params: [params] }),
	});

	return (await response.json()) as IDataObject;
}

export interface RecordingProxy {
	url: string;
	/** Every `session` value FortiAnalyzer returned through the proxy. */
	sessionIds: Set<string>;
	stop(): Promise<void>;
}

/** Placeholder in an injected fault's body that the proxy replaces with the session of the request. */
export const SESSION_PLACEHOLDER = '{{session}}';

/**
 * Starts a loopback HTTP proxy in front of the emulator. It records the session ids FortiAnalyzer hands out and
 * writes the request's session into responses in place of `SESSION_PLACEHOLDER`, so that a test can make
 * FortiAnalyzer echo the live session id in an error message.
 */
export async function startRecordingProxy(emulator: RunningEmulator): Promise<RecordingProxy> {
	const target = new URL(emulator.url);
	const sessionIds = new Set<string>();

	const server = http.createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			const requestBody = Buffer.concat(chunks);
			const session = readSession(requestBody.toString('utf8'));
			const forward = http.request(
				{ host: target.hostname, port: target.port, path: request.url, method: request.method, headers: request.headers },
				(upstream) => {
					const body: Buffer[] = [];
					upstream.on('data', (chunk: Buffer) => body.push(chunk));
					upstream.on('end', () => {
						const text = Buffer.concat(body).toString('utf8').split(SESSION_PLACEHOLDER).join(session ?? '');
						const returned = readSession(text);
						if (returned !== undefined) sessionIds.add(returned);

						const headers = { ...upstream.headers, 'content-length': String(Buffer.byteLength(text)) };
						response.writeHead(upstream.statusCode ?? 502, headers);
						response.end(text);
					});
				},
			);
			forward.on('error', () => response.destroy());
			forward.end(requestBody);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		sessionIds,
		stop: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

/** The top-level `session` of a JSON-RPC body, or undefined when it has none. */
function readSession(text: string): string | undefined {
	try {
		const body = JSON.parse(text) as { session?: unknown };
		return typeof body.session === 'string' && body.session !== '' ? body.session : undefined;
	} catch {
		return undefined;
	}
}
