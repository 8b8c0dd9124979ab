/**
 * A small assertion log for the e2e run: every check prints one line and is counted, so that one run reports all
 * failures of all legs instead of stopping at the first.
 */
import { isDeepStrictEqual } from 'node:util';

export interface CheckTotals {
	passed: number;
	failed: number;
	failures: string[];
}

export class Checks {
	constructor(
		private readonly scope: string,
		private readonly totals: CheckTotals = { passed: 0, failed: 0, failures: [] },
	) {}

	/** Returns a log for a part of the run whose results count towards the same totals. */
	child(scope: string): Checks {
		return new Checks(this.scope === '' ? scope : `${this.scope} / ${scope}`, this.totals);
	}

	get passed(): number {
		return this.totals.passed;
	}

	get failed(): number {
		return this.totals.failed;
	}

	get failures(): readonly string[] {
		return this.totals.failures;
	}

	/** Records one check; `detail` is printed only when it fails. */
	ok(name: string, condition: boolean, detail?: string): boolean {
		const line = `${this.scope}: ${name}`;
		if (condition) {
			this.totals.passed++;
			console.log(`  ok    ${line}`);
		} else {
			this.totals.failed++;
			this.totals.failures.push(detail ? `${line} (${detail})` : line);
			console.log(`  FAIL  ${line}${detail ? `\n        ${detail}` : ''}`);
		}
		return condition;
	}

	equal(name: string, actual: unknown, expected: unknown): boolean {
		return this.ok(name, isDeepStrictEqual(actual, expected), `expected ${show(expected)}, got ${show(actual)}`);
	}

	/** Records a failure for an error that stopped a part of the run. */
	fail(name: string, error: unknown): void {
		this.ok(name, false, error instanceof Error ? error.message : String(error));
	}
}

function show(value: unknown): string {
	const text = JSON.stringify(value);
	if (text === undefined) return String(value);
	return text.length > 400 ? `${text.slice(0, 400)}...` : text;
}
