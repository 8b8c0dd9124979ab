import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { readAdom, readQuery } from '../helpers/parameters';
import type { OperationContext } from './types';

export const description: INodeProperties[] = [];

/** Starts a top-threats task and returns one item with its tid, for Fetch Results or Wait Until Done. */
export async function execute(this: IExecuteFunctions, itemIndex: number, context: OperationContext): Promise<IDataObject[]> {
	const adom = readAdom(this, itemIndex, context.defaultAdom);
	const query = readQuery(this, itemIndex, new Date());

	const tid = await context.client.createTopThreatsTask(adom, query, context.signal);
	this.logger.debug('FortiAnalyzer top-threats task created', { tid, adom });

	return [{ tid, adom, timeRange: { ...query.timeRange } }];
}
