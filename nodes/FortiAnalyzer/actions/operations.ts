import type { INodeProperties } from 'n8n-workflow';

import { adomField, tidField } from '../descriptions/common';
import { executionOptionsField } from '../descriptions/execution';
import { outputOptionsField } from '../descriptions/output';
import { queryFields } from '../descriptions/query';
import { waitNotice, waitOptionsField } from '../descriptions/waiting';
import * as cancelTask from './cancelTask.operation';
import * as comparePeriods from './comparePeriods.operation';
import * as createTask from './createTask.operation';
import * as fetchResults from './fetchResults.operation';
import * as getTopThreats from './getTopThreats.operation';
import type { Operation } from './types';
import * as waitUntilDone from './waitUntilDone.operation';

export const operations = { createTask, fetchResults, waitUntilDone, getTopThreats, cancelTask, comparePeriods } satisfies Record<string, Operation>;

export type OperationName = keyof typeof operations;

export function isOperationName(name: unknown): name is OperationName {
	return typeof name === 'string' && Object.prototype.hasOwnProperty.call(operations, name);
}

const operationField: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Cancel Task',
			value: 'cancelTask',
			description: 'Cancel a running task and free its search slot',
			action: 'Cancel a top threats task',
		},
		{
			name: 'Compare Periods',
			value: 'comparePeriods',
			description: 'Compare the top threats of two periods: new, resolved, unblocked, escalated or persisting',
			action: 'Compare the top threats of two periods',
		},
		{
			name: 'Create Task',
			value: 'createTask',
			description: 'Start a top-threats task and return its tid',
			action: 'Create a top threats task',
		},
		{
			name: 'Fetch Results',
			value: 'fetchResults',
			description: 'Fetch a task once: its threats when done, otherwise its progress',
			action: 'Fetch the results of a top threats task',
		},
		{
			name: 'Get Top Threats',
			value: 'getTopThreats',
			description: 'Create a task, wait for it, return its threats and delete it',
			action: 'Get top threats',
		},
		{
			name: 'Wait Until Done',
			value: 'waitUntilDone',
			description: 'Poll a task until it is done, then return its threats',
			action: 'Wait until a top threats task is done',
		},
	],
	default: 'getTopThreats',
};

const onlyFor = (field: INodeProperties, names: OperationName[]): INodeProperties => ({
	...field,
	displayOptions: { ...field.displayOptions, show: { ...field.displayOptions?.show, operation: names } },
});

const hiddenFor = (field: INodeProperties, values: Record<string, string[]>): INodeProperties => ({
	...field,
	displayOptions: { ...field.displayOptions, hide: { ...field.displayOptions?.hide, ...values } },
});

/** Every parameter of the node, each shown only for the operations it applies to. */
export const nodeProperties: INodeProperties[] = [
	operationField,
	onlyFor(waitNotice, ['waitUntilDone', 'getTopThreats']),
	onlyFor(adomField, ['createTask', 'fetchResults', 'waitUntilDone', 'getTopThreats', 'cancelTask', 'comparePeriods']),
	onlyFor(tidField, ['fetchResults', 'waitUntilDone', 'cancelTask']),
	// Return All comes before the query fields because Limit's display depends on it.
	...getTopThreats.description,
	...queryFields.map((field) => onlyFor(field, ['createTask', 'getTopThreats'])),
	// Compare Periods reads the current period from these fields, unless it compares two existing tasks.
	comparePeriods.sourceField,
	...queryFields.map((field) => hiddenFor(onlyFor(field, ['comparePeriods']), { compareSource: ['tasks'] })),
	...comparePeriods.description,
	...fetchResults.description,
	...waitUntilDone.description,
	onlyFor(waitOptionsField, ['waitUntilDone', 'getTopThreats', 'comparePeriods']),
	onlyFor(outputOptionsField, ['fetchResults', 'waitUntilDone', 'getTopThreats']),
	executionOptionsField,
];
