import type { INodeProperties } from 'n8n-workflow';

import { adomField, TIME_UNIT_OPTIONS } from '../descriptions/common';
import { outputOptionsField } from '../descriptions/output';
import { queryFields } from '../descriptions/query';
import { waitOptionsField } from '../descriptions/waiting';

const queryField = (name: string): INodeProperties => {
	const field = queryFields.find((candidate) => candidate.name === name);
	if (!field) throw new Error(`The query fields have no "${name}" field`);

	// Limit hides itself for Return All, which the trigger does not have.
	return { ...field, displayOptions: undefined };
};

/** The parameters of the IOC Top Threats Trigger. n8n adds its Poll Times field in front of them. */
export const triggerProperties: INodeProperties[] = [
	{
		displayName:
			'Each poll reads the time since the previous poll, plus the overlap, and emits the threats that are new or whose severity, detected or incidents rose. A count has risen when it exceeds the count the previous poll saw, scaled to this window\'s length, by the minimum increase in percent and in incidents. With regular poll times every window has the same length, so counts compare directly.',
		name: 'notice',
		type: 'notice',
		default: '',
	},
	adomField,
	{
		displayName: 'On First Run',
		name: 'firstRun',
		type: 'options',
		options: [
			{
				name: 'Emit Nothing, Record a Baseline',
				value: 'baseline',
				description: 'The first poll only remembers the current threats, and later polls emit what is new or rising',
			},
			{
				name: 'Emit the Current Top Threats',
				value: 'emitCurrent',
				description: 'The first poll emits every current threat with reason "new"',
			},
		],
		default: 'baseline',
		description: 'What the first poll after activation emits, and the first poll after the ADOM, devices or filter changed',
	},
	{
		displayName: 'First Window',
		name: 'firstWindow',
		type: 'number',
		typeOptions: { minValue: 1, numberPrecision: 0 },
		default: 1,
		description:
			'Length of the window the first poll and a manual test read, in the unit below. Set it to the poll interval, so the first comparison is between windows of the same length.',
	},
	{
		displayName: 'First Window Unit',
		name: 'firstWindowUnit',
		type: 'options',
		options: TIME_UNIT_OPTIONS,
		default: 'hours',
	},
	queryField('limit'),
	queryField('queryOptions'),
	{
		displayName: 'Trigger Options',
		name: 'triggerOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Emit When',
				name: 'emitFor',
				type: 'multiOptions',
				options: [
					{ name: 'New Threat', value: 'new', description: 'The trigger does not remember the threat' },
					{ name: 'Severity Rose', value: 'severity-rose', description: 'The severity is higher than at the previous poll' },
					{ name: 'Detected Rose', value: 'detected-rose', description: 'More incidents got through (detected, not blocked) than at the previous poll' },
					{ name: 'Incidents Rose', value: 'incidents-rose', description: 'More incidents than at the previous poll' },
				],
				default: ['new', 'severity-rose', 'detected-rose', 'incidents-rose'],
				description: 'Which changes emit a threat. An item lists every change that applies in "reasons".',
			},
			{
				displayName: 'Forget Threats After (Days)',
				name: 'forgetAfterDays',
				type: 'number',
				typeOptions: { minValue: 0.01 },
				default: 7,
				description: 'A threat no poll returned for this many days is forgotten, so it counts as new when it returns',
			},
			{
				displayName: 'Minimum Increase (%)',
				name: 'minimumIncreasePercent',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 50,
				description: 'How much a count must grow, in percent of the previous count scaled to this window, to count as risen. 0 accepts any growth.',
			},
			{
				displayName: 'Minimum Increase (Incidents)',
				name: 'minimumIncrease',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 1,
				description: 'How many incidents a count must grow by to count as risen, whatever the percentage',
			},
			{
				displayName: 'Overlap (Minutes)',
				name: 'overlapMinutes',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 5,
				description:
					'How far each window reaches back before the previous poll ended, so logs that reach FortiAnalyzer late are not missed. Incidents in the overlap count in both windows.',
			},
		],
	},
	outputOptionsField,
	waitOptionsField,
];
