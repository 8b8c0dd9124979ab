/**
 * Deterministic top-threats totals for an ADOM and a time window.
 *
 * Each threat has an hourly base rate. Every clock hour gets a seeded variation between 0.4 and 1.6 of that rate,
 * and each ADOM scales a threat by its own seeded factor (and drops about one threat in eight outside `root`).
 * So the same ADOM and window always give the same totals, and longer windows give larger counts.
 */
import { type Device, DEVICES, THREATS, type ThreatDefinition } from './catalogue';

export interface TimeWindow {
	startMs: number;
	endMs: number;
}

/** One threat summed over a window: the counts and the devices and addresses that saw it. */
export interface ThreatTotal {
	definition: ThreatDefinition;
	incidents: number;
	/** Incidents that passed (detected, not blocked); at most `incidents`. */
	incidentPass: number;
	devices: Device[];
	sources: string[];
	destinations: string[];
	dstcountry: string;
}

/** The list fields of a total that a device selection or a filter can narrow. */
export type ListField = 'devices' | 'sources' | 'destinations';

const HOUR_MS = 3_600_000;
/** Windows longer than two years use the mean rate, so that a request spanning centuries cannot stall the server. */
const MAX_SAMPLED_HOURS = 2 * 366 * 24;
const ROOT_ADOM = 'root';
const ABSENT_SHARE = 0.12;
const COUNTRIES = ['United States', 'Netherlands', 'Russian Federation', 'China', 'Germany', 'Brazil', 'Singapore'];

/** Sums every threat over the window for the ADOM; threats without incidents are left out. */
export function aggregateThreats(adom: string, window: TimeWindow): ThreatTotal[] {
	const totals: ThreatTotal[] = [];

	for (const definition of THREATS) {
		const threatSeed = hashText(`${adom}|${definition.threat}`);
		if (adom !== ROOT_ADOM && fraction(mix(threatSeed, 1)) < ABSENT_SHARE) continue;

		const adomScale = 0.4 + 1.2 * fraction(mix(threatSeed, 2));
		const incidents = Math.round(expectedIncidents(definition, threatSeed, window) * adomScale);
		if (incidents === 0) continue;

		totals.push({
			definition,
			incidents,
			incidentPass: Math.round(incidents * definition.passRatio),
			devices: definition.devices.map((index) => DEVICES[index]),
			sources: sourceAddresses(definition, threatSeed).slice(0, incidents),
			destinations: destinationAddresses(definition, threatSeed).slice(0, incidents),
			dstcountry: isInbound(definition) ? 'Reserved' : COUNTRIES[hashText(definition.threat) % COUNTRIES.length],
		});
	}

	return totals;
}

/**
 * Returns the totals a task reports at `percentage` below 100: every count cut to that share (rounded down) and
 * threats whose count falls to zero left out, like the partial aggregate of a real unit.
 */
export function partialTotals(totals: ThreatTotal[], percentage: number): ThreatTotal[] {
	if (percentage >= 100) return totals;

	const share = percentage / 100;
	const partial: ThreatTotal[] = [];
	for (const total of totals) {
		const incidents = Math.floor(total.incidents * share);
		if (incidents === 0) continue;
		partial.push(withIncidents(total, incidents, Math.floor(total.incidentPass * share)));
	}
	return partial;
}

/**
 * Keeps the entries of one list field whose flag in `keepEntry` is true and scales the counts by their share,
 * to at least one incident. Returns undefined when no entry is kept.
 */
export function narrowTotal(total: ThreatTotal, field: ListField, keepEntry: boolean[]): ThreatTotal | undefined {
	const keptCount = keepEntry.filter(Boolean).length;
	if (keptCount === 0) return undefined;
	if (keptCount === keepEntry.length) return total;

	const narrowed = { ...total };
	switch (field) {
		case 'devices':
			narrowed.devices = total.devices.filter((_, index) => keepEntry[index]);
			break;
		case 'sources':
			narrowed.sources = total.sources.filter((_, index) => keepEntry[index]);
			break;
		case 'destinations':
			narrowed.destinations = total.destinations.filter((_, index) => keepEntry[index]);
			break;
	}

	const share = keptCount / keepEntry.length;
	const incidents = Math.max(1, Math.round(total.incidents * share));
	return withIncidents(narrowed, incidents, Math.round(total.incidentPass * share));
}

function withIncidents(total: ThreatTotal, incidents: number, incidentPass: number): ThreatTotal {
	return {
		...total,
		incidents,
		incidentPass: Math.min(incidentPass, incidents),
		sources: total.sources.slice(0, incidents),
		destinations: total.destinations.slice(0, incidents),
	};
}

function expectedIncidents(definition: ThreatDefinition, threatSeed: number, window: TimeWindow): number {
	const hours = (window.endMs - window.startMs) / HOUR_MS;
	if (hours > MAX_SAMPLED_HOURS) return definition.ratePerHour * hours;

	let sum = 0;
	for (let hour = Math.floor(window.startMs / HOUR_MS); hour * HOUR_MS < window.endMs; hour++) {
		const overlapMs = Math.min(window.endMs, (hour + 1) * HOUR_MS) - Math.max(window.startMs, hour * HOUR_MS);
		const variation = 0.4 + 1.2 * fraction(mix(threatSeed, hour));
		sum += (definition.ratePerHour * variation * overlapMs) / HOUR_MS;
	}
	return sum;
}

/** Attacks and anomalies come from outside to internal servers; the rest goes from internal hosts outwards. */
function isInbound(definition: ThreatDefinition): boolean {
	return definition.category === 'ips' || definition.category === 'anomaly' || definition.category === 'policy';
}

function sourceAddresses(definition: ThreatDefinition, threatSeed: number): string[] {
	const external = (value: number) => `${value % 2 === 0 ? '198.51.100' : '203.0.113'}.${1 + (value % 254)}`;
	const internalClient = (value: number) => `10.20.${1 + (value % 40)}.${1 + ((value >>> 8) % 254)}`;
	return distinctAddresses(definition.sourceCount, mix(threatSeed, -1), isInbound(definition) ? external : internalClient);
}

function destinationAddresses(definition: ThreatDefinition, threatSeed: number): string[] {
	const internalServer = (value: number) => `10.10.0.${1 + (value % 60)}`;
	const external = (value: number) => `192.0.2.${1 + (value % 254)}`;
	return distinctAddresses(definition.destinationCount, mix(threatSeed, -2), isInbound(definition) ? internalServer : external);
}

/** Draws up to `count` distinct addresses from a seeded sequence; each address range contains 60 or more. */
function distinctAddresses(count: number, seed: number, format: (value: number) => string): string[] {
	const addresses = new Set<string>();
	for (let draw = 0; addresses.size < count && draw < count * 20; draw++) {
		addresses.add(format(mix(seed, draw)));
	}
	return [...addresses];
}

/** 32-bit FNV-1a hash of a string. */
function hashText(text: string): number {
	let hash = 0x811c9dc5;
	for (let index = 0; index < text.length; index++) {
		hash ^= text.charCodeAt(index);
		hash = Math.imul(hash, 0x01000193);
	}
	return hash >>> 0;
}

/** Mixes a number into a seed with the MurmurHash3 finaliser; returns an unsigned 32-bit value. */
function mix(seed: number, value: number): number {
	let hash = (seed ^ Math.imul(value, 0x9e3779b1)) >>> 0;
	hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
	hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
	return (hash ^ (hash >>> 16)) >>> 0;
}

function fraction(hash: number): number {
	return hash / 2 ** 32;
}
