import type { IDataObject, IPollFunctions } from 'n8n-workflow';

import { InvalidInputError, type RelativeUnit, validateAdom, validateLimit } from '../client';
import { type OutputOptions, parseOutputOptions, parseQueryOptions, parseWaitSettings, type QueryOptions, type WaitSettings } from '../helpers/parameters';
import { EMIT_REASONS, type EmitReason, type RiseRule } from './reasons';

const UNIT_MS: Record<RelativeUnit, number> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 };

const DAY_MS = UNIT_MS.days;

/** The trigger's parameters, validated. */
export interface TriggerSettings {
	adom: string;
	/** On a first run, emit nothing (`baseline`) or every current threat as new (`emitCurrent`). */
	firstRun: 'baseline' | 'emitCurrent';
	/** Length of the first poll's window, and of a manual test's. */
	firstWindowMs: number;
	/** Time in ms that each window reaches back before the previous poll's end. */
	overlapMs: number;
	emitFor: EmitReason[];
	rise: RiseRule;
	forgetAfterMs: number;
	limit: number;
	query: QueryOptions;
	output: OutputOptions;
	wait: WaitSettings;
}

/** Reads and validates the trigger's parameters, so bad input fails before any request. */
export function readTriggerSettings(context: IPollFunctions, defaultAdom: string): TriggerSettings {
	const adom = context.getNodeParameter('adom', '') as string;
	const options = context.getNodeParameter('triggerOptions', {}) as IDataObject;

	return {
		adom: validateAdom(adom.trim() === '' ? defaultAdom : adom),
		firstRun: context.getNodeParameter('firstRun', 'baseline') === 'emitCurrent' ? 'emitCurrent' : 'baseline',
		firstWindowMs: readFirstWindow(context),
		overlapMs: nonNegative(options.overlapMinutes, 5, 'Overlap (Minutes)') * UNIT_MS.minutes,
		emitFor: readEmitFor(options.emitFor),
		rise: {
			minimumIncreasePercent: nonNegative(options.minimumIncreasePercent, 50, 'Minimum Increase (%)'),
			minimumIncrease: nonNegative(options.minimumIncrease, 1, 'Minimum Increase (Incidents)'),
		},
		forgetAfterMs: positive(options.forgetAfterDays, 7, 'Forget Threats After (Days)') * DAY_MS,
		limit: validateLimit(context.getNodeParameter('limit', 50)),
		query: parseQueryOptions(context.getNodeParameter('queryOptions', {}) as IDataObject, context.getTimezone()),
		output: parseOutputOptions(context.getNodeParameter('outputOptions', {}) as IDataObject),
		wait: parseWaitSettings(context.getNodeParameter('waitOptions', {}) as IDataObject),
	};
}

function readFirstWindow(context: IPollFunctions): number {
	const amount = context.getNodeParameter('firstWindow', 1);
	const unit = context.getNodeParameter('firstWindowUnit', 'hours');
	if (unit !== 'minutes' && unit !== 'hours' && unit !== 'days') {
		throw new InvalidInputError('First Window Unit', `"${String(unit)}" is not minutes, hours or days`);
	}
	if (typeof amount !== 'number' || !Number.isInteger(amount) || amount < 1) {
		throw new InvalidInputError('First Window', `${String(amount)} is not a whole number of 1 or more`);
	}

	return amount * UNIT_MS[unit];
}

function readEmitFor(value: unknown): EmitReason[] {
	if (value === undefined) return [...EMIT_REASONS];

	const chosen = Array.isArray(value) ? EMIT_REASONS.filter((reason) => value.includes(reason)) : [];
	if (chosen.length === 0) {
		throw new InvalidInputError('Emit When', 'no reason is selected, so the trigger would never emit', 'Select at least one reason, e.g. New Threat');
	}

	return chosen;
}

function nonNegative(value: unknown, fallback: number, field: string): number {
	if (value === undefined) return fallback;
	if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
		throw new InvalidInputError(field, `${String(value)} is not a number of 0 or more`);
	}

	return value;
}

function positive(value: unknown, fallback: number, field: string): number {
	if (value === undefined) return fallback;
	if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
		throw new InvalidInputError(field, `${String(value)} is not a number above 0`);
	}

	return value;
}
