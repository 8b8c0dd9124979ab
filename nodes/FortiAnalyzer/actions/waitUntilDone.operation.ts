import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { threatOutput, withTaskDuration } from '../helpers/output';
import { readAdom, readOutputOptions, readTid } from '../helpers/parameters';
import type { OperationContext } from './types';
import { deleteTaskQuietly, waitWithProgress } from './waiting';

export const description: INodeProperties[] = [
	{
		displayName: 'Cancel Task When Giving Up',
		name: 'cancelOnGiveUp',
		type: 'boolean',
		default: true,
		description: 'Whether to cancel the task on FortiAnalyzer when the wait times out, fails or the execution is cancelled, which frees its search slot',
		displayOptions: { show: { operation: ['waitUntilDone'] } },
	},
];

/** Polls a task until it is done, then emits its threats. */
export async function execute(this: IExecuteFunctions, itemIndex: number, context: OperationContext): Promise<IDataObject[]> {
	const adom = readAdom(this, itemIndex, context.defaultAdom);
	const tid = readTid(this, itemIndex);
	const output = readOutputOptions(this, itemIndex);
	const cancelOnGiveUp = this.getNodeParameter('cancelOnGiveUp', itemIndex, true) as boolean;

	let finished = false;
	try {
		const result = await waitWithProgress(this, itemIndex, context.client, {
			adom,
			tid,
			includeRaw: output.includeRaw,
			signal: context.signal,
		});
		const items = withTaskDuration(threatOutput(result, output), result.elapsedMs);
		finished = true;
		return items;
	} finally {
		// Giving up (deadline, stall, failure or cancellation) leaves the task running on FortiAnalyzer otherwise.
		if (!finished && cancelOnGiveUp) await deleteTaskQuietly(this, context.client, adom, tid);
	}
}

/**
 * Deletes the finished task of an item whose threats n8n drops because another item made the node fail, unless
 * "Cancel Task When Giving Up" is off.
 */
export async function release(this: IExecuteFunctions, itemIndex: number, context: OperationContext): Promise<void> {
	if (!(this.getNodeParameter('cancelOnGiveUp', itemIndex, true) as boolean)) return;

	await deleteTaskQuietly(this, context.client, readAdom(this, itemIndex, context.defaultAdom), readTid(this, itemIndex));
}
