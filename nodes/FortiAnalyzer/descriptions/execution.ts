import type { INodeProperties } from 'n8n-workflow';

/** Options for running several input items, shown for every operation. */
export const executionOptionsField: INodeProperties = {
	displayName: 'Execution Options',
	name: 'executionOptions',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Max Parallel Items',
			name: 'parallelItems',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 10, numberPrecision: 0 },
			default: 2,
			description:
				'How many input items run at the same time, each with its own FortiAnalyzer task. FortiAnalyzer runs only a few FortiView searches at once, so raise this only when the items are short.',
		},
	],
};
