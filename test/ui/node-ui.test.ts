/**
 * The IOC Top Threats node in n8n 1.123.50's editor, in headless Chromium. The panel of every operation shows the
 * parameters that apply to it and hides the others. The credential dialog shows its fields and passes its test
 * against the emulator, a run in the editor shows threat items, and n8n registers the AI Agent tool variant.
 * Screenshots go to docs/screenshots/ for the README.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { Locator, Page } from 'playwright-core';

import { CREDENTIAL, ensureChromium, type RunningEditor, signIn, type SignedInBrowser, startEditor } from './editor';
import {
	AGENT_WORKFLOW_ID,
	agentWorkflow,
	NODE_TYPE,
	OPERATION_LABELS,
	OPERATION_NODES,
	type OperationName,
	OPERATIONS_WORKFLOW_ID,
	operationsWorkflow,
	TOOL_NODE,
	TOOL_NODE_TYPE,
} from './workflows';

const SCREENSHOTS_DIR = path.resolve(__dirname, '..', '..', 'docs', 'screenshots');

/** First words of the notice that Wait Until Done and Get Top Threats show above their parameters. */
const WAIT_NOTICE = 'The node polls FortiAnalyzer until the task is done';

/** Parameter labels each operation's panel must show, and labels that belong to other operations only. */
const PANELS: Record<OperationName, { shown: string[]; hidden: string[] }> = {
	getTopThreats: {
		shown: [WAIT_NOTICE, 'ADOM', 'Return All', 'Time Range', 'Last', 'Unit', 'Limit', 'Query Options', 'Waiting Options', 'Output Options'],
		hidden: ['Task ID', 'If Task Is Not Done', 'Cancel Task When Giving Up', 'Compare', 'Start', 'End'],
	},
	createTask: {
		shown: ['ADOM', 'Time Range', 'Last', 'Unit', 'Limit', 'Query Options'],
		hidden: [WAIT_NOTICE, 'Task ID', 'Return All', 'Waiting Options', 'Output Options', 'If Task Is Not Done'],
	},
	fetchResults: {
		shown: ['ADOM', 'Task ID', 'If Task Is Not Done', 'Output Options'],
		hidden: [WAIT_NOTICE, 'Time Range', 'Limit', 'Return All', 'Waiting Options', 'Cancel Task When Giving Up'],
	},
	waitUntilDone: {
		shown: [WAIT_NOTICE, 'ADOM', 'Task ID', 'Cancel Task When Giving Up', 'Waiting Options', 'Output Options'],
		hidden: ['Time Range', 'Limit', 'Return All', 'If Task Is Not Done'],
	},
	cancelTask: {
		shown: ['ADOM', 'Task ID'],
		hidden: [WAIT_NOTICE, 'Time Range', 'Waiting Options', 'Output Options', 'If Task Is Not Done'],
	},
	comparePeriods: {
		shown: ['ADOM', 'Compare', 'Time Range', 'Last', 'Unit', 'Limit', 'Query Options', 'Previous Period', 'Compare Options', 'Waiting Options'],
		hidden: ['Task ID', 'Return All', 'Output Options', 'Current Task ID', 'Previous Task ID'],
	},
};

/** How long the editor's transitions (panel and dropdown fade-in) take, so screenshots show their end state. */
const ANIMATION_MS = 600;

const SCREENSHOT_NAMES: Record<OperationName, string> = {
	getTopThreats: 'get-top-threats',
	createTask: 'create-task',
	fetchResults: 'fetch-results',
	waitUntilDone: 'wait-until-done',
	cancelTask: 'cancel-task',
	comparePeriods: 'compare-periods',
};

let editor: RunningEditor;
let session: SignedInBrowser;
let page: Page;

beforeAll(async () => {
	fs.mkdirSync(SCREENSHOTS_DIR, { recursive: true });
	ensureChromium(report);
	editor = await startEditor([operationsWorkflow(), agentWorkflow()]);
	session = await signIn(editor.baseUrl);
	page = session.page;
	report(`n8n ${editor.runtime.n8nVersion} at ${editor.baseUrl}; start-up seconds ${JSON.stringify(editor.timings)}`);
}, 600_000);

afterAll(async () => {
	await session?.browser.close();
	await editor?.stop();
});

async function screenshot(name: string): Promise<void> {
	await page.screenshot({ path: path.join(SCREENSHOTS_DIR, `${name}.png`) });
}

async function openWorkflow(id: string): Promise<void> {
	await page.goto(`/workflow/${id}`);
	await page.locator('[data-test-id="canvas-node"]').first().waitFor();
}

/** Opens a node's panel (NDV) by double-clicking it on the canvas. */
async function openNode(name: string): Promise<Locator> {
	await page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`).dblclick();
	const parameters = page.locator('[data-test-id="ndv"] [data-test-id="node-parameters"]');
	await parameters.waitFor();
	await page.waitForTimeout(ANIMATION_MS);

	return parameters;
}

async function closeNode(): Promise<void> {
	await page.locator('[data-test-id="back-to-canvas"]').click();
	await page.locator('[data-test-id="ndv"]').waitFor({ state: 'hidden' });
}

/** Returns the label (first line) of every parameter the panel shows, notices included. */
async function visibleLabels(container: Locator): Promise<string[]> {
	const texts = await container.locator('[data-test-id="parameter-item"]:visible').allInnerTexts();

	return texts.map((text) => text.split('\n')[0].trim()).filter((label) => label !== '');
}

/** Returns the name of the chosen operation. The Operation field has no parameter-item label, but its input shows the name. */
async function selectedOperation(parameters: Locator): Promise<string> {
	return await parameters.locator('[data-test-id="parameter-input-operation"] input').first().inputValue();
}

function matchesLabel(labels: string[], expected: string): boolean {
	return labels.some((label) => label === expected || label.startsWith(expected));
}

describe('operations workflow', () => {
	beforeAll(async () => {
		await openWorkflow(OPERATIONS_WORKFLOW_ID);
	});

	test('canvas shows each operation as subtitle', async () => {
		for (const operation of Object.keys(OPERATION_NODES) as OperationName[]) {
			const node = page.locator(`[data-test-id="canvas-node"][data-node-name="${OPERATION_NODES[operation]}"]`);
			await expect(node.innerText()).resolves.toContain(OPERATION_LABELS[operation]);
		}

		await screenshot('canvas');
	});

	test.each(Object.keys(PANELS) as OperationName[])('%s panel shows its parameters', async (operation) => {
		const parameters = await openNode(OPERATION_NODES[operation]);
		try {
			const labels = await visibleLabels(parameters);

			await expect(selectedOperation(parameters)).resolves.toBe(OPERATION_LABELS[operation]);
			const missing = PANELS[operation].shown.filter((label) => !matchesLabel(labels, label));
			expect(missing).toEqual([]);
			const misplaced = PANELS[operation].hidden.filter((label) => labels.includes(label));
			expect(misplaced).toEqual([]);
			await expect(parameters.locator('[data-test-id="node-credentials-select"] input').first().inputValue()).resolves.toBe(CREDENTIAL.name);

			await screenshot(SCREENSHOT_NAMES[operation]);
		} finally {
			await closeNode();
		}
	});

	test('operation list names every operation', async () => {
		const parameters = await openNode(OPERATION_NODES.getTopThreats);
		try {
			await parameters.locator('[data-test-id="parameter-input-operation"]').click();
			const options = page.locator('.el-select-dropdown__item:visible');
			await options.first().waitFor();

			const names = (await options.allInnerTexts()).map((text) => text.split('\n')[0].trim());
			expect(names).toEqual(Object.values(OPERATION_LABELS).sort());
			await page.waitForTimeout(ANIMATION_MS);
			await screenshot('operations');

			await page.keyboard.press('Escape');
		} finally {
			await closeNode();
		}
	});

	test('Get Top Threats run shows threat items', async () => {
		await openNode(OPERATION_NODES.getTopThreats);
		try {
			await page.locator('[data-test-id="node-execute-button"]').click();
			const output = page.locator('[data-test-id="output-panel"]');
			const itemCount = output.getByText(/^\d+ items$/);
			await itemCount.waitFor({ timeout: 60_000 });
			expect(Number.parseInt(await itemCount.innerText(), 10)).toBeGreaterThan(1);
			await screenshot('get-top-threats-output');

			await output.locator('[data-test-id="radio-button-json"]').click();
			await output.getByText(/"taskDurationMs"/).first().waitFor();
			// The JSON view puts a line break between a key and its value.
			await expect(output.innerText()).resolves.toMatch(/"taskDurationMs":\s*\d+/);
			await expect(output.innerText()).resolves.toMatch(/"severity":\s*"(critical|high|medium|low|info)"/);
		} finally {
			await closeNode();
		}
	});

	test('credential dialog shows its fields and passes its test', async () => {
		await openNode(OPERATION_NODES.getTopThreats);
		try {
			await page.locator('[data-test-id="credential-edit-button"]').click();
			const dialog = page.locator('[data-test-id="credential-edit-dialog"]');
			await dialog.getByText('Connection tested successfully').waitFor({ timeout: 30_000 });

			for (const field of ['baseUrl', 'authentication', 'apiKey', 'adom', 'allowUnauthorizedCerts', 'caCertificate', 'fingerprint', 'timeout']) {
				await expect(dialog.locator(`[data-test-id="parameter-input-${field}"]`).count()).resolves.toBe(1);
			}
			await expect(dialog.innerText()).resolves.toContain('JSON API access');
			for (const hidden of ['username', 'password']) {
				await expect(dialog.locator(`[data-test-id="parameter-input-${hidden}"]`).count()).resolves.toBe(0);
			}
			await screenshot('credential');

			await page.keyboard.press('Escape');
			await dialog.waitFor({ state: 'hidden' });
		} finally {
			await closeNode();
		}
	});
});

describe('AI agent tool', () => {
	test('n8n registers the tool variant', async () => {
		const response = await session.context.request.get('/types/nodes.json');
		expect(response.status()).toBe(200);
		const types = (await response.json()) as Array<{ name: string; outputs: unknown; properties: Array<{ name: string }> }>;

		const tool = types.find((type) => type.name === TOOL_NODE_TYPE);
		expect(tool?.outputs).toEqual(['ai_tool']);
		expect(tool?.properties.map((property) => property.name)).toEqual(expect.arrayContaining(['toolDescription', 'operation', 'adom']));
		expect(types.some((type) => type.name === NODE_TYPE)).toBe(true);
		expect(types.some((type) => type.name === `${NODE_TYPE}TriggerTool`)).toBe(false);
	});

	test('tool panel opens in an agent workflow', async () => {
		await openWorkflow(AGENT_WORKFLOW_ID);
		const parameters = await openNode(TOOL_NODE);
		try {
			const labels = await visibleLabels(parameters);

			await expect(parameters.locator('[data-test-id="parameter-input-descriptionType"]').count()).resolves.toBe(1);
			await expect(selectedOperation(parameters)).resolves.toBe(OPERATION_LABELS.getTopThreats);
			const missing = ['ADOM', 'Time Range', 'Limit', 'Query Options'].filter((label) => !matchesLabel(labels, label));
			expect(missing).toEqual([]);
			await screenshot('ai-agent-tool');
		} finally {
			await closeNode();
		}
	});
});

/** Prints one line to the terminal without jest's console decoration. */
function report(line: string): void {
	process.stderr.write(`[test:ui] ${line}\n`);
}
