import type { INodeProperties } from 'n8n-workflow';

/**
 * Options that turn threats into n8n items, shown by Fetch Results, Wait Until Done, Get Top Threats and the
 * trigger. Compare Periods reuses two of them.
 */
export const outputOptionsField: INodeProperties = {
	displayName: 'Output Options',
	name: 'outputOptions',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Include Raw Row',
			name: 'includeRaw',
			type: 'boolean',
			default: false,
			description: 'Whether to add the row exactly as FortiAnalyzer sent it, under "raw"',
		},
		{
			displayName: 'Minimum Severity',
			name: 'minimumSeverity',
			type: 'options',
			// eslint-disable-next-line n8n-nodes-base/node-param-options-type-unsorted-items -- severities read best in their own order, lowest first
			options: [
				{ name: 'Info (All)', value: 'info' },
				{ name: 'Low', value: 'low' },
				{ name: 'Medium', value: 'medium' },
				{ name: 'High', value: 'high' },
				{ name: 'Critical', value: 'critical' },
			],
			default: 'info',
			description: 'Drop threats below this severity. Info keeps every threat.',
		},
		{
			displayName: 'Only Detected (Not Blocked)',
			name: 'onlyDetected',
			type: 'boolean',
			default: false,
			description: 'Whether to keep only threats with detected > 0, i.e. threats with incidents that were not blocked.',
		},
		{
			displayName: 'Output',
			name: 'outputMode',
			type: 'options',
			options: [
				{ name: 'One Item per Threat', value: 'perThreat' },
				{ name: 'One Summary Item', value: 'summary' },
			],
			default: 'perThreat',
			description: 'Whether each threat becomes its own item, or one item contains all threats and their counts',
		},
	],
};
