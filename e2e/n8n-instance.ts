/**
 * One n8n installation as a user runs it: a fresh `N8N_USER_FOLDER` under the system temp folder, the package
 * installed into `<folder>/.n8n/nodes` the way n8n installs community packages, and the n8n CLI run headlessly
 * with a fixed encryption key.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { Runtime } from './install-runtime';
import { findRunData, type WorkflowRun } from './run-data';

/** Fixed, so that credentials encrypted by `import:credentials` decrypt in every later command and process. */
export const ENCRYPTION_KEY = 'n8n-nodes-fortianalyzer-e2e-key';

export const PACKAGE_NAME = 'n8n-nodes-fortianalyzer';

export interface CredentialImport {
	id: string;
	name: string;
	type: string;
	/** Plain fields; `import:credentials` encrypts them with the instance key. */
	data: Record<string, unknown>;
}

export interface WorkflowJson {
	id: string;
	name: string;
	nodes: Array<{ name: string; type: string; parameters: Record<string, unknown>; [key: string]: unknown }>;
	connections: Record<string, unknown>;
	[key: string]: unknown;
}

export interface CommandResult {
	code: number | null;
	stdout: string;
	stderr: string;
	wallMs: number;
}

export interface ExecuteResult {
	run: WorkflowRun;
	/** Time of the whole `n8n execute` process: start-up, node loading, the execution and shut-down. */
	wallMs: number;
}

export class N8nInstance {
	/** The value of `N8N_USER_FOLDER`; n8n keeps its files in `<userFolder>/.n8n`. */
	readonly userFolder: string;

	readonly logFile: string;

	private constructor(
		readonly runtime: Runtime,
		readonly label: string,
		private readonly extraEnv: Record<string, string>,
	) {
		this.userFolder = fs.mkdtempSync(path.join(os.tmpdir(), `n8n-e2e-${label}-`));
		this.logFile = path.join(this.userFolder, 'n8n.log');
	}

	/** Creates an empty user folder; `extraEnv` adds to or replaces the settings of `environment()`. */
	static create(runtime: Runtime, label: string, extraEnv: Record<string, string> = {}): N8nInstance {
		return new N8nInstance(runtime, label, extraEnv);
	}

	/** Returns the environment of every n8n process of this instance. */
	environment(): Record<string, string> {
		return {
			PATH: `${this.runtime.nodeBinDir}${path.delimiter}${process.env.PATH ?? ''}`,
			HOME: process.env.HOME ?? this.userFolder,
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
			GENERIC_TIMEZONE: 'UTC',
			TZ: 'UTC',
			N8N_LOG_LEVEL: 'info',
			N8N_LOG_OUTPUT: 'file',
			N8N_LOG_FILE_LOCATION: this.logFile,
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
			...this.extraEnv,
		};
	}

	/**
	 * Installs the packed package as n8n installs a community package. Peer dependencies are left out, so the
	 * node uses the `n8n-workflow` of the n8n that loads it, as it does after an install from n8n's UI.
	 */
	async installPackage(tarball: string): Promise<void> {
		const nodesFolder = path.join(this.userFolder, '.n8n', 'nodes');
		fs.mkdirSync(nodesFolder, { recursive: true });
		fs.writeFileSync(path.join(nodesFolder, 'package.json'), `${JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2)}\n`);

		// npm gets this process's environment, so registry and cache settings (npm_config_*) apply as usual.
		const result = await runCommand(
			'npm',
			['install', tarball, '--no-audit', '--no-fund', '--legacy-peer-deps', '--omit=peer', '--prefer-offline'],
			{ cwd: nodesFolder, env: definedOnly(process.env), timeoutMs: 300_000 },
		);
		if (result.code !== 0) throw new Error(`npm install ${tarball} failed in ${nodesFolder}:\n${result.stderr}`);

		const installed = path.join(nodesFolder, 'node_modules', PACKAGE_NAME, 'package.json');
		if (!fs.existsSync(installed)) throw new Error(`npm install did not create ${installed}`);
		const secondWorkflowCopy = path.join(nodesFolder, 'node_modules', 'n8n-workflow');
		if (fs.existsSync(secondWorkflowCopy)) throw new Error(`npm installed a second n8n-workflow into ${secondWorkflowCopy}`);
	}

	async importCredentials(credentials: CredentialImport[]): Promise<void> {
		const file = path.join(this.userFolder, 'credentials.import.json');
		fs.writeFileSync(file, JSON.stringify(credentials, null, 2), { mode: 0o600 });
		await this.cliOrThrow(['import:credentials', `--input=${file}`]);
		fs.rmSync(file);
	}

	/** Imports each workflow from its own file, so every one keeps its fixed id. */
	async importWorkflows(workflows: WorkflowJson[]): Promise<void> {
		const folder = path.join(this.userFolder, 'workflows.import');
		fs.mkdirSync(folder, { recursive: true });
		for (const workflow of workflows) {
			fs.writeFileSync(path.join(folder, `${workflow.id}.json`), JSON.stringify(workflow, null, 2));
		}
		await this.cliOrThrow(['import:workflow', '--separate', `--input=${folder}`]);
	}

	/**
	 * Runs `n8n execute --id <id> --rawOutput` and parses the run data it prints. n8n 1.123 and 2.35 print it
	 * through their logger, so with logs sent to a file the run data is a log entry. Stdout is read first, for
	 * versions that write it there.
	 */
	async execute(workflowId: string, timeoutMs = 300_000): Promise<ExecuteResult> {
		const logStart = fileSize(this.logFile);
		const result = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput'], timeoutMs);
		const log = readFrom(this.logFile, logStart);
		const run = findRunData(result.stdout, log);

		if (run) return { run, wallMs: result.wallMs };
		throw new Error(
			`n8n execute --id=${workflowId} exited with code ${result.code} and printed no run data.\n` +
				`stdout: ${tail(result.stdout, 2000)}\nstderr: ${tail(result.stderr, 2000)}\nn8n log: ${tail(log, 4000)}`,
		);
	}

	/** Runs one n8n CLI command to its end. */
	cli(args: string[], timeoutMs = 300_000): Promise<CommandResult> {
		return runCommand(this.runtime.nodeBinary, [this.runtime.n8nEntry, ...args], {
			cwd: this.userFolder,
			env: this.environment(),
			timeoutMs,
		});
	}

	/** Starts a long-running n8n command (`start`, `worker`) with its output appended to `outputFile`. */
	spawnServer(args: string[], outputFile: string): ChildProcess {
		const output = fs.openSync(outputFile, 'a');
		const child = spawn(this.runtime.nodeBinary, [this.runtime.n8nEntry, ...args], {
			cwd: this.userFolder,
			env: this.environment(),
			stdio: ['ignore', output, output],
		});
		fs.closeSync(output);
		return child;
	}

	/** Deletes the user folder, unless `keep` is set for a look at the logs after a failure. */
	remove(keep = false): void {
		if (keep) {
			console.log(`  (kept ${this.userFolder} for inspection)`);
			return;
		}
		fs.rmSync(this.userFolder, { recursive: true, force: true });
	}

	private async cliOrThrow(args: string[]): Promise<void> {
		const logStart = fileSize(this.logFile);
		const result = await this.cli(args);
		if (result.code !== 0) {
			throw new Error(
				`n8n ${args.join(' ')} exited with code ${result.code}.\nstdout: ${tail(result.stdout, 2000)}\n` +
					`stderr: ${tail(result.stderr, 2000)}\nn8n log: ${tail(readFrom(this.logFile, logStart), 3000)}`,
			);
		}
	}
}

interface CommandOptions {
	cwd: string;
	env: Record<string, string>;
	timeoutMs: number;
}

/**
 * Runs a command and collects its output. The command gets `env` plus only the locale, temp and home settings of
 * this process, so variables of the calling npm script (`npm_config_*`, `NODE_OPTIONS`) reach only those
 * commands whose caller passes them on.
 */
export function runCommand(command: string, args: string[], options: CommandOptions): Promise<CommandResult> {
	const startedAt = Date.now();
	const baseEnv = pick(process.env, ['LANG', 'LC_ALL', 'TMPDIR', 'HOME', 'USER']);

	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd: options.cwd, env: { ...baseEnv, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

		const timer = setTimeout(() => {
			stderr += `\n[e2e] ${path.basename(command)} ${args.join(' ')} timed out after ${options.timeoutMs} ms; sent SIGKILL`;
			child.kill('SIGKILL');
		}, options.timeoutMs);

		child.once('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.once('close', (code) => {
			clearTimeout(timer);
			resolve({ code, stdout, stderr, wallMs: Date.now() - startedAt });
		});
	});
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
	return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

function pick(env: NodeJS.ProcessEnv, names: string[]): Record<string, string> {
	const picked: Record<string, string> = {};
	for (const name of names) {
		const value = env[name];
		if (value !== undefined) picked[name] = value;
	}
	return picked;
}

function fileSize(file: string): number {
	try {
		return fs.statSync(file).size;
	} catch {
		return 0;
	}
}

function readFrom(file: string, offset: number): string {
	try {
		return fs.readFileSync(file).subarray(offset).toString('utf8');
	} catch {
		return '(no log file)';
	}
}

function tail(text: string, length: number): string {
	return text.length <= length ? text : `...${text.slice(-length)}`;
}
