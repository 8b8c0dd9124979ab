import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { keepThreat, threatOutput, withTaskDuration } from '../helpers/output';
import { readAdom, readOutputOptions, readQuery } from '../helpers/parameters';
import { collectAllThreats, runTask } from './paging';
import type { OperationContext } from './types';

export const description: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		hint: 'FortiAnalyzer returns at most 1000 threats per task, so the node runs one task per 1000 threats',
		displayOptions: { show: { operation: ['getTopThreats'] } },
	},
];

/**
 * Runs one task, or one task per 1000 threats with Return All, and emits the threats. Each task is created, waited
 * for and deleted, also when waiting fails.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, context: OperationContext): Promise<IDataObject[]> {
	const adom = readAdom(this, itemIndex, context.defaultAdom);
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const query = readQuery(this, itemIndex, new Date(), { withLimit: !returnAll });
	const output = readOutputOptions(this, itemIndex);
	const task = { adom, query, includeRaw: output.includeRaw };

	if (!returnAll) {
		const result = await runTask(this, itemIndex, context, task);
		return withTaskDuration(threatOutput(result, output), result.elapsedMs);
	}

	const collected = await collectAllThreats(this, itemIndex, context, task, (threat) => keepThreat(threat, output));
	if (collected.totalMoved) {
		this.addExecutionHints?.({
			message: `FortiAnalyzer's total changed while paging through ADOM ${adom}; some threats may be missing or repeated`,
			type: 'warning',
			location: 'outputPane',
		});
	}

	const items = threatOutput(collected, output, { pages: collected.pages, totalMoved: collected.totalMoved });
	return withTaskDuration(items, collected.durationMs);
}
