/**
 * The end-to-end test (`npm run test:e2e`): builds and packs the package, then runs it in real n8n, installed
 * the way users install community packages, against the FortiAnalyzer emulator on loopback:
 *
 * - n8n 1.123.50 on this machine's Node.js, and n8n 2.35.0 on Node.js 24 from the npm registry, each running
 *   every workflow in `examples/` and a built-in-nodes-only version of the triage with `n8n execute`;
 * - n8n 1.123.50 in queue mode (PostgreSQL, Redis, one main, one worker) running a webhook-triggered triage.
 *
 * Writes what ran, the timings and the comparison to `e2e/results.json`.
 *
 * Options: `--leg <name>` (repeatable) runs only the named legs: `1.123.50`, `2.35.0` or `queue`; `--keep` keeps
 * the temp folders of a failed leg for inspection.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

import { Checks } from './checks';
import { RUNTIME_SPECS } from './install-runtime';
import { type LegResult, runLeg } from './leg';
import { QUEUE_RUNTIME, type QueueResult, runQueueLeg } from './queue-mode';

const ROOT = path.resolve(__dirname, '..');
const RESULTS_FILE = path.join(__dirname, 'results.json');
const QUEUE_LEG = 'queue';

async function main(): Promise<void> {
	const { values } = parseArgs({
		options: {
			leg: { type: 'string', multiple: true },
			keep: { type: 'boolean' },
		},
		strict: true,
	});
	const legNames = [...RUNTIME_SPECS.map((spec) => spec.n8n), QUEUE_LEG];
	const requested = values.leg ?? legNames;
	const unknown = requested.filter((name) => !legNames.includes(name));
	if (unknown.length > 0) throw new Error(`--leg accepts ${legNames.join(', ')}; got ${unknown.join(', ')}`);
	const specs = RUNTIME_SPECS.filter((spec) => requested.includes(spec.n8n));

	const startedAt = Date.now();
	const checks = new Checks('');
	const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-pack-'));

	try {
		const { tarball, packSeconds } = buildAndPack(packDir);
		const legs: LegResult[] = [];
		for (const spec of specs) {
			const legChecks = checks.child(`n8n ${spec.n8n}`);
			try {
				legs.push(await runLeg(spec, tarball, legChecks, values.keep === true));
			} catch (error) {
				legChecks.fail('leg finished', error);
			}
		}

		let queueMode: QueueResult | undefined;
		if (requested.includes(QUEUE_LEG)) {
			const queueChecks = checks.child(`queue mode, n8n ${QUEUE_RUNTIME.n8n}`);
			try {
				queueMode = await runQueueLeg(tarball, queueChecks, values.keep === true);
			} catch (error) {
				queueChecks.fail('queue mode leg finished', error);
			}
		}

		writeResults({
			generatedAt: new Date().toISOString(),
			machine: { cpus: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), platform: `${process.platform} ${process.arch}`, node: process.version },
			package: { tarball: path.basename(tarball), packSeconds },
			legs,
			queueMode: queueMode ?? null,
			totalSeconds: Math.round((Date.now() - startedAt) / 1000),
			checks: { passed: checks.passed, failed: checks.failed, failures: checks.failures },
		});
	} finally {
		fs.rmSync(packDir, { recursive: true, force: true });
	}

	console.log(`\nResults written to ${path.relative(process.cwd(), RESULTS_FILE)}`);
	console.log(`${checks.passed} passed, ${checks.failed} failed`);
	if (checks.failed > 0) process.exitCode = 1;
}

/** Builds `dist/` and packs the package as npm would publish it. */
function buildAndPack(packDir: string): { tarball: string; packSeconds: number } {
	const startedAt = Date.now();
	console.log('Building (npm run build) and packing (npm pack)...');
	execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });

	const output = execFileSync('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: ROOT, encoding: 'utf8' });
	const [packed] = JSON.parse(output) as Array<{ filename: string; files: Array<{ path: string }> }>;
	const tarball = path.join(packDir, packed.filename);
	console.log(`Packed ${packed.filename} with ${packed.files.length} files`);
	return { tarball, packSeconds: Math.round((Date.now() - startedAt) / 100) / 10 };
}

function writeResults(results: Record<string, unknown>): void {
	fs.writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? (error.stack ?? error.message) : error);
	process.exitCode = 1;
});
