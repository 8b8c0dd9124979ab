import type { INodeProperties } from 'n8n-workflow';

/** Notice above the parameters of the operations that wait. They keep the execution busy, and long tasks need a Wait node. */
export const waitNotice: INodeProperties = {
	displayName:
		'The node polls FortiAnalyzer until the task is done, for at most Max Wait Time (2 minutes unless set in Waiting Options), and holds the execution meanwhile. For longer tasks use Create Task, a Wait node and Fetch Results.',
	name: 'waitNotice',
	type: 'notice',
	default: '',
};

/** Options for how long and how often to poll a task, shown by Wait Until Done, Get Top Threats, Compare Periods and the trigger. */
export const waitOptionsField: INodeProperties = {
	displayName: 'Waiting Options',
	name: 'waitOptions',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Max Wait Time (Seconds)',
			name: 'maxWaitSeconds',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 120,
			description: 'Stop waiting with an error after this many seconds. For longer tasks use Create Task, a Wait node and Fetch Results.',
		},
		{
			displayName: 'Min Poll Interval (Milliseconds)',
			name: 'minPollIntervalMs',
			type: 'number',
			typeOptions: { minValue: 50 },
			default: 200,
			description: 'Minimum pause between two polls',
		},
		{
			displayName: 'Max Poll Interval (Seconds)',
			name: 'maxPollIntervalSeconds',
			type: 'number',
			typeOptions: { minValue: 0.1 },
			default: 5,
			description: 'Maximum pause between two polls. Within it, the pause follows the progress FortiAnalyzer reports.',
		},
		{
			displayName: 'Stall Timeout (Seconds)',
			name: 'stallTimeoutSeconds',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 60,
			description: 'Stop waiting with an error when the percentage has not moved for this many seconds, even before Max Wait Time',
		},
	],
};
