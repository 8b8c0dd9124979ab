import type { IDataObject } from 'n8n-workflow';
import { z } from 'zod/v4';

import { severitySchema, type Threat } from '../client';
import { threatKey } from '../helpers/periodComparison';

/**
 * The IOC Top Threats Trigger's memory between polls. It lives in the node's workflow static data, which n8n
 * stores with the workflow, so it survives restarts and any main instance that runs the polls reads the same one.
 */

/** Layout version of the stored memory. A memory of another version is discarded, so the next poll is a first run. */
const MEMORY_VERSION = 1;

/** Key of the memory in the node's static data. */
const STATIC_DATA_KEY = 'topThreats';

/**
 * Remembered threats beyond this many are dropped, least recently seen first. Each takes about 150 bytes of
 * JSON, so the memory stays below about 300 kB even with Limit at 1000.
 */
export const MAX_REMEMBERED_THREATS = 2000;

const rememberedThreatSchema = z.object({
	incidents: z.number().nonnegative(),
	detected: z.number().nonnegative().nullable(),
	severity: severitySchema.nullable(),
	/** Length of the window these counts cover, in milliseconds. */
	windowMs: z.number().positive(),
	/** End of the window of the last poll that returned the threat, in milliseconds since the epoch. */
	seenAt: z.number(),
});

const memorySchema = z.object({
	version: z.literal(MEMORY_VERSION),
	/** The ADOM, devices and filter the counts belong to. A poll with another scope starts a new memory. */
	scope: z.string(),
	/** End of the last poll's window, in milliseconds since the epoch. The next window starts here, minus the overlap. */
	lastWindowEnd: z.number(),
	threats: z.record(z.string(), rememberedThreatSchema),
});

export type RememberedThreat = z.infer<typeof rememberedThreatSchema>;

export type TriggerMemory = z.infer<typeof memorySchema>;

/** One poll's result, as the memory records it. */
export interface PollRecord {
	scope: string;
	windowEnd: number;
	windowMs: number;
	threats: Threat[];
}

/** Reads the memory from the node's static data. Returns undefined when there is none, or it is of another version or unreadable. */
export function readMemory(staticData: IDataObject): TriggerMemory | undefined {
	const stored = staticData[STATIC_DATA_KEY];
	if (stored === undefined) return undefined;

	// n8n wraps stored static data in change-tracking proxies that add a hidden `__dataChanged` key to every object.
	// A record schema would reject that key, so the schema reads a JSON copy, which has only the data.
	const parsed = memorySchema.safeParse(JSON.parse(JSON.stringify(stored)));

	return parsed.success ? parsed.data : undefined;
}

/** Stores the memory as one new object, so that n8n's change tracking marks the static data as changed. */
export function writeMemory(staticData: IDataObject, memory: TriggerMemory): void {
	staticData[STATIC_DATA_KEY] = memory as unknown as IDataObject;
}

/**
 * Returns the memory after a poll: every threat the poll returned with its latest counts, the earlier threats
 * seen within `forgetAfterMs` before the window's end, and at most `MAX_REMEMBERED_THREATS` of them.
 */
export function rememberPoll(previous: TriggerMemory | undefined, poll: PollRecord, forgetAfterMs: number): TriggerMemory {
	const threats: Record<string, RememberedThreat> = {};
	const forgetBefore = poll.windowEnd - forgetAfterMs;

	for (const [key, remembered] of Object.entries(previous?.threats ?? {})) {
		if (remembered.seenAt >= forgetBefore) threats[key] = remembered;
	}
	for (const threat of poll.threats) {
		threats[threatKey(threat)] = {
			incidents: threat.incidents,
			detected: threat.detected,
			severity: threat.severity,
			windowMs: poll.windowMs,
			seenAt: poll.windowEnd,
		};
	}

	return { version: MEMORY_VERSION, scope: poll.scope, lastWindowEnd: poll.windowEnd, threats: keepMostRecent(threats) };
}

function keepMostRecent(threats: Record<string, RememberedThreat>): Record<string, RememberedThreat> {
	const entries = Object.entries(threats);
	if (entries.length <= MAX_REMEMBERED_THREATS) return threats;

	entries.sort(([, left], [, right]) => right.seenAt - left.seenAt);

	return Object.fromEntries(entries.slice(0, MAX_REMEMBERED_THREATS));
}
