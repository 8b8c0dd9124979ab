import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { abortableSleep } from './waiting';
import { CancelledError, FortiAnalyzerClient, FortiAnalyzerError } from '../client';
import { connectionSettings, defaultAdom } from '../helpers/connection';
import { errorDetails, toNodeError } from '../helpers/nodeErrors';
import { isOperationName, operations } from './operations';
import type { OperationContext } from './types';

/**
 * Runs the chosen operation for every input item with one FortiAnalyzer client, so all items share one
 * login and its keep-alive connections, and logs out when the node is done, also when it failed. Each output
 * item is paired with the input item it came from. Under continue-on-fail a failing item becomes an error
 * item and the next item runs.
 */
export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operationName = this.getNodeParameter('operation', 0);
	if (!isOperationName(operationName)) throw toNodeError(this.getNode(), new Error(`Unknown operation "${String(operationName)}"`), 0);
	const operation = operations[operationName];

	const output: INodeExecutionData[] = [];
	const credentials = await this.getCredentials('fortiAnalyzerApi');

	let context: OperationContext;
	try {
		context = {
			client: new FortiAnalyzerClient(connectionSettings(credentials), { logger: this.logger, sleep: abortableSleep }),
			defaultAdom: defaultAdom(credentials),
			signal: cancelSignal(this),
		};
	} catch (error) {
		if (!this.continueOnFail()) throw toNodeError(this.getNode(), error, 0);
		return [items.map((_, itemIndex) => errorItem(this, error, itemIndex))];
	}

	try {
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				const results = await operation.execute.call(this, itemIndex, context);
				for (const json of results) output.push({ json, pairedItem: { item: itemIndex } });
			} catch (error) {
				// n8n-core marks a run as canceled only for an error named "...Cancelled...", so that one passes as is.
				if (context.signal?.aborted) throw error instanceof CancelledError ? error : new CancelledError('The execution was cancelled', {});
				if (!this.continueOnFail()) throw toNodeError(this.getNode(), error, itemIndex);
				output.push(errorItem(this, error, itemIndex));
			}
		}
	} finally {
		await context.client.close();
	}

	return [output];
}

function errorItem(context: IExecuteFunctions, error: unknown, itemIndex: number): INodeExecutionData {
	const nodeError = toNodeError(context.getNode(), error, itemIndex);
	const json: IDataObject = { error: nodeError.message };
	if (nodeError.description) json.description = nodeError.description;
	if (error instanceof FortiAnalyzerError) Object.assign(json, errorDetails(error));

	return { json, pairedItem: { item: itemIndex } };
}

/** The execution's cancel signal; n8n hosts before it existed return undefined. */
function cancelSignal(context: IExecuteFunctions): AbortSignal | undefined {
	return typeof context.getExecutionCancelSignal === 'function' ? context.getExecutionCancelSignal() : undefined;
}
