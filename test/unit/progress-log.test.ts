import type { Logger } from 'n8n-workflow';

import { ProgressLog } from '../../nodes/FortiAnalyzer/helpers/progressLog';

interface Entry {
	level: 'info' | 'debug';
	message: string;
	metadata?: Record<string, unknown>;
}

function recordingLogger(): { logger: Logger; entries: Entry[] } {
	const entries: Entry[] = [];
	const record = (level: Entry['level']) => (message: string, metadata?: Record<string, unknown>) => {
		entries.push({ level, message, metadata });
	};
	const fail = (message: string) => {
		throw new Error(`unexpected warn or error: ${message}`);
	};

	return { logger: { info: record('info'), debug: record('debug'), warn: fail, error: fail }, entries };
}

/** Feeds one poll every `intervalMs` up to `totalMs`, with the percentage rising linearly, then ends the wait. */
function simulateWait(log: ProgressLog, totalMs: number, intervalMs: number): void {
	let polls = 0;
	for (let elapsedMs = 0; elapsedMs <= totalMs; elapsedMs += intervalMs) {
		polls += 1;
		log.poll({ tid: 42, percentage: Math.floor((elapsedMs / totalMs) * 100), elapsedMs, polls });
	}
	log.done({ tid: 42, elapsedMs: totalMs, polls });
}

test('quick wait logs only at debug', () => {
	const { logger, entries } = recordingLogger();

	simulateWait(new ProgressLog(logger, 'root'), 3_000, 200);

	expect(entries.filter((entry) => entry.level === 'info')).toEqual([]);
	expect(entries.filter((entry) => entry.level === 'debug')).toHaveLength(17);
	expect(entries.at(-1)?.message).toBe('FortiAnalyzer task 42 done after 3.0 s and 16 polls');
});

test('long wait logs info once per interval', () => {
	const { logger, entries } = recordingLogger();

	simulateWait(new ProgressLog(logger, 'root'), 60_000, 200);

	const info = entries.filter((entry) => entry.level === 'info');
	const progress = info.slice(0, -1);
	expect(progress.map((entry) => entry.metadata?.elapsedMs)).toEqual([10_000, 20_000, 30_000, 40_000, 50_000, 60_000]);
	expect(progress[0].message).toBe('FortiAnalyzer task 42 at 16 % after 10.0 s');
	expect(info.at(-1)?.message).toBe('FortiAnalyzer task 42 done after 60.0 s and 301 polls');
	expect(entries.filter((entry) => entry.level === 'debug')).toHaveLength(301 - progress.length);
});

test('slow polls log info at each poll past the interval', () => {
	const { logger, entries } = recordingLogger();

	simulateWait(new ProgressLog(logger, 'root'), 30_000, 15_000);

	expect(entries.map((entry) => entry.level)).toEqual(['debug', 'info', 'info', 'info']);
});

test('metadata names task, ADOM and progress', () => {
	const { logger, entries } = recordingLogger();

	new ProgressLog(logger, 'soc').poll({ tid: 7, percentage: 40, elapsedMs: 1_500, polls: 3 });

	expect(entries).toEqual([
		{ level: 'debug', message: 'FortiAnalyzer task 7 at 40 % after 1.5 s', metadata: { tid: 7, adom: 'soc', percentage: 40, elapsedMs: 1_500, polls: 3 } },
	]);
});
