/**
 * Renders threat totals as rows in either FortiView dialect.
 */
import { LEVELS } from './catalogue';
import type { ThreatTotal } from './dataset';

/** A top-threats row as FortiAnalyzer 7.4 and 7.6 send it: FortiAnalyzer's keys, every number a string. */
export interface Apiver3Row {
	threat: string;
	threattype: string;
	threatlevel: string;
	level_s: string;
	threatweight: string;
	threat_block: string;
	threat_pass: string;
	incidents: string;
	incident_block: string;
	incident_pass: string;
	logtype: string;
	logtype_str: string;
	fortigate: string;
	devvds: string;
	cve_list: string;
	appid: string;
	obf_url: string;
}

/** A threat in the documented shape, numbers as numbers. */
export interface DocumentedThreat {
	threat: string;
	threattype: string;
	severity: string;
	incidents: number;
	sources: number;
	destinations: number;
	blocked: number;
	detected: number;
}

export function toApiver3Row(total: ThreatTotal): Apiver3Row {
	const { definition } = total;
	const { label, weight } = LEVELS[definition.level];
	const incidentBlock = total.incidents - total.incidentPass;

	// Live captures show anomalies with log type 1 and other detections, antivirus included, with traffic (10).
	const anomaly = definition.category === 'anomaly';

	return {
		threat: definition.threat,
		threattype: definition.threattype,
		threatlevel: String(definition.level),
		level_s: label,
		threatweight: String(total.incidents * weight),
		threat_block: String(incidentBlock * weight),
		threat_pass: String(total.incidentPass * weight),
		incidents: String(total.incidents),
		incident_block: String(incidentBlock),
		incident_pass: String(total.incidentPass),
		logtype: anomaly ? '1' : '10',
		logtype_str: anomaly ? 'anomaly' : 'traffic',
		fortigate: total.devices.map((device) => device.name).join(','),
		devvds: total.devices.map((device) => `${device.name}[${device.vdom}]`).join(','),
		cve_list: definition.cve ?? '',
		appid: String(definition.appid ?? 0),
		obf_url: definition.category === 'website' ? defang(definition.threat) : '',
	};
}

export function toDocumentedThreat(total: ThreatTotal): DocumentedThreat {
	const { definition } = total;
	return {
		threat: definition.threat,
		threattype: definition.threattype,
		severity: LEVELS[definition.level].label.toLowerCase(),
		incidents: total.incidents,
		sources: total.sources.length,
		destinations: total.destinations.length,
		blocked: total.incidents - total.incidentPass,
		detected: total.incidentPass,
	};
}

/** Returns the domain with every dot written `[dot]`, as in FortiAnalyzer's `obf_url`. */
function defang(domain: string): string {
	return domain.replaceAll('.', '[dot]');
}
