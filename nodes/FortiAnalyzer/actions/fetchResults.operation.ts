import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { TaskNotDoneError } from '../client';
import { threatOutput } from '../helpers/output';
import { readAdom, readOutputOptions, readTid } from '../helpers/parameters';
import type { OperationContext } from './types';

export const description: INodeProperties[] = [
	{
		displayName: 'If Task Is Not Done',
		name: 'whenNotDone',
		type: 'options',
		options: [
			{
				name: 'Return a Status Item',
				value: 'statusItem',
				description: 'Output one item with tid, percentage and done: false, e.g. to loop through a Wait node',
			},
			{ name: 'Fail', value: 'error', description: 'Stop with an error that names the tid and its percentage' },
		],
		default: 'statusItem',
		description: 'What the node outputs when FortiAnalyzer reports the task below 100 %',
		displayOptions: { show: { operation: ['fetchResults'] } },
	},
];

/** Fetches a task once: its threats when it is done, otherwise a status item or an error. */
export async function execute(this: IExecuteFunctions, itemIndex: number, context: OperationContext): Promise<IDataObject[]> {
	const adom = readAdom(this, itemIndex, context.defaultAdom);
	const tid = readTid(this, itemIndex);
	const output = readOutputOptions(this, itemIndex);
	const whenNotDone = this.getNodeParameter('whenNotDone', itemIndex, 'statusItem') as string;

	const result = await context.client.fetchTopThreatsTask(adom, tid, { includeRaw: output.includeRaw }, context.signal);

	if (result.done) return threatOutput(result, output);

	if (whenNotDone === 'error') {
		throw new TaskNotDoneError(
			`Task ${tid} is not done yet: FortiAnalyzer reports ${result.percentage} %`,
			{ tid, endpoint: context.client.endpoint },
			'Use Wait Until Done, or choose "Return a Status Item" and loop through a Wait node',
		);
	}

	return [{ tid, adom, percentage: result.percentage, done: false }];
}
