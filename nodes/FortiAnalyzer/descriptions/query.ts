import type { INodeProperties } from 'n8n-workflow';

import { SORT_FIELDS } from '../client/validation';
import { TIME_UNIT_OPTIONS } from './common';

/** Fields for the parameters of a top-threats task. */
export const queryFields: INodeProperties[] = [
	{
		displayName: 'Time Range',
		name: 'timeRangeType',
		type: 'options',
		options: [
			{ name: 'Relative (Last N Minutes, Hours or Days)', value: 'relative' },
			{ name: 'Absolute (Start and End)', value: 'absolute' },
		],
		default: 'relative',
		description: 'Whether the window ends now (the last N minutes, hours or days) or lies between two fixed times',
	},
	{
		displayName: 'Last',
		name: 'last',
		type: 'number',
		typeOptions: { minValue: 1, numberPrecision: 0 },
		default: 24,
		description: 'Length of the window that ends now, in the unit below',
		displayOptions: { show: { timeRangeType: ['relative'] } },
	},
	{
		displayName: 'Unit',
		name: 'unit',
		type: 'options',
		options: TIME_UNIT_OPTIONS,
		default: 'hours',
		description: 'Unit of Last',
		displayOptions: { show: { timeRangeType: ['relative'] } },
	},
	{
		displayName: 'Start',
		name: 'start',
		type: 'dateTime',
		required: true,
		default: '',
		description:
			'Start of the window as an ISO 8601 date and time, e.g. 2025-06-01T08:00:00Z. A value without an offset is read in the timezone of the query options.',
		displayOptions: { show: { timeRangeType: ['absolute'] } },
	},
	{
		displayName: 'End',
		name: 'end',
		type: 'dateTime',
		required: true,
		default: '',
		description: 'End of the window as an ISO 8601 date and time; must be after the start and not in the future',
		displayOptions: { show: { timeRangeType: ['absolute'] } },
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 1000, numberPrecision: 0 },
		default: 50,
		description: 'Max number of results to return',
		hint: 'FortiAnalyzer returns at most 1000 threats per task; the threats come ranked by Sort By',
		displayOptions: { hide: { returnAll: [true] } },
	},
	{
		displayName: 'Query Options',
		name: 'queryOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Devices',
				name: 'devices',
				type: 'string',
				default: '',
				placeholder: 'FG100FTK19000001, FG200FTK20000002[root]',
				description: 'Comma-separated device serial numbers or names, optionally with a VDOM in brackets. Empty means all devices.',
			},
			{
				displayName: 'Filter',
				name: 'filter',
				type: 'string',
				default: '',
				placeholder: 'threatlevel_s==critical and srcip==10.0.0.1',
				description:
					"FortiView filter expression in FortiAnalyzer's log-view syntax, e.g. threatlevel_s==critical and srcip==10.0.0.1. Empty means no filter.",
			},
			{
				displayName: 'Sort By',
				name: 'sortBy',
				type: 'options',
				options: SORT_FIELDS.map((field) => ({ name: field, value: field })),
				default: 'threatweight',
				description: "Column FortiAnalyzer ranks threats by. Threat weight is FortiAnalyzer's own risk score.",
			},
			{
				displayName: 'Sort Order',
				name: 'sortOrder',
				type: 'options',
				options: [
					{ name: 'Descending', value: 'desc' },
					{ name: 'Ascending', value: 'asc' },
				],
				default: 'desc',
				description: 'Descending puts the highest value of Sort By first',
			},
			{
				displayName: 'Timezone',
				name: 'timezone',
				type: 'string',
				default: '',
				placeholder: 'Europe/Berlin',
				description: "IANA time zone of the time range. Empty means the workflow's timezone.",
			},
		],
	},
];
