import type { INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { absoluteTimeRange, type ConnectionSettings, FortiAnalyzerClient, type TimeRange, type TopThreatsQuery, waitForTask, type WaitResult } from '../client';
import { abortableSleep } from '../actions/waiting';
import { connectionSettings, defaultAdom } from '../helpers/connection';
import { toNodeError } from '../helpers/nodeErrors';
import { keepThreat, threatOutput } from '../helpers/output';
import { threatKey } from '../helpers/periodComparison';
import { readMemory, rememberPoll, type TriggerMemory, writeMemory } from './memory';
import { readTriggerSettings, type TriggerSettings } from './parameters';
import { EMIT_REASONS, type EmitReason, reasonsFor, type TrendThreat, trendThreat } from './reasons';

/** Minimum window length a poll reads, so that two polls within a second still request a real range from FortiAnalyzer. */
const MIN_WINDOW_MS = 60_000;

/**
 * Polls of this process that are still running, by workflow and node. A poll that starts while the previous
 * one still waits for FortiAnalyzer is skipped, so two polls never compare against the same memory.
 * NOTE: this guards one n8n process only, which suffices while n8n runs an active workflow's polls on one main instance.
 */
const runningPolls = new Set<string>();

interface PollWindow {
	startMs: number;
	endMs: number;
}

/**
 * Runs one poll of the IOC Top Threats Trigger: a top-threats task for the time since the previous poll (plus
 * the overlap), compared with the memory in the node's static data. Returns the threats that are new or rose.
 * Returns null when there are none, when a first run only records a baseline, or when the previous poll is still running. In manual mode (the editor's test) it reads the first window, emits every threat
 * as new and neither reads nor changes the memory. Every failure becomes an n8n node error.
 */
export async function pollTopThreats(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	try {
		return await poll(this);
	} catch (error) {
		throw toNodeError(this.getNode(), error);
	}
}

async function poll(context: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const manual = context.getMode() === 'manual';
	const credentials = await context.getCredentials('fortiAnalyzerApi');
	const settings = readTriggerSettings(context, defaultAdom(credentials));
	const scope = JSON.stringify({ adom: settings.adom, devices: settings.query.devices, filter: settings.query.filter ?? '' });

	const staticData = context.getWorkflowStaticData('node');
	const memory = manual ? undefined : currentMemory(context, readMemory(staticData), scope);

	const window = pollWindow(memory?.lastWindowEnd, Date.now(), settings);
	const windowMs = window.endMs - window.startMs;
	const timeRange = absoluteTimeRange(
		new Date(window.startMs).toISOString(),
		new Date(window.endMs).toISOString(),
		settings.query.timezone,
		new Date(window.endMs),
	);

	const pollKey = `${context.getWorkflow().id ?? ''}:${context.getNode().id ?? context.getNode().name}`;
	if (!manual && runningPolls.has(pollKey)) {
		context.logger.warn('IOC Top Threats Trigger skipped a poll because the previous poll is still running', { adom: settings.adom });
		return null;
	}

	if (!manual) runningPolls.add(pollKey);
	let result: WaitResult;
	try {
		result = await fetchTopThreats(context, connectionSettings(credentials), settings, timeRange);
	} finally {
		if (!manual) runningPolls.delete(pollKey);
	}

	const emitted = compareWithMemory(result, memory, settings, { windowMs, timeRange });
	context.logger.debug('IOC Top Threats Trigger polled FortiAnalyzer', {
		adom: settings.adom,
		windowStart: timeRange.startUtc,
		windowEnd: timeRange.endUtc,
		threats: result.threats.length,
		emitted: emitted.length,
	});

	// NOTE: n8n writes static data to its database only when a poll emits items, so after a restart a quiet poll's
	// memory is lost and the next window reaches back to the last poll that emitted.
	if (!manual) {
		writeMemory(staticData, rememberPoll(memory, { scope, windowEnd: window.endMs, windowMs, threats: result.threats }, settings.forgetAfterMs));
	}
	if (!manual && !memory && settings.firstRun === 'baseline') return null;
	if (emitted.length === 0) return null;

	const byReason = Object.fromEntries(EMIT_REASONS.map((reason) => [reason, emitted.filter((threat) => threat.reason === reason).length]));
	const summaryFields = { timeRange: { ...timeRange }, windowMinutes: emitted[0].windowMinutes, byReason };

	return [context.helpers.returnJsonArray(threatOutput({ ...result, threats: emitted }, settings.output, summaryFields))];
}

/** Returns the stored memory when it belongs to this scope, and none after a change of ADOM, devices or filter. */
function currentMemory(context: IPollFunctions, stored: TriggerMemory | undefined, scope: string): TriggerMemory | undefined {
	if (stored === undefined || stored.scope === scope) return stored;

	context.logger.info('IOC Top Threats Trigger starts a new baseline because the ADOM, devices or filter changed');
	return undefined;
}

/**
 * Computes the window of a poll: from the previous poll's end minus the overlap (the first window when there was no
 * previous poll) up to now, in whole seconds, which is FortiAnalyzer's resolution.
 */
export function pollWindow(lastWindowEnd: number | undefined, now: number, settings: Pick<TriggerSettings, 'firstWindowMs' | 'overlapMs'>): PollWindow {
	const endMs = Math.floor(now / 1000) * 1000;
	if (lastWindowEnd === undefined) return { startMs: endMs - settings.firstWindowMs, endMs };

	return { startMs: Math.min(lastWindowEnd - settings.overlapMs, endMs - MIN_WINDOW_MS), endMs };
}

/** Creates, waits for and deletes one task with its own login, which is logged out also when the poll fails. */
async function fetchTopThreats(
	context: IPollFunctions,
	connection: ConnectionSettings,
	settings: TriggerSettings,
	timeRange: TimeRange,
): Promise<WaitResult> {
	const query: TopThreatsQuery = {
		timeRange,
		devices: settings.query.devices,
		filter: settings.query.filter,
		limit: settings.limit,
		sort: settings.query.sort,
	};

	const client = new FortiAnalyzerClient(connection, { logger: context.logger, sleep: abortableSleep });
	try {
		const tid = await client.createTopThreatsTask(settings.adom, query);
		try {
			return await waitForTask(client, settings.adom, tid, {
				...settings.wait,
				sleep: abortableSleep,
				fetch: { includeRaw: settings.output.includeRaw },
				onProgress: ({ percentage, elapsedMs }) => {
					context.logger.debug(`FortiAnalyzer task ${tid} at ${percentage} % after ${(elapsedMs / 1000).toFixed(1)} s`, { tid, percentage });
				},
			});
		} finally {
			await deleteTask(context, client, settings.adom, tid);
		}
	} finally {
		await client.close();
	}
}

/** Deletes the poll's task so it does not hold a FortiAnalyzer search slot. A failure is logged, not thrown. */
async function deleteTask(context: IPollFunctions, client: FortiAnalyzerClient, adom: string, tid: number): Promise<void> {
	try {
		await client.cancelTopThreatsTask(adom, tid);
	} catch (error) {
		context.logger.warn(`Could not delete FortiAnalyzer task ${tid}`, { tid, adom, error: error instanceof Error ? error.message : String(error) });
	}
}

/** Returns the threats to emit: those with a chosen reason that pass the output options, in FortiAnalyzer's order. */
function compareWithMemory(
	result: WaitResult,
	memory: TriggerMemory | undefined,
	settings: TriggerSettings,
	window: { windowMs: number; timeRange: TimeRange },
): TrendThreat[] {
	const emitted: TrendThreat[] = [];
	// Without a memory (a first run that emits, or a manual test) every threat is new and is emitted as such,
	// even when Emit When leaves out new threats.
	const emitFor = memory ? settings.emitFor : EMIT_REASONS;

	for (const threat of result.threats) {
		if (!keepThreat(threat, settings.output)) continue;

		const remembered = memory?.threats[threatKey(threat)];
		const reasons: EmitReason[] = reasonsFor(threat, remembered, window.windowMs, settings.rise);
		if (!reasons.some((reason) => emitFor.includes(reason))) continue;

		emitted.push(trendThreat(threat, reasons, emitFor, remembered, window));
	}

	return emitted;
}
