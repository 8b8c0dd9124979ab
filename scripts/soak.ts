/**
 * Soak run: `npm run soak` runs 1000 workflow executions through n8n-core against emulators with seeded random
 * faults and writes soak/results.json. SOAK_EXECUTIONS, SOAK_SEED and SOAK_LANES change its size, its faults and
 * how many executions run at once. It exits with 1 when a session, task or socket was left open.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { runSoak } from '../test/faults/soak';

function readPositiveInteger(name: string, fallback: number): number {
	const text = process.env[name];
	if (text === undefined || text === '') return fallback;

	const value = Number(text);
	if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer; got "${text}"`);
	return value;
}

async function main(): Promise<void> {
	const executions = readPositiveInteger('SOAK_EXECUTIONS', 1000);
	const seed = readPositiveInteger('SOAK_SEED', 1);
	const lanes = readPositiveInteger('SOAK_LANES', 4);
	console.log(`Soak: ${executions} executions, seed ${seed}, ${lanes} at a time`);

	let reported = 0;
	const result = await runSoak({
		executions,
		seed,
		lanes,
		onProgress: (done, total) => {
			if (done - reported >= 100 || done === total) {
				reported = done;
				console.log(`  ${done}/${total}`);
			}
		},
	});

	const directory = join(__dirname, '..', 'soak');
	mkdirSync(directory, { recursive: true });
	writeFileSync(join(directory, 'results.json'), `${JSON.stringify(result, null, 2)}\n`);

	const { leftOpen } = result;
	console.log(`Outcomes: ${JSON.stringify(result.outcomes)}`);
	console.log(
		`Left open: ${leftOpen.sessions} sessions, ${leftOpen.loginsWithoutLogout} logins without logout, ${leftOpen.tasks} tasks, ${leftOpen.sockets} sockets`,
	);
	console.log(`Heap growth: ${(result.heap.growthBytes / 1024 / 1024).toFixed(1)} MiB (${result.heap.gc}); duration ${(result.durationMs / 1000).toFixed(1)} s`);
	console.log('Wrote soak/results.json');

	const leaked = leftOpen.sessions + leftOpen.loginsWithoutLogout + leftOpen.tasks + leftOpen.sockets + result.rowsMismatched;
	if (leaked > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
