import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { CancelledError, FortiAnalyzerClient, FortiAnalyzerError } from '../client';
import { connectionSettings, defaultAdom } from '../helpers/connection';
import { errorDetails, toNodeError } from '../helpers/nodeErrors';
import { type ItemOutcome, runWithConcurrency } from './concurrency';
import { isOperationName, operations } from './operations';
import type { Operation, OperationContext } from './types';
import { abortableSleep } from './waiting';

/**
 * Default number of items that run at once. NOTE: Fortinet documents no limit on concurrent FortiView tasks, so
 * two is an estimate that leaves room for GUI users and other automations on the same FortiAnalyzer.
 */
export const DEFAULT_PARALLEL_ITEMS = 2;

export const MAX_PARALLEL_ITEMS = 10;

/**
 * Runs the chosen operation for every input item with one FortiAnalyzer client, so all items share one login
 * and its keep-alive connections (at most one per parallel item). The client logs out when the node is done,
 * also when it failed. Each output item is paired with the input item it came from, in input order. Under
 * continue-on-fail a failing item becomes an error item and the other items still run.
 */
export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operationName = this.getNodeParameter('operation', 0);
	if (!isOperationName(operationName)) throw toNodeError(this.getNode(), new Error(`Unknown operation "${String(operationName)}"`), 0);
	const operation = operations[operationName];
	const parallelItems = readParallelItems(this);

	const credentials = await this.getCredentials('fortiAnalyzerApi');

	let context: OperationContext;
	try {
		context = {
			client: new FortiAnalyzerClient(connectionSettings(credentials, parallelItems), { logger: this.logger, sleep: abortableSleep }),
			defaultAdom: defaultAdom(credentials),
			signal: cancelSignal(this),
		};
	} catch (error) {
		if (!this.continueOnFail()) throw toNodeError(this.getNode(), error, 0);
		return [items.map((_, itemIndex) => errorItem(this, error, itemIndex))];
	}

	const continueOnFail = this.continueOnFail();
	let outcomes;
	try {
		outcomes = await runWithConcurrency(
			items.length,
			parallelItems,
			async (itemIndex) => await operation.execute.call(this, itemIndex, context),
			() => !continueOnFail || context.signal?.aborted === true,
		);

		const nodeFails = context.signal?.aborted === true || (!continueOnFail && outcomes.some((outcome) => outcome?.ok === false));
		if (nodeFails) await releaseSucceededItems(this, operation, context, outcomes);
	} finally {
		await context.client.close();
	}

	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < outcomes.length; itemIndex++) {
		const outcome = outcomes[itemIndex];
		if (!outcome) continue;

		if (outcome.ok) {
			for (const json of outcome.value) output.push({ json, pairedItem: { item: itemIndex } });
			continue;
		}

		// n8n-core marks a run as canceled only for an error named "...Cancelled...", so that one passes as is.
		if (context.signal?.aborted) {
			throw outcome.error instanceof CancelledError ? outcome.error : new CancelledError('The execution was cancelled', {});
		}
		if (!continueOnFail) throw toNodeError(this.getNode(), outcome.error, itemIndex);
		output.push(errorItem(this, outcome.error, itemIndex));
	}

	return [output];
}

/**
 * Releases what each successful item holds on FortiAnalyzer (e.g. its task) when the node fails as a whole or
 * the execution is cancelled, because n8n then drops every item's output.
 */
async function releaseSucceededItems(
	node: IExecuteFunctions,
	operation: Operation,
	context: OperationContext,
	outcomes: Array<ItemOutcome<IDataObject[]> | undefined>,
): Promise<void> {
	if (!operation.release) return;

	for (let itemIndex = 0; itemIndex < outcomes.length; itemIndex++) {
		const outcome = outcomes[itemIndex];
		if (outcome?.ok) await operation.release.call(node, itemIndex, context, outcome.value);
	}
}

function readParallelItems(context: IExecuteFunctions): number {
	const options = context.getNodeParameter('executionOptions', 0, {}) as IDataObject;
	const value = options.parallelItems;
	if (typeof value !== 'number' || !Number.isInteger(value)) return DEFAULT_PARALLEL_ITEMS;

	return Math.min(MAX_PARALLEL_ITEMS, Math.max(1, value));
}

function errorItem(context: IExecuteFunctions, error: unknown, itemIndex: number): INodeExecutionData {
	const nodeError = toNodeError(context.getNode(), error, itemIndex);
	const json: IDataObject = { error: nodeError.message };
	if (nodeError.description) json.description = nodeError.description;
	if (error instanceof FortiAnalyzerError) Object.assign(json, errorDetails(error));

	// n8n routes an item to the error output by its `error`, but for the regular output it would then replace the
	// json with the bare message, so `error` is set only when "On Error" is "Continue (using error output)".
	if (context.getNode().onError === 'continueErrorOutput') return { json, error: nodeError, pairedItem: { item: itemIndex } };

	return { json, pairedItem: { item: itemIndex } };
}

/** Returns the execution's cancel signal, or undefined on n8n hosts older than `getExecutionCancelSignal`. */
function cancelSignal(context: IExecuteFunctions): AbortSignal | undefined {
	return typeof context.getExecutionCancelSignal === 'function' ? context.getExecutionCancelSignal() : undefined;
}
