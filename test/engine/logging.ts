import './environment';

import { AsyncLocalStorage } from 'node:async_hooks';

import { Logger as BackendLogger } from '@n8n/backend-common';
import { GlobalConfig, InstanceSettingsConfig } from '@n8n/config';
import { Container } from '@n8n/di';
import type { Logger, LogMetadata } from 'n8n-workflow';

export type LogEntryLevel = keyof Logger;

export interface LogEntry {
	level: LogEntryLevel;
	message: string;
	metadata?: LogMetadata;
}

/** Logger that stores every entry in memory, in the order it was logged. */
export interface MemoryLogger extends Logger {
	readonly entries: LogEntry[];
	/** Messages logged at `level`, or at any level when `level` is omitted. */
	messages(level?: LogEntryLevel): string[];
}

export function createMemoryLogger(): MemoryLogger {
	const entries: LogEntry[] = [];
	const record = (level: LogEntryLevel) => (message: string, metadata?: LogMetadata) => {
		entries.push({ level, message, metadata });
	};

	return {
		entries,
		messages: (level) =>
			entries.filter((entry) => level === undefined || entry.level === level).map((entry) => entry.message),
		error: record('error'),
		warn: record('warn'),
		info: record('info'),
		debug: record('debug'),
	};
}

/** Logger that discards everything, the default of a run. */
export const silentLogger: Logger = {
	error: () => {},
	warn: () => {},
	info: () => {},
	debug: () => {},
};

const runLoggers = new AsyncLocalStorage<Logger>();

/**
 * Calls `callback` so that every n8n log call made by the work it starts, including work that
 * continues after `callback` returns, reaches `logger`.
 */
export function withRunLogger<T>(logger: Logger, callback: () => T): T {
	return runLoggers.run(logger, callback);
}

/**
 * n8n-core has one process-wide logger: node contexts return `Container.get(Logger)` as
 * `this.logger`, and the engine logs through n8n-workflow's `LoggerProxy`. This subclass takes
 * both places and forwards each call to the logger of the run that made it, found through
 * AsyncLocalStorage, so concurrent runs keep their logs apart. Calls made outside any run,
 * such as n8n-core's start-up messages, are dropped.
 */
class RunScopedLogger extends BackendLogger {
	override error(message: string, metadata?: LogMetadata): void {
		runLoggers.getStore()?.error(message, metadata);
	}

	override warn(message: string, metadata?: LogMetadata): void {
		runLoggers.getStore()?.warn(message, metadata);
	}

	override info(message: string, metadata?: LogMetadata): void {
		runLoggers.getStore()?.info(message, metadata);
	}

	override debug(message: string, metadata?: LogMetadata): void {
		runLoggers.getStore()?.debug(message, metadata);
	}
}

// Installed when this module loads, before any engine service requests a logger from the container.
function installEngineLogger(): void {
	// Level 'silent' keeps the base class from opening console or file transports.
	const globalConfig = Container.get(GlobalConfig);
	globalConfig.logging.level = 'silent';

	// The base constructor, as the root logger, also makes itself LoggerProxy's target.
	const logger = new RunScopedLogger(globalConfig, Container.get(InstanceSettingsConfig));
	Container.set(BackendLogger, logger);
}

installEngineLogger();
