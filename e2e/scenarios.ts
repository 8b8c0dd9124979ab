/**
 * What the e2e run does with each workflow: how it adapts the imported copy to the test (loopback URLs), how
 * long the emulator's tasks take, and what it checks in the run data afterwards.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { RunningEmulator } from '../test/emulator';
import type { Checks } from './checks';
import type { N8nInstance, WorkflowJson } from './n8n-instance';
import type { BinaryEntry, ItemJson, WorkflowRun } from './run-data';
import type { TicketStub } from './ticket-stub';
import { branchCounts, checkThreatItems, checkTriageBranches, TRIAGE_NODES } from './triage-checks';

export interface ScenarioContext {
	emulator: RunningEmulator;
	ticketStub: TicketStub;
	instance: N8nInstance;
}

export interface Scenario {
	/** Time the emulator takes for a task to reach 100 %, set before the run. */
	taskDurationMs: number;
	/** Returns the copy of the workflow to import; the file in the repository stays as users see it. */
	prepare(workflow: WorkflowJson, context: ScenarioContext): WorkflowJson;
	/** Checks the run and returns details for the results file. */
	verify(run: WorkflowRun, context: ScenarioContext, checks: Checks): Record<string, unknown>;
}

/** Placeholder addresses in the workflow files, replaced in the imported copies. */
const TICKET_URL_PREFIX = 'https://tickets.example.com';
const BUILTIN_ENDPOINT = 'http://127.0.0.1:8443/jsonrpc';

const DEFAULT_TASK_MS = 1500;

export const SCENARIOS: Record<string, Scenario> = {
	iocTriageExample1: {
		taskDurationMs: DEFAULT_TASK_MS,
		prepare: (workflow) => workflow,
		verify(run, { emulator }, checks) {
			checkThreatItems(checks, run.output(TRIAGE_NODES.threats), { adom: 'root', limit: 50 });
			checkTriageBranches(checks, run, TRIAGE_NODES);
			checkTaskCleanUp(checks, emulator, 1);
			return { threats: run.output(TRIAGE_NODES.threats).length, branches: branchCounts(run, TRIAGE_NODES) };
		},
	},

	iocTriageSession1: {
		taskDurationMs: DEFAULT_TASK_MS,
		prepare: (workflow) => workflow,
		verify(run, { emulator }, checks) {
			checkThreatItems(checks, run.output(TRIAGE_NODES.threats), { adom: 'root', limit: 50 });
			checkTriageBranches(checks, run, TRIAGE_NODES);
			checkTaskCleanUp(checks, emulator, 1);

			const counters = emulator.counters;
			checks.equal('one login', counters.logins, 1);
			checks.equal('one logout', counters.logouts, 1);
			checks.equal('no session left open', counters.openSessions, 0);
			checks.ok('every call after the login used the session', emulator.requests.slice(1).every((request) => request.auth === 'session'));
			return { threats: run.output(TRIAGE_NODES.threats).length, logins: counters.logins, logouts: counters.logouts };
		},
	},

	iocLongTask1: {
		// Longer than two passes through the 2 s Wait node, so the loop must go round at least twice.
		taskDurationMs: 5000,
		prepare: (workflow) => workflow,
		verify: verifyLongTask,
	},

	iocCsvExport1: {
		taskDurationMs: DEFAULT_TASK_MS,
		prepare: (workflow) => workflow,
		verify: verifyCsvExport,
	},

	iocAlertTicket1: {
		taskDurationMs: DEFAULT_TASK_MS,
		prepare(workflow, { ticketStub }) {
			return rewriteUrls(workflow, (url) => (url.startsWith(TICKET_URL_PREFIX) ? ticketStub.url + url.slice(TICKET_URL_PREFIX.length) : url));
		},
		verify: verifyAlertToTicket,
	},

	builtinTriage1: {
		taskDurationMs: DEFAULT_TASK_MS,
		prepare(workflow, { emulator }) {
			return rewriteUrls(workflow, (url) => (url === BUILTIN_ENDPOINT ? `${emulator.url}/jsonrpc` : url));
		},
		verify(run, { emulator }, checks) {
			checks.ok('built-in nodes emitted threats', run.output(BUILTIN_TRIAGE_NODES.threats).length > 0);
			checkTriageBranches(checks, run, BUILTIN_TRIAGE_NODES);
			checks.ok('fetched until done (Fetch task ran twice or more)', run.runCount('Fetch task') >= 2, `${run.runCount('Fetch task')} runs`);
			checkTaskCleanUp(checks, emulator, 1);
			return { threats: run.output(BUILTIN_TRIAGE_NODES.threats).length, branches: branchCounts(run, BUILTIN_TRIAGE_NODES) };
		},
	},
};

/** The built-in workflow maps FortiAnalyzer's rows to threat fields in its Edit Fields node. */
export const BUILTIN_TRIAGE_NODES = { ...TRIAGE_NODES, threats: 'Map to threat fields' };

function verifyLongTask(run: WorkflowRun, { emulator }: ScenarioContext, checks: Checks): Record<string, unknown> {
	const created = run.output('Create task (last 7 days)');
	checks.equal('Create Task emitted one item', created.length, 1);
	const tid = created[0]?.json.tid;
	checks.ok('the item has a numeric tid', typeof tid === 'number', `tid ${JSON.stringify(tid)}`);
	checks.equal('the item has the adom', created[0]?.json.adom, 'root');

	const fetchRuns = run.runCount('Fetch results');
	checks.ok('Fetch Results ran more than once (the loop went round)', fetchRuns >= 2, `${fetchRuns} runs`);
	checks.equal('Wait ran once per fetch', run.runCount('Wait 2 seconds'), fetchRuns);

	const statusItems: ItemJson[] = [];
	for (let runIndex = 0; runIndex < fetchRuns - 1; runIndex++) {
		const items = run.outputOfRun('Fetch results', runIndex);
		checks.equal(`fetch ${runIndex + 1} emitted one status item`, items.length, 1);
		if (items[0]) statusItems.push(items[0].json);
	}
	checks.ok(
		'status items are {tid, adom, percentage < 100, done: false}',
		statusItems.every((item) => item.tid === tid && item.adom === 'root' && item.done === false && typeof item.percentage === 'number' && item.percentage < 100),
		JSON.stringify(statusItems),
	);
	checks.ok(
		'percentage rises from one fetch to the next',
		statusItems.every((item, index) => index === 0 || Number(item.percentage) >= Number(statusItems[index - 1].percentage)),
		JSON.stringify(statusItems.map((item) => item.percentage)),
	);

	const threats = checkThreatItems(checks, run.outputOfRun('Fetch results', fetchRuns - 1), { adom: 'root', limit: 100 });
	checks.ok('threats carry the tid of the created task', threats.every((threat) => threat.tid === tid));
	checks.equal('IF "Still running?" sent each status item back to Wait', run.output('Still running?', 0).length, statusItems.length);
	checks.equal('IF sent the threats on', run.output('Still running?', 1).length, threats.length);
	checks.equal('Top threats received every threat', run.output('Top threats').map((item) => item.json.threat), threats.map((threat) => threat.threat));
	checks.equal('Delete task ran once for the task', run.output('Delete task').map((item) => item.json), [{ tid, adom: 'root', cancelled: true }]);

	const counters = emulator.counters;
	checks.equal('FortiAnalyzer saw one fetch per pass', counters.fetches, fetchRuns);
	checkTaskCleanUp(checks, emulator, 1);
	return { fetches: fetchRuns, percentages: statusItems.map((item) => item.percentage), threats: threats.length };
}

function verifyCsvExport(run: WorkflowRun, { emulator, instance }: ScenarioContext, checks: Checks): Record<string, unknown> {
	checks.equal('the Manual Trigger started the run', run.runCount("When clicking 'Execute workflow'"), 1);
	checks.equal('the Schedule Trigger did not run', run.runCount('Every hour'), 0);

	const threats = checkThreatItems(checks, run.output('Top threats (last hour)'), { adom: 'root', limit: 200 });
	const files = run.output('Top threats CSV');
	checks.equal('Convert to File emitted one file item', files.length, 1);

	const binary = files[0]?.binary?.data;
	checks.ok('the file is in the binary property "data"', binary !== undefined);
	if (!binary) return { threats: threats.length };

	checks.ok('the file name is top-threats-<yyyy-MM-dd-HH>.csv', /^top-threats-\d{4}-\d{2}-\d{2}-\d{2}\.csv$/.test(binary.fileName ?? ''), binary.fileName);
	checks.equal('the MIME type is text/csv', binary.mimeType, 'text/csv');

	let rows: string[][] = [];
	try {
		rows = parseCsv(readBinary(binary, instance));
	} catch (error) {
		checks.fail('the CSV file can be read', error);
		return { threats: threats.length };
	}

	const header = rows[0] ?? [];
	const expectedColumns = ['threat', 'threattype', 'severity', 'incidents', 'blocked', 'detected', 'rank', 'tid', 'adom'];
	checks.equal('the header names the threat fields', expectedColumns.filter((column) => !header.includes(column)), []);
	checks.equal('one CSV row per threat', rows.length - 1, threats.length);

	const column = (name: string) => rows.slice(1).map((row) => row[header.indexOf(name)]);
	checks.equal('the threat column lists the threats in rank order', column('threat'), threats.map((threat) => threat.threat));
	checks.equal('the detected column holds the numbers', column('detected'), threats.map((threat) => String(threat.detected)));

	checkTaskCleanUp(checks, emulator, 1);
	return { threats: threats.length, csvRows: rows.length - 1, fileName: binary.fileName };
}

function verifyAlertToTicket(run: WorkflowRun, { emulator, ticketStub }: ScenarioContext, checks: Checks): Record<string, unknown> {
	const threats = checkThreatItems(checks, run.output('Top threats (last 24 h)'), { adom: 'root', limit: 50 });
	const needsTicket = (threat: ItemJson) => threat.severity === 'critical' || Number(threat.detected) > 0;
	const expected = threats.filter(needsTicket).map((threat) => `root/${String(threat.threat)}`).sort();
	const names = (node: string, output: number) =>
		run
			.output(node, output)
			.map((item) => `root/${String(item.json.threat)}`)
			.sort();

	checks.ok('some threats need a ticket', expected.length > 0);
	checks.ok('some threats need no ticket', expected.length < threats.length, 'every threat matched, so the false branch is untested');
	checks.equal('IF true output = critical or detected threats', names('Critical or got through?', 0), expected);
	checks.equal('IF false output = the other threats', names('Critical or got through?', 1), threats.filter((threat) => !needsTicket(threat)).map((threat) => `root/${String(threat.threat)}`).sort());
	checks.equal('Open ticket emitted one response per ticket', run.output('Open ticket').length, expected.length);

	const received = ticketStub.received;
	checks.ok('every request is a JSON POST to /api/v1/tickets', received.every((request) => request.method === 'POST' && request.path === '/api/v1/tickets' && request.contentType.startsWith('application/json')));
	const keys = received.map((request) => String((request.body as ItemJson | null)?.dedupKey)).sort();
	checks.equal('every expected ticket arrived exactly once', keys, expected);

	const byKey = new Map(threats.map((threat) => [`root/${String(threat.threat)}`, threat]));
	const mismatched = received.filter((request) => {
		const body = request.body as ItemJson;
		const threat = byKey.get(String(body.dedupKey));
		return !threat || body.severity !== threat.severity || body.detected !== threat.detected || body.tid !== threat.tid;
	});
	checks.equal('ticket bodies carry the threat fields', mismatched.length, 0);

	checkTaskCleanUp(checks, emulator, 1);
	return { threats: threats.length, ticketsExpected: expected.length, ticketsReceived: received.length };
}

/** Checks that the run created the given number of tasks and left none open on FortiAnalyzer. */
function checkTaskCleanUp(checks: Checks, emulator: RunningEmulator, tasks: number): void {
	const counters = emulator.counters;
	checks.equal('FortiAnalyzer tasks created', counters.tasksCreated, tasks);
	checks.equal('FortiAnalyzer tasks deleted', counters.tasksDeleted, tasks);
	checks.equal('no FortiAnalyzer task left open', counters.tasksOpen, 0);
}

/** Returns a copy of the workflow with each HTTP Request node's URL passed through `rewrite`. */
function rewriteUrls(workflow: WorkflowJson, rewrite: (url: string) => string): WorkflowJson {
	const copy = structuredClone(workflow);
	for (const node of copy.nodes) {
		if (node.type === 'n8n-nodes-base.httpRequest' && typeof node.parameters.url === 'string') {
			node.parameters.url = rewrite(node.parameters.url);
		}
	}
	return copy;
}

/**
 * Reads a binary property from run data as text. n8n 1.x keeps binary data in memory by default, as base64 in
 * `data`. n8n 2.x stores it on disk and puts `filesystem-v2:<relative path>` in `id`, under `.n8n/storage`
 * (`.n8n/binaryData` in 1.x when filesystem mode is chosen).
 */
function readBinary(entry: BinaryEntry, instance: N8nInstance): string {
	let bytes: Buffer;
	const fileId = /^filesystem(?:-v2)?:(.+)$/.exec(entry.id ?? '');
	if (fileId) {
		const candidates = ['storage', 'binaryData'].map((folder) => path.join(instance.userFolder, '.n8n', folder, fileId[1]));
		const file = candidates.find((candidate) => fs.existsSync(candidate));
		if (!file) throw new Error(`binary file ${entry.id} not found in ${candidates.join(' or ')}`);
		bytes = fs.readFileSync(file);
	} else if (entry.data) {
		bytes = Buffer.from(entry.data, 'base64');
	} else {
		throw new Error(`binary entry has neither data nor a filesystem id: ${JSON.stringify(entry)}`);
	}

	// Convert to File starts its CSV with a UTF-8 byte order mark.
	return bytes.toString('utf8').replace(/^\uFEFF/, '');
}

/** Parses CSV as RFC 4180 describes it: quoted fields may contain commas, quotes ("") and line breaks. */
export function parseCsv(text: string): string[][] {
	const rows: string[][] = [];
	let row: string[] = [];
	let field = '';
	let quoted = false;

	for (let index = 0; index < text.length; index++) {
		const char = text[index];
		if (quoted) {
			if (char === '"' && text[index + 1] === '"') {
				field += '"';
				index++;
			} else if (char === '"') {
				quoted = false;
			} else {
				field += char;
			}
			continue;
		}

		if (char === '"') quoted = true;
		else if (char === ',') {
			row.push(field);
			field = '';
		} else if (char === '\n' || char === '\r') {
			if (char === '\r' && text[index + 1] === '\n') index++;
			row.push(field);
			rows.push(row);
			row = [];
			field = '';
		} else field += char;
	}

	if (field !== '' || row.length > 0) {
		row.push(field);
		rows.push(row);
	}
	return rows;
}
