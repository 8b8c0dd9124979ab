/**
 * Reads the run data that `n8n execute --rawOutput` prints (an n8n `IRun` as JSON), or that n8n stores for an
 * execution, and returns the items each node emitted on each output.
 */

export type ItemJson = Record<string, unknown>;

export interface Item {
	json: ItemJson;
	binary?: Record<string, BinaryEntry>;
}

/** A binary property as stored in run data: base64 `data` in memory mode, an `id` in filesystem mode. */
export interface BinaryEntry {
	data?: string;
	id?: string;
	mimeType?: string;
	fileName?: string;
	fileExtension?: string;
	fileSize?: string;
}

interface TaskData {
	executionStatus?: string;
	error?: { message?: string; description?: string };
	data?: { main?: Array<Item[] | null> };
}

export interface RawRun {
	status?: string;
	mode?: string;
	startedAt?: string;
	stoppedAt?: string;
	data: {
		resultData: {
			runData: Record<string, TaskData[]>;
			error?: { message?: string; description?: string; node?: { name?: string } };
			lastNodeExecuted?: string;
		};
	};
}

export class WorkflowRun {
	constructor(readonly raw: RawRun) {}

	get status(): string | undefined {
		return this.raw.status;
	}

	/** The workflow error, when the run failed: its message, description and node. */
	get error(): string | undefined {
		const error = this.raw.data.resultData.error;
		if (!error) return undefined;

		const node = error.node?.name ? ` in node "${error.node.name}"` : '';
		return `${error.message ?? 'unknown error'}${node}${error.description ? `: ${error.description}` : ''}`;
	}

	/** Returns how often a node ran; a node inside a loop runs once per pass. */
	runCount(node: string): number {
		return this.raw.data.resultData.runData[node]?.length ?? 0;
	}

	/** Node executions of the whole run: the runs of all nodes, added up. */
	get nodeExecutions(): number {
		return Object.values(this.raw.data.resultData.runData).reduce((sum, runs) => sum + runs.length, 0);
	}

	/** Items a node emitted on one output in one run. */
	outputOfRun(node: string, runIndex: number, outputIndex = 0): Item[] {
		const run = this.raw.data.resultData.runData[node]?.[runIndex];
		return run?.data?.main?.[outputIndex] ?? [];
	}

	/** Items a node emitted on one output, over all its runs in order. */
	output(node: string, outputIndex = 0): Item[] {
		const runs = this.raw.data.resultData.runData[node] ?? [];
		return runs.flatMap((_, runIndex) => this.outputOfRun(node, runIndex, outputIndex));
	}

	/** Wall time of the execution itself, from n8n's own timestamps; excludes starting the n8n process. */
	get executionMs(): number | undefined {
		if (!this.raw.startedAt || !this.raw.stoppedAt) return undefined;
		return Date.parse(this.raw.stoppedAt) - Date.parse(this.raw.startedAt);
	}
}

/**
 * Finds the run data that `n8n execute --rawOutput` printed: the JSON document on stdout, or else the last entry
 * of the JSON-lines log file whose message is run data. n8n 1.x writes the run data through its logger, also
 * when the run failed.
 */
export function findRunData(stdout: string, logLines: string): WorkflowRun | undefined {
	const fromStdout = parseRunDocument(stdout.slice(Math.max(0, stdout.search(/^\{/m))));
	if (fromStdout) return new WorkflowRun(fromStdout);

	let found: RawRun | undefined;
	for (const line of logLines.split('\n')) {
		if (!line.startsWith('{')) continue;
		const entry = parseJson(line) as { message?: unknown } | undefined;
		if (typeof entry?.message !== 'string' || !entry.message.startsWith('{')) continue;
		found = parseRunDocument(entry.message) ?? found;
	}
	return found ? new WorkflowRun(found) : undefined;
}

function parseRunDocument(text: string): RawRun | undefined {
	const value = parseJson(text.trim()) as RawRun | undefined;
	return value?.data?.resultData?.runData ? value : undefined;
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}
