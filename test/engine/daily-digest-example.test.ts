import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { StickyNote } from 'n8n-nodes-base/dist/nodes/StickyNote/StickyNote.node';

import { IocTopThreatsTrigger } from '../../nodes/FortiAnalyzer/IocTopThreatsTrigger.node';
import { type RunningEmulator, startEmulator } from '../emulator';
import { createNodeTypes, runWorkflow, type WorkflowJson } from './harness';
import { apiKeyCredential, credentialTypes } from './ioc-workflow';
import { createPoller } from './poll-harness';

const EXAMPLE = join(__dirname, '..', '..', 'examples', 'ioc-daily-digest.workflow.json');
const TRIGGER = 'Every morning: new and rising threats';
const COMPOSE = 'Compose the digest';
const POST = 'Post the digest';
const DAY_MS = 86_400_000;
const T0 = Date.UTC(2026, 2, 2, 7, 0, 0);

const nodeTypes = createNodeTypes([
	{ type: 'n8n-nodes-fortianalyzer.iocTopThreatsTrigger', nodeType: new IocTopThreatsTrigger() },
	{ type: 'n8n-nodes-base.stickyNote', nodeType: new StickyNote() },
]);

const example = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as WorkflowJson;

let emulator: RunningEmulator;

beforeAll(async () => {
	emulator = await startEmulator({ taskDurationMs: 0 });
});

afterAll(async () => {
	await emulator.stop();
});

afterEach(() => {
	jest.restoreAllMocks();
	emulator.setThreatChanges('root', []);
});

function run(workflow: WorkflowJson) {
	return runWorkflow(workflow, { nodeTypes, credentialTypes, credentials: { fortiAnalyzerApi: apiKeyCredential(emulator) } });
}

describe('daily digest example', () => {
	test('example has a fixed id and the shared credential', () => {
		const trigger = example.nodes.find((node) => node.name === TRIGGER);

		expect(example.id).toBe('iocDailyDigestExample1');
		expect(trigger?.credentials).toEqual({ fortiAnalyzerApi: { id: 'fazEmulatorCred1', name: 'FortiAnalyzer' } });
	});

	test('test run composes a digest of the current threats', async () => {
		const result = await run(example);

		expect(result.status).toBe('success');
		expect(result.executedNodes()).toEqual([TRIGGER, COMPOSE, POST]);
		const [digest] = result.output(POST).map((item) => item.json);
		expect(digest.subject).toMatch(/^FortiAnalyzer ADOM root: \d+ new or rising threats since /);
		expect(String(digest.text)).toContain('Apache.Log4j.Error.Log.Remote.Code.Execution (ips): new, ');
		expect(String(digest.text)).not.toMatch(/\[(low|info)\]/);
	});

	test('second morning digests only the rising threat', async () => {
		let now = T0;
		jest.spyOn(Date, 'now').mockImplementation(() => now);
		const trigger = createPoller({ nodeTypes, credentialTypes, workflow: example, nodeName: TRIGGER, credentials: { fortiAnalyzerApi: apiKeyCredential(emulator) } });

		expect(await trigger.poll()).toBeNull();
		now += DAY_MS;
		emulator.setThreatChanges('root', [{ threat: 'udp_flood', scale: 5 }]);
		const emitted = (await trigger.poll()) as INodeExecutionData[][];

		const summary = emitted[0][0].json;
		// Scaling udp_flood scales its detected incidents too, and detected comes first among the reasons.
		expect((summary.threats as IDataObject[]).map((threat) => [threat.threat, threat.reasons])).toEqual([
			['udp_flood', ['detected-rose', 'incidents-rose']],
		]);

		// In production n8n runs the workflow with the poll's items as the trigger's output; pinned data does the same.
		const result = await run({ ...example, pinData: { [TRIGGER]: emitted[0] } });
		const [digest] = result.output(POST).map((item) => item.json);
		expect(digest.subject).toBe('FortiAnalyzer ADOM root: 1 new or rising threats since 2026-03-02T06:55:00.000Z');
		expect(digest.text).toMatch(/^- \[high\] udp_flood \(anomaly\): detected-rose, \d+ incidents, \d+ detected \(before: \d+ incidents/);
	});
});
