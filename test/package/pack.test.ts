/**
 * What `npm publish` would ship. After a build, `npm pack --dry-run` must list only the compiled nodes and
 * credentials with their icons and codex files, plus README, LICENSE, CHANGELOG and package.json. Every node and
 * credential of package.json's `n8n` block must be there and load. The build does not delete `dist/` first,
 * because other runs in the same work tree may read it. Instead every packed file must come from a current source
 * file, which is what a clean build would leave.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { ICredentialType, INodeType } from 'n8n-workflow';

const ROOT = path.resolve(__dirname, '..', '..');

interface PackageJson {
	files: string[];
	n8n: { nodes: string[]; credentials: string[] };
}

interface PackResult {
	files: Array<{ path: string }>;
}

const packageJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as PackageJson;

let packed: string[];

beforeAll(() => {
	execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'pipe' });

	const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
	const [result] = JSON.parse(output) as PackResult[];
	packed = result.files.map((file) => file.path).sort();
}, 120_000);

test('tarball holds docs and package.json', () => {
	for (const file of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md']) expect(packed).toContain(file);
});

test('tarball holds nothing outside dist and docs', () => {
	const allowedTopLevel = new Set(['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md']);

	const unexpected = packed.filter((file) => !allowedTopLevel.has(file) && !/^dist\/(nodes|credentials)\//.test(file));
	expect(unexpected).toEqual([]);
});

test('tarball holds no tests, fixtures or build state', () => {
	const suspicious = packed.filter((file) => /(^|\/)(test|tests|__tests__|fixtures?|emulator|e2e)(\/|$)|\.test\.|\.spec\.|\.tsbuildinfo$|\.ts$(?<!\.d\.ts)/.test(file));
	expect(suspicious).toEqual([]);
});

test('every packed build file has a source file', () => {
	const stale = packed
		.filter((file) => file.startsWith('dist/'))
		.filter((file) => !fs.existsSync(path.join(ROOT, sourceOf(file))));
	expect(stale).toEqual([]);
});

test('every source file is built and packed', () => {
	const sources = ['nodes', 'credentials'].flatMap((folder) => sourceFiles(path.join(ROOT, folder)));
	expect(sources.length).toBeGreaterThan(0);

	const unbuilt = sources
		.map((file) => `dist/${path.relative(ROOT, file).split(path.sep).join('/').replace(/\.ts$/, '.js')}`)
		.filter((built) => !packed.includes(built));
	expect(unbuilt).toEqual([]);
});

describe.each([
	['node', () => packageJson.n8n.nodes],
	['credential', () => packageJson.n8n.credentials],
])('every %s of the n8n block', (_kind, listed) => {
	test('is listed', () => {
		expect(listed().length).toBeGreaterThan(0);
	});

	test('is built and packed', () => {
		for (const file of listed()) {
			expect(fs.existsSync(path.join(ROOT, file))).toBe(true);
			expect(packed).toContain(file);
		}
	});

	test('loads with its icons packed', () => {
		for (const file of listed()) {
			const instances = loadClasses(file);
			expect(instances).toHaveLength(1);

			for (const icon of iconFiles(instances[0])) expect(packed).toContain(path.posix.join(path.posix.dirname(file), icon));
		}
	});
});

test('every node has its codex file packed', () => {
	for (const file of packageJson.n8n.nodes) expect(packed).toContain(file.replace(/\.js$/, '.json'));
});

/** Lists the TypeScript sources under a folder, declaration files left out. */
function sourceFiles(folder: string): string[] {
	return fs
		.readdirSync(folder, { recursive: true, encoding: 'utf8' })
		.filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
		.map((name) => path.join(folder, name));
}

/** Returns the source of a build file: `x.ts` for `x.js`, `x.d.ts` and `x.js.map`, and the same path for icons and JSON. */
function sourceOf(buildFile: string): string {
	const source = buildFile.replace(/^dist\//, '');
	return source.replace(/(\.d\.ts|\.js\.map|\.js)$/, '.ts');
}

/** Requires a compiled file and instantiates each class it exports, as n8n's loader does. */
function loadClasses(file: string): Array<INodeType | ICredentialType> {
	const exports = require(path.join(ROOT, file)) as Record<string, unknown>;

	return Object.values(exports)
		.filter((value): value is new () => INodeType | ICredentialType => typeof value === 'function')
		.map((Class) => new Class());
}

/** Returns the icon files, light and dark, that a node or credential names with `file:`. */
function iconFiles(instance: INodeType | ICredentialType): string[] {
	const icon = 'description' in instance ? instance.description.icon : instance.icon;
	let names: string[] = [];
	if (typeof icon === 'string') names = [icon];
	else if (icon) names = [icon.light, icon.dark];

	return names.filter((name) => name.startsWith('file:')).map((name) => name.slice('file:'.length));
}
