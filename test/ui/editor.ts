/**
 * Real n8n 1.123.50 with its editor UI for `npm run test:ui`. It runs on the runtime of the e2e rig, which
 * installs it into `.cache/n8n-runtimes/` when missing. The packed package is installed as a community package,
 * a credential points at the FortiAnalyzer emulator, the UI workflows are imported, the owner account is set up,
 * and `n8n start` listens on a free loopback port.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

import { ensureRuntime, type Runtime, RUNTIME_SPECS } from '../../e2e/install-runtime';
import { type CredentialImport, N8nInstance, type WorkflowJson } from '../../e2e/n8n-instance';
import { freePort, waitFor } from '../../e2e/services';
import { DEFAULT_API_KEY, type RunningEmulator, startEmulator } from '../emulator';

const ROOT = path.resolve(__dirname, '..', '..');

/** n8n 1.123.50 on this machine's Node.js, as in the e2e rig. */
const RUNTIME_SPEC = RUNTIME_SPECS[0];

const START_TIMEOUT_MS = 180_000;

/** The owner account that `POST /rest/owner/setup` creates and the browser signs in with. */
export const OWNER = { email: 'soc.engineer@example.com', firstName: 'SOC', lastName: 'Engineer', password: 'Ui-check-2025' };

export const CREDENTIAL = { id: 'fazUiCredential1', name: 'FortiAnalyzer (emulator)' };

/** Debian's Chromium; the UI check never downloads a browser of its own. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

export interface RunningEditor {
	baseUrl: string;
	runtime: Runtime;
	emulator: RunningEmulator;
	/** Seconds each start-up step took, for the report of the run. */
	timings: Record<string, number>;
	stop(): Promise<void>;
}

/** Starts n8n with the package, the emulator credential and `workflows`, and sets up the owner account. */
export async function startEditor(workflows: WorkflowJson[]): Promise<RunningEditor> {
	const timings: Record<string, number> = {};
	const time = async <T>(step: string, work: () => Promise<T>): Promise<T> => {
		const startedAt = Date.now();
		const result = await work();
		timings[step] = Math.round((Date.now() - startedAt) / 100) / 10;
		return result;
	};

	const log = (line: string) => process.stderr.write(`[test:ui] ${line}\n`);
	const runtime = await time('runtime', () => ensureRuntime(RUNTIME_SPEC, log));
	const emulator = await startEmulator({ taskDurationMs: 1500 });
	const port = await freePort();
	const instance = N8nInstance.create(runtime, 'ui', {
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		// The editor is served over plain http on loopback, where a Secure cookie would never be sent back.
		N8N_SECURE_COOKIE: 'false',
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
	});

	let server: ReturnType<N8nInstance['spawnServer']> | undefined;
	const stop = async () => {
		if (server) await stopProcess(server);
		await emulator.stop();
		instance.remove();
	};

	try {
		await time('package', () => installPackedPackage(instance));
		await instance.importCredentials([emulatorCredential(emulator)]);
		await instance.importWorkflows(workflows);

		const baseUrl = `http://127.0.0.1:${port}`;
		server = instance.spawnServer(['start'], path.join(instance.userFolder, 'stdout.log'));
		const running = server;
		// The readiness probe succeeds before the REST API is mounted, so wait for an endpoint of the API itself.
		await time('n8nStart', () => waitFor('n8n REST API', START_TIMEOUT_MS, () => httpOk(`${baseUrl}/rest/settings`, running)));
		await setUpOwner(baseUrl);

		return { baseUrl, runtime, emulator, timings, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}

/** Packs the built package as npm would publish it and installs it as n8n installs a community package. */
async function installPackedPackage(instance: N8nInstance): Promise<void> {
	const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-ui-pack-'));
	try {
		const output = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], { cwd: ROOT, encoding: 'utf8' });
		const [packed] = JSON.parse(output) as Array<{ filename: string }>;
		await instance.installPackage(path.join(packDir, packed.filename));
	} finally {
		fs.rmSync(packDir, { recursive: true, force: true });
	}
}

function emulatorCredential(emulator: RunningEmulator): CredentialImport {
	return {
		...CREDENTIAL,
		type: 'fortiAnalyzerApi',
		data: { baseUrl: emulator.url, authentication: 'apiKey', apiKey: DEFAULT_API_KEY, adom: 'root', timeout: 30 },
	};
}

async function setUpOwner(baseUrl: string): Promise<void> {
	const response = await fetch(`${baseUrl}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify(OWNER),
		signal: AbortSignal.timeout(30_000),
	});
	if (!response.ok) throw new Error(`POST /rest/owner/setup failed with HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`);
}

export interface SignedInBrowser {
	browser: Browser;
	context: BrowserContext;
	page: Page;
}

/**
 * Installs Debian's `chromium` package when the browser is missing, which needs root. Elsewhere it fails with the
 * command to run.
 */
export function ensureChromium(log: (line: string) => void): void {
	if (fs.existsSync(CHROMIUM_PATH)) return;

	if (process.getuid?.() !== 0) {
		throw new Error(`${CHROMIUM_PATH} is missing. Install Debian's package: sudo apt-get install -y chromium`);
	}
	log(`${CHROMIUM_PATH} is missing; installing Debian's chromium package`);
	execFileSync('apt-get', ['update'], { stdio: 'inherit' });
	execFileSync('apt-get', ['install', '-y', 'chromium'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** Launches headless Chromium and signs in as the owner through the editor's sign-in form. */
export async function signIn(baseUrl: string): Promise<SignedInBrowser> {
	const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
	try {
		const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, baseURL: baseUrl });
		const page = await context.newPage();
		// Leaving a workflow after a run in the editor opens a "leave this page?" dialog, which Playwright would dismiss.
		page.on('dialog', (dialog) => void dialog.accept());

		await page.goto('/signin');
		// The editor's first load runs a large bundle, which takes a while on a busy machine.
		await page.locator('input[name="emailOrLdapLoginId"]').waitFor({ timeout: 90_000 });
		await page.fill('input[name="emailOrLdapLoginId"]', OWNER.email);
		await page.fill('input[name="password"]', OWNER.password);
		await page.click('[data-test-id="form-submit-button"]');
		await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 30_000 });

		return { browser, context, page };
	} catch (error) {
		await browser.close();
		throw error;
	}
}

/** Probes an HTTP endpoint; rejects when n8n already exited, so a crash does not wait out the timeout. */
async function httpOk(url: string, child: ReturnType<N8nInstance['spawnServer']>): Promise<boolean> {
	if (child.exitCode !== null) throw new Error(`n8n exited with code ${child.exitCode} before ${url} responded`);
	const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
	return response.ok;
}

async function stopProcess(child: ReturnType<N8nInstance['spawnServer']>): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;

	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	child.kill('SIGTERM');
	const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
	await exited;
	clearTimeout(timer);
}
