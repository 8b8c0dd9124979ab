import type { Logger } from 'n8n-workflow';

import type { WaitProgress } from '../client';

/**
 * Interval in ms at which a long wait logs its progress at info level. n8n logs at info by default, so an
 * operator sees a wait that lasts minutes without the debug lines of every poll.
 */
export const PROGRESS_INFO_INTERVAL_MS = 10_000;

/**
 * Logs the progress of one task wait through n8n's logger, one line per poll. Polls are logged at debug level,
 * except that a wait lasting `infoIntervalMs` or longer logs one poll per interval at info level instead. Such a
 * wait also logs its end at info level, so quick tasks add no info lines.
 */
export class ProgressLog {
	private nextInfoAtMs: number;

	constructor(
		private readonly logger: Logger,
		private readonly adom: string,
		private readonly infoIntervalMs = PROGRESS_INFO_INTERVAL_MS,
	) {
		this.nextInfoAtMs = infoIntervalMs;
	}

	poll({ tid, percentage, elapsedMs, polls }: WaitProgress): void {
		const message = `FortiAnalyzer task ${tid} at ${percentage} % after ${seconds(elapsedMs)} s`;
		const metadata = { tid, adom: this.adom, percentage, elapsedMs, polls };

		if (elapsedMs < this.nextInfoAtMs) {
			this.logger.debug(message, metadata);
			return;
		}

		this.logger.info(message, metadata);
		this.nextInfoAtMs = elapsedMs + this.infoIntervalMs;
	}

	done({ tid, elapsedMs, polls }: Pick<WaitProgress, 'tid' | 'elapsedMs' | 'polls'>): void {
		const message = `FortiAnalyzer task ${tid} done after ${seconds(elapsedMs)} s and ${polls} polls`;
		const metadata = { tid, adom: this.adom, elapsedMs, polls };

		if (elapsedMs >= this.infoIntervalMs) this.logger.info(message, metadata);
		else this.logger.debug(message, metadata);
	}
}

function seconds(ms: number): string {
	return (ms / 1000).toFixed(1);
}
