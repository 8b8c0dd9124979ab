import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { readAdom, readTid } from '../helpers/parameters';
import type { OperationContext } from './types';

export const description: INodeProperties[] = [];

/** Cancels a task on FortiAnalyzer and returns one status item. */
export async function execute(this: IExecuteFunctions, itemIndex: number, context: OperationContext): Promise<IDataObject[]> {
	const adom = readAdom(this, itemIndex, context.defaultAdom);
	const tid = readTid(this, itemIndex);

	await context.client.cancelTopThreatsTask(adom, tid, context.signal);

	return [{ tid, adom, cancelled: true }];
}
