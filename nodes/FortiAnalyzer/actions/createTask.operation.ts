import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { readAdom, readQuery } from '../helpers/parameters';
import type { OperationContext } from './types';
import { deleteTaskQuietly } from './waiting';

export const description: INodeProperties[] = [];

/** Starts a top-threats task and returns one item with its tid, for Fetch Results or Wait Until Done. */
export async function execute(this: IExecuteFunctions, itemIndex: number, context: OperationContext): Promise<IDataObject[]> {
	const adom = readAdom(this, itemIndex, context.defaultAdom);
	const query = readQuery(this, itemIndex, new Date());

	// With `total-count-all`, Fetch Results and Wait Until Done can tell an early empty page at 100 % from no threats.
	const tid = await context.client.createTopThreatsTask(adom, { ...query, countTotal: true }, context.signal);
	this.logger.debug('FortiAnalyzer top-threats task created', { tid, adom });

	return [{ tid, adom, timeRange: { ...query.timeRange } }];
}

/** Deletes the task of an item whose tid n8n drops because another item made the node fail. */
export async function release(this: IExecuteFunctions, _itemIndex: number, context: OperationContext, output: IDataObject[]): Promise<void> {
	for (const { tid, adom } of output) {
		if (typeof tid === 'number' && typeof adom === 'string') await deleteTaskQuietly(this, context.client, adom, tid);
	}
}
