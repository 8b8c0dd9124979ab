/**
 * Checks shared by the workflows that triage threats: the shape of each threat item, and that the IF on
 * `detected > 0` and the Switch on severity send every threat down exactly one branch.
 */
import type { Checks } from './checks';
import type { Item, ItemJson, WorkflowRun } from './run-data';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;

/** Node names of a triage workflow: the node that emits threats, then IF, Switch and the blocked branch. */
export interface TriageNodes {
	threats: string;
	detectedCheck: string;
	severitySwitch: string;
	blocked: string;
}

export const TRIAGE_NODES: TriageNodes = {
	threats: 'Top threats (last 24 h)',
	detectedCheck: 'Got through? (detected > 0)',
	severitySwitch: 'Route by severity',
	blocked: 'Blocked: log only',
};

const NUMBER_FIELDS = ['incidents', 'blocked', 'detected', 'rank', 'tid'] as const;
const NULLABLE_NUMBER_FIELDS = ['sources', 'destinations', 'threatweight'] as const;

/**
 * Checks the canonical threat items of the IOC Top Threats node as FortiAnalyzer's apiver-3 dialect fills them.
 * Returns the threats; the checks fail when there are none.
 */
export function checkThreatItems(checks: Checks, items: Item[], expected: { adom: string; limit: number }): ItemJson[] {
	const threats = items.map((item) => item.json);
	checks.ok('node emitted threats', threats.length > 0, 'no items');
	checks.ok(`at most ${expected.limit} threats`, threats.length <= expected.limit, `${threats.length} items`);

	const badShape = threats.filter((threat) => !hasThreatShape(threat));
	checks.equal('every item has the canonical threat fields and types', badShape.slice(0, 3), []);

	checks.equal(
		'ranks are 1..n in order',
		threats.map((threat) => threat.rank),
		threats.map((_, index) => index + 1),
	);
	checks.equal('one tid for all threats', new Set(threats.map((threat) => threat.tid)).size, threats.length > 0 ? 1 : 0);
	checks.ok('adom on every threat', threats.every((threat) => threat.adom === expected.adom), `expected ${expected.adom}`);
	checks.equal(
		'incidents = blocked + detected',
		threats.filter((threat) => threat.incidents !== Number(threat.blocked) + Number(threat.detected)).map((threat) => threat.threat),
		[],
	);
	checks.ok(
		'sorted by threatweight, descending',
		threats.every((threat, index) => index === 0 || Number(threats[index - 1].threatweight) >= Number(threat.threatweight)),
	);
	checks.equal('threat names are unique', new Set(threats.map((threat) => threat.threat)).size, threats.length);
	return threats;
}

function hasThreatShape(threat: ItemJson): boolean {
	if (typeof threat.threat !== 'string' || threat.threat === '') return false;
	if (typeof threat.threattype !== 'string') return false;
	if (!SEVERITIES.includes(threat.severity as (typeof SEVERITIES)[number])) return false;
	if (typeof threat.adom !== 'string') return false;
	if (!NUMBER_FIELDS.every((field) => typeof threat[field] === 'number')) return false;
	return NULLABLE_NUMBER_FIELDS.every((field) => threat[field] === null || typeof threat[field] === 'number');
}

/**
 * Checks the branches of a triage run: the IF's true output contains exactly the threats with `detected > 0`,
 * each of them leaves the Switch on the output of its severity, and the blocked branch receives the rest.
 */
export function checkTriageBranches(checks: Checks, run: WorkflowRun, nodes: TriageNodes): void {
	const threats = run.output(nodes.threats).map((item) => item.json);
	const names = (items: Item[]) => items.map((item) => String(item.json.threat)).sort();
	const namesOf = (list: ItemJson[]) => list.map((threat) => String(threat.threat)).sort();

	const detected = threats.filter((threat) => Number(threat.detected) > 0);
	const blocked = threats.filter((threat) => !(Number(threat.detected) > 0));
	checks.equal('IF true output = threats with detected > 0', names(run.output(nodes.detectedCheck, 0)), namesOf(detected));
	checks.equal('IF false output = threats with detected = 0', names(run.output(nodes.detectedCheck, 1)), namesOf(blocked));

	SEVERITIES.forEach((severity, outputIndex) => {
		const expected = detected.filter((threat) => threat.severity === severity);
		checks.equal(`Switch output ${outputIndex} (${severity})`, names(run.output(nodes.severitySwitch, outputIndex)), namesOf(expected));
	});
	checks.equal('blocked branch received the blocked threats', names(run.output(nodes.blocked)), namesOf(blocked));

	// Every threat must reach exactly one end of the workflow: a Switch output or the blocked branch.
	const branchesOf = new Map<string, string[]>();
	const record = (items: Item[], branch: string) => {
		for (const item of items) {
			const name = String(item.json.threat);
			branchesOf.set(name, [...(branchesOf.get(name) ?? []), branch]);
		}
	};
	SEVERITIES.forEach((severity, outputIndex) => record(run.output(nodes.severitySwitch, outputIndex), severity));
	record(run.output(nodes.blocked), 'blocked');

	const notExactlyOnce = threats
		.map((threat) => ({ threat: String(threat.threat), branches: branchesOf.get(String(threat.threat)) ?? [] }))
		.filter((entry) => entry.branches.length !== 1);
	checks.equal('every threat in exactly one branch', notExactlyOnce, []);
	checks.equal('no item appears that the threats node did not emit', [...branchesOf.keys()].filter((name) => !threats.some((threat) => threat.threat === name)), []);
}

/** Counts threats per branch, for the results file. */
export function branchCounts(run: WorkflowRun, nodes: TriageNodes): Record<string, number> {
	const counts: Record<string, number> = {};
	SEVERITIES.forEach((severity, outputIndex) => {
		counts[severity] = run.output(nodes.severitySwitch, outputIndex).length;
	});
	counts.blocked = run.output(nodes.blocked).length;
	return counts;
}
