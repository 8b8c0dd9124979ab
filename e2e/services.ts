/**
 * Throw-away PostgreSQL and Redis servers from Debian's packages for the queue-mode leg. Each listens on
 * 127.0.0.1 on a free port, keeps its files in its own temp folder and is removed by `stop()`.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface Service {
	/** What the server binary printed for `--version`. */
	version: string;
	port: number;
	/** Folder of the server's data and log files. */
	folder: string;
	stop(): Promise<void>;
}

/** Returns a TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

/** Polls `probe` every 250 ms until it returns true; rejects after `timeoutMs` with `what` in the message. */
export async function waitFor(what: string, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await probe().catch(() => false)) return;
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	throw new Error(`${what} was not ready after ${timeoutMs / 1000} s`);
}

/**
 * Starts PostgreSQL with trust authentication on 127.0.0.1 and creates `database`. PostgreSQL refuses to run
 * as root, so under root its commands run as the `postgres` user that Debian's package creates.
 */
export async function startPostgres(database: string): Promise<Service> {
	const binDir = findPostgresBinDir();
	const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-postgres-'));
	const dataDir = path.join(folder, 'data');
	const socketDir = path.join(folder, 'socket');
	fs.mkdirSync(socketDir);
	const asPostgres = asPostgresUser(folder);

	asPostgres(path.join(binDir, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-sync']);

	const port = await freePort();
	// Durability settings are off because the database lives only as long as the test.
	const serverOptions = `-p ${port} -k ${socketDir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
	asPostgres(path.join(binDir, 'pg_ctl'), ['-D', dataDir, '-l', path.join(folder, 'postgres.log'), '-o', serverOptions, '-w', '-t', '60', 'start']);
	asPostgres(path.join(binDir, 'createdb'), ['-h', socketDir, '-p', String(port), '-U', 'postgres', database]);

	return {
		version: execFileSync(path.join(binDir, 'postgres'), ['--version'], { encoding: 'utf8' }).trim(),
		port,
		folder,
		stop: async () => {
			try {
				asPostgres(path.join(binDir, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', '-t', '60', 'stop']);
			} finally {
				fs.rmSync(folder, { recursive: true, force: true });
			}
		},
	};
}

function findPostgresBinDir(): string {
	const root = '/usr/lib/postgresql';
	const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a)) : [];
	const binDir = versions.map((version) => path.join(root, version, 'bin')).find((dir) => fs.existsSync(path.join(dir, 'pg_ctl')));
	if (!binDir) throw new Error(`PostgreSQL server not found in ${root}/<version>/bin; install it with: apt-get install -y postgresql`);
	return binDir;
}

/** Returns a runner of PostgreSQL commands: as the `postgres` user under root, as the current user otherwise. */
function asPostgresUser(folder: string): (command: string, args: string[]) => void {
	const isRoot = process.getuid?.() === 0;
	if (isRoot) execFileSync('chown', ['-R', 'postgres:postgres', folder]);

	return (command, args) => {
		const [file, fullArgs] = isRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
		execFileSync(file, fullArgs, { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] });
	};
}

/** Starts Redis on 127.0.0.1 without persistence. */
export async function startRedis(): Promise<Service> {
	const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-redis-'));
	const port = await freePort();
	const log = fs.openSync(path.join(folder, 'redis.log'), 'a');

	let child: ChildProcess;
	try {
		child = spawn(
			'redis-server',
			['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', folder, '--daemonize', 'no'],
			{ stdio: ['ignore', log, log] },
		);
	} finally {
		fs.closeSync(log);
	}
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	child.once('error', () => undefined);

	try {
		await waitFor(`Redis on port ${port}`, 20_000, () => redisPing(port));
	} catch (error) {
		child.kill('SIGKILL');
		const detail = fs.readFileSync(path.join(folder, 'redis.log'), 'utf8').slice(-1000);
		const reason = error instanceof Error ? error.message : String(error);
		throw new Error(`${reason}. If redis-server is missing, install it with: apt-get install -y redis-server. Redis log: ${detail}`);
	}

	return {
		version: execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).trim(),
		port,
		folder,
		stop: async () => {
			child.kill('SIGTERM');
			await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
			child.kill('SIGKILL');
			fs.rmSync(folder, { recursive: true, force: true });
		},
	};
}

function redisPing(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		socket.setTimeout(1000);
		socket.once('connect', () => socket.write('PING\r\n'));
		socket.once('data', (data) => {
			socket.destroy();
			resolve(data.toString().startsWith('+PONG'));
		});
		socket.once('timeout', () => {
			socket.destroy();
			resolve(false);
		});
		socket.once('error', () => resolve(false));
	});
}
