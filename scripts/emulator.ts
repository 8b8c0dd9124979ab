/**
 * Runs the FortiAnalyzer emulator alone: `npm run emulator -- --port 8443 --dialect apiver3`.
 *
 * Prints the URL and the demo credentials, then serves until SIGINT or SIGTERM.
 */
import { parseArgs } from 'node:util';

import {
	DEFAULT_API_KEY,
	DEFAULT_PASSWORD,
	DEFAULT_USERNAME,
	type Dialect,
	endpointOf,
	startEmulator,
} from '../test/emulator';

const USAGE = `Usage: npm run emulator -- [options]

Options:
  --port <number>              TCP port to listen on (default 0: a free port)
  --host <address>             loopback address to listen on (default 127.0.0.1)
  --dialect <apiver3|documented>
                               FortiView response shape (default apiver3; ADOM "legacy" always uses documented)
  --task-duration-ms <number>  time for a task to go from 0 to 100 % (default 1500)
  --help                       print this help`;

interface CliOptions {
	port?: number;
	host?: string;
	dialect?: Dialect;
	taskDurationMs?: number;
}

function readOptions(argv: string[]): CliOptions | undefined {
	const { values } = parseArgs({
		args: argv,
		options: {
			port: { type: 'string' },
			host: { type: 'string' },
			dialect: { type: 'string' },
			'task-duration-ms': { type: 'string' },
			help: { type: 'boolean' },
		},
		strict: true,
	});
	if (values.help) return undefined;

	const options: CliOptions = { host: values.host };
	if (values.port !== undefined) options.port = readInteger(values.port, '--port', 0, 65535);
	if (values['task-duration-ms'] !== undefined) {
		options.taskDurationMs = readInteger(values['task-duration-ms'], '--task-duration-ms', 0, Number.MAX_SAFE_INTEGER);
	}
	if (values.dialect !== undefined) {
		if (values.dialect !== 'apiver3' && values.dialect !== 'documented') {
			throw new Error(`--dialect must be apiver3 or documented, got "${values.dialect}"`);
		}
		options.dialect = values.dialect;
	}
	return options;
}

function readInteger(text: string, flag: string, min: number, max: number): number {
	const value = Number(text);
	if (!Number.isInteger(value) || value < min || value > max) {
		throw new Error(`${flag} must be a whole number from ${min} to ${max}, got "${text}"`);
	}
	return value;
}

async function main(): Promise<void> {
	let options: CliOptions | undefined;
	try {
		options = readOptions(process.argv.slice(2));
	} catch (error) {
		console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
		process.exitCode = 2;
		return;
	}
	if (options === undefined) {
		console.log(USAGE);
		return;
	}

	const emulator = await startEmulator(options);

	// The demo credentials are public fixtures, so printing them leaks nothing.
	console.log(`FortiAnalyzer emulator listening on ${emulator.url}`);
	console.log(`JSON-RPC endpoint: ${endpointOf(emulator)}`);
	console.log(`API key (Bearer): ${DEFAULT_API_KEY}`);
	console.log(`Username / password: ${DEFAULT_USERNAME} / ${DEFAULT_PASSWORD}`);
	console.log('Press Ctrl+C to stop.');

	let stopping = false;
	const shutdown = (signal: NodeJS.Signals) => {
		if (stopping) return;
		stopping = true;
		console.log(`Received ${signal}, stopping the emulator`);
		emulator.stop().then(
			() => console.log('Emulator stopped'),
			(error: unknown) => {
				console.error('Emulator failed to stop cleanly', error);
				process.exitCode = 1;
			},
		);
	};
	process.once('SIGINT', shutdown);
	process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
	console.error('Emulator failed to start:', error instanceof Error ? error.message : error);
	process.exitCode = 1;
});
