import type { INodePropertyOptions, INodeProperties } from 'n8n-workflow';

/** Fields shared by several operations. `actions/operations.ts` sets which operations show each one. */

export const adomField: INodeProperties = {
	displayName: 'ADOM',
	name: 'adom',
	type: 'string',
	default: '',
	placeholder: 'root',
	description: "Administrative domain to query. Leave empty to use the credential's default ADOM.",
};

export const tidField: INodeProperties = {
	displayName: 'Task ID',
	name: 'tid',
	type: 'string',
	required: true,
	default: '={{ $json.tid }}',
	description: 'The tid returned by Create Task. The default reads the "tid" field of the input item.',
};

/** The units of a relative time window, as `relativeTimeRange` takes them. */
export const TIME_UNIT_OPTIONS: INodePropertyOptions[] = [
	{ name: 'Minutes', value: 'minutes' },
	{ name: 'Hours', value: 'hours' },
	{ name: 'Days', value: 'days' },
];
