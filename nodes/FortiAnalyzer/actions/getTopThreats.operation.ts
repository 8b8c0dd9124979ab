import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { threatOutput } from '../helpers/output';
import { readAdom, readOutputOptions, readQuery } from '../helpers/parameters';
import type { OperationContext } from './types';
import { deleteTaskQuietly, waitWithProgress } from './waiting';

export const description: INodeProperties[] = [];

/** Creates a task, waits for it, emits its threats and deletes the task, also when anything fails. */
export async function execute(this: IExecuteFunctions, itemIndex: number, context: OperationContext): Promise<IDataObject[]> {
	const adom = readAdom(this, itemIndex, context.defaultAdom);
	const query = readQuery(this, itemIndex, new Date());
	const output = readOutputOptions(this, itemIndex);

	const tid = await context.client.createTopThreatsTask(adom, query, context.signal);
	try {
		const result = await waitWithProgress(this, itemIndex, context.client, {
			adom,
			tid,
			includeRaw: output.includeRaw,
			signal: context.signal,
		});
		return threatOutput(result, output);
	} finally {
		await deleteTaskQuietly(this, context.client, adom, tid);
	}
}
