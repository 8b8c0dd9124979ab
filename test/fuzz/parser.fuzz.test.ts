/**
 * Property tests for the response parser: arbitrary JSON and mutated valid responses of both dialects go through
 * `readReply` and `readTaskResult`, and the row normalisers. Only the client's typed errors may come out, and every
 * result that comes out satisfies the canonical threat invariants. Each property runs FUZZ_RUNS times (default
 * 300); `FUZZ_RUNS=20000 npx jest test/fuzz` searches longer.
 */
import fc from 'fast-check';

import {
	type ErrorContext,
	FortiAnalyzerError,
	type NormalizeOptions,
	normalizeApiver3Row,
	normalizeDocumentedThreat,
	readReply,
	readTaskResult,
	type TaskResult,
	type Threat,
} from '../../nodes/FortiAnalyzer/client';

const RUNS = readRuns(process.env.FUZZ_RUNS);

function readRuns(value: string | undefined): number {
	const runs = Number(value ?? 300);
	if (!Number.isInteger(runs) || runs < 1) throw new Error(`FUZZ_RUNS must be a positive integer; got "${value}"`);

	return runs;
}

const CONTEXT: ErrorContext = { endpoint: 'https://faz.example.com/jsonrpc', apiUrl: '/fortiview/adom/root/top-threats/run/12470', tid: 12470 };

const SEVERITIES = new Set(['critical', 'high', 'medium', 'low', 'info']);

/** Every error kind the parser may raise; transport kinds such as `timeout` cannot come from a body. */
const PARSER_ERROR_KINDS = new Set(['malformed-response', 'api', 'authentication', 'permission', 'task-not-found', 'busy']);

// ---------------------------------------------------------------------------------------------------------------
// Checks

type Outcome = { ok: true; result: TaskResult } | { ok: false; error: unknown };

function parse(body: unknown, options: NormalizeOptions): Outcome {
	try {
		return { ok: true, result: readTaskResult(readReply(body, CONTEXT), options, CONTEXT) };
	} catch (error) {
		return { ok: false, error };
	}
}

/** Fails unless the error is one of the client's typed errors, and names what came out instead. */
function expectTypedError(error: unknown): void {
	if (!(error instanceof FortiAnalyzerError)) {
		throw new Error(`Expected a FortiAnalyzerError, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
	}
	expect(PARSER_ERROR_KINDS.has(error.kind)).toBe(true);
	expect(error.message).toContain(CONTEXT.endpoint);
}

function isCount(value: unknown): boolean {
	return value === null || (typeof value === 'number' && Number.isFinite(value));
}

function expectCanonicalThreat(threat: Threat, index: number, options: NormalizeOptions): void {
	expect(typeof threat.threat).toBe('string');
	expect(typeof threat.threattype).toBe('string');
	expect(threat.severity === null || SEVERITIES.has(threat.severity)).toBe(true);
	expect(typeof threat.incidents).toBe('number');
	expect(Number.isFinite(threat.incidents)).toBe(true);
	for (const field of ['blocked', 'detected', 'sources', 'destinations', 'threatweight'] as const) {
		if (!isCount(threat[field])) throw new Error(`${field} is ${String(threat[field])}, not a finite number or null`);
	}
	expect(threat.rank).toBe((options.firstRank ?? 1) + index);
	expect(threat.tid).toBe(options.tid);
	expect(threat.adom).toBe(options.adom);
}

function expectCanonicalResult(result: TaskResult, options: NormalizeOptions): void {
	expect(Number.isFinite(result.percentage)).toBe(true);
	expect(result.percentage).toBeGreaterThanOrEqual(0);
	expect(result.percentage).toBeLessThanOrEqual(100);
	if (result.done) expect(result.percentage).toBe(100);
	expect(isCount(result.total)).toBe(true);
	result.threats.forEach((threat, index) => expectCanonicalThreat(threat, index, options));
	for (let index = 1; index < result.threats.length; index++) {
		expect(result.threats[index].rank).toBeGreaterThan(result.threats[index - 1].rank);
	}
}

function expectOnlyTypedErrorsOrCanonical(body: unknown, options: NormalizeOptions): void {
	const outcome = parse(body, options);
	if (outcome.ok) expectCanonicalResult(outcome.result, options);
	else expectTypedError(outcome.error);
}

// ---------------------------------------------------------------------------------------------------------------
// Arbitraries

const options: fc.Arbitrary<NormalizeOptions> = fc.record({
	tid: fc.integer({ min: 1, max: 2 ** 31 }),
	adom: fc.constantFrom('root', 'soc', 'legacy'),
	includeRaw: fc.boolean(),
	firstRank: fc.integer({ min: 1, max: 5000 }),
});

/** Numbers that break naive parsing: huge, tiny, not finite, negative zero, beyond the safe integers. */
const awkwardNumber = fc.constantFrom<unknown>(
	Number.MAX_VALUE,
	-Number.MAX_VALUE,
	Number.MAX_SAFE_INTEGER + 2,
	Number.MIN_VALUE,
	Infinity,
	-Infinity,
	NaN,
	-0,
	1e21,
	0.5,
	'1e400',
	'9'.repeat(400),
	`-${'9'.repeat(400)}`,
	'12.5',
	' 42 ',
	'0x10',
	'',
	'NaN',
	'Infinity',
);

const decimalString = fc.integer({ min: 0, max: 100_000 }).map(String);

const level = fc.integer({ min: 0, max: 6 }).map(String);

const levelLabel = fc.constantFrom('Critical', 'High', 'Medium', 'Low', 'Info', 'Information', 'high', ' CRITICAL ', 'unknown', '');

/** A top-threats row as FortiAnalyzer 7.4/7.6 send it, numbers as strings. */
const apiver3Row = fc
	.record({
		threat: fc.string(),
		threattype: fc.string(),
		threatlevel: level,
		level_s: levelLabel,
		threatweight: decimalString,
		incident_block: decimalString,
		incident_pass: decimalString,
		logtype_str: fc.constantFrom('traffic', 'anomaly', 'attack'),
	})
	.map((row) => ({ ...row, incidents: String(Number(row.incident_block) + Number(row.incident_pass)) }));

const percentage = fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }).map(String));

/** An apiver-3 fetch reply: `result` is an object holding `percentage`, `data` and `status`. */
const apiver3Body = fc
	.record(
		{
			percentage,
			data: fc.array(apiver3Row, { maxLength: 8 }),
			total: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }),
		},
		{ requiredKeys: ['percentage', 'data'] },
	)
	.map(({ percentage: reported, data, total }) => {
		const result: Record<string, unknown> = { percentage: reported, data, status: { code: 0, message: 'OK' }, 'return-lines': data.length };
		if (total !== undefined) result['total-count-all'] = total;
		return { jsonrpc: '2.0', id: 3, result } as Record<string, unknown>;
	});

/** A threat in the documented shape, numbers as numbers. */
const documentedThreat = fc.record({
	threat: fc.string(),
	threattype: fc.string(),
	severity: fc.constantFrom('critical', 'high', 'medium', 'low', 'info', 'Critical', 'severe'),
	incidents: fc.integer({ min: 0, max: 100_000 }),
	sources: fc.integer({ min: 0, max: 1000 }),
	destinations: fc.integer({ min: 0, max: 1000 }),
	blocked: fc.integer({ min: 0, max: 100_000 }),
	detected: fc.integer({ min: 0, max: 100_000 }),
});

/** A fetch reply in the documented shape: `result[0].data` contains `status`, `percentage`, `total` and `threats`. */
const documentedBody = fc
	.record({
		tid: fc.integer({ min: 1, max: 2 ** 31 }),
		status: fc.constantFrom('done', 'running'),
		percentage: fc.integer({ min: 0, max: 100 }),
		threats: fc.array(documentedThreat, { maxLength: 8 }),
	})
	.map((data): Record<string, unknown> => {
		const entry = { status: { code: 0, message: 'OK' }, url: CONTEXT.apiUrl, data: { ...data, total: data.threats.length } };
		return { id: 3, result: [entry] };
	});

const validBody = fc.oneof(apiver3Body, documentedBody);

/** One change to one place of a response. */
type Mutation =
	| { op: 'drop' }
	| { op: 'replace'; value: unknown }
	| { op: 'number-as-string' }
	| { op: 'awkward-number'; value: unknown }
	| { op: 'nest'; junk: unknown }
	| { op: 'wrap-in-list' };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
	fc.constant<Mutation>({ op: 'drop' }),
	fc.jsonValue({ maxDepth: 2 }).map((value): Mutation => ({ op: 'replace', value })),
	fc.constant<Mutation>({ op: 'number-as-string' }),
	awkwardNumber.map((value): Mutation => ({ op: 'awkward-number', value })),
	fc.jsonValue({ maxDepth: 3 }).map((junk): Mutation => ({ op: 'nest', junk })),
	fc.constant<Mutation>({ op: 'wrap-in-list' }),
);

/** A mutation aimed at one of the body's places, picked by `place` modulo the number of places. */
const mutations = fc.array(fc.record({ place: fc.nat(), mutation }), { minLength: 1, maxLength: 6 });

// ---------------------------------------------------------------------------------------------------------------
// Mutation

type Container = Record<string, unknown> | unknown[];

interface Place {
	parent: Container;
	key: string | number;
}

function isContainer(value: unknown): value is Container {
	return typeof value === 'object' && value !== null;
}

/** Lists every key or index of every object and array inside `value`, parents before children. */
function placesOf(value: unknown, places: Place[] = []): Place[] {
	if (!isContainer(value)) return places;

	const keys: Array<string | number> = Array.isArray(value) ? value.map((_, index) => index) : Object.keys(value);
	for (const key of keys) {
		places.push({ parent: value, key });
		placesOf((value as Record<string | number, unknown>)[key], places);
	}
	return places;
}

function applyMutation(place: Place, mutation: Mutation): void {
	const parent = place.parent as Record<string | number, unknown>;
	const current = parent[place.key];

	switch (mutation.op) {
		case 'drop':
			if (Array.isArray(place.parent)) place.parent.splice(place.key as number, 1);
			else delete parent[place.key];
			return;
		case 'replace':
			parent[place.key] = mutation.value;
			return;
		case 'number-as-string':
			if (typeof current === 'number') parent[place.key] = String(current);
			else if (typeof current === 'string' && /^\d+$/.test(current)) parent[place.key] = Number(current);
			return;
		case 'awkward-number':
			parent[place.key] = mutation.value;
			return;
		case 'nest':
			parent[place.key] = isContainer(current) ? { ...current, junk: mutation.junk } : { value: current, junk: mutation.junk };
			return;
		case 'wrap-in-list':
			parent[place.key] = [current];
			return;
	}
}

function mutate(body: Record<string, unknown>, plan: Array<{ place: number; mutation: Mutation }>): Record<string, unknown> {
	const copy = structuredClone(body);
	for (const step of plan) {
		const places = placesOf(copy);
		if (places.length === 0) break;
		applyMutation(places[step.place % places.length], step.mutation);
	}
	return copy;
}

/** Converts every number in `value` except the JSON-RPC `id` to a decimal string, as FortiAnalyzer 7.4/7.6 send them. */
function numbersAsStrings(value: unknown): unknown {
	if (typeof value === 'number') return String(value);
	if (Array.isArray(value)) return value.map(numbersAsStrings);
	if (!isContainer(value)) return value;

	return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, key === 'id' ? entry : numbersAsStrings(entry)]));
}

// ---------------------------------------------------------------------------------------------------------------

describe('response parser', () => {
	test('arbitrary JSON gives typed errors only', () => {
		fc.assert(
			fc.property(fc.jsonValue(), options, (body, normalizeOptions) => {
				expectOnlyTypedErrorsOrCanonical(body, normalizeOptions);
			}),
			{ numRuns: RUNS },
		);
	});

	test('arbitrary result and error members', () => {
		const member = fc.jsonValue({ maxDepth: 4 });
		const envelope = fc.oneof(
			member.map((result) => ({ jsonrpc: '2.0', id: 1, result })),
			member.map((result) => ({ id: 1, result: [result] })),
			member.map((error) => ({ jsonrpc: '2.0', id: 1, error })),
			fc
				.record({ code: fc.oneof(fc.integer(), awkwardNumber), message: fc.oneof(fc.string(), member) })
				.map((status) => ({ id: 1, result: [{ status }] })),
			fc
				.record({ percentage: fc.oneof(percentage, awkwardNumber), data: fc.array(member, { maxLength: 4 }) })
				.map((result) => ({ jsonrpc: '2.0', id: 1, result })),
		);

		fc.assert(
			fc.property(envelope, options, (body, normalizeOptions) => {
				expectOnlyTypedErrorsOrCanonical(body, normalizeOptions);
			}),
			{ numRuns: RUNS },
		);
	});

	test('valid responses of both dialects are read', () => {
		fc.assert(
			fc.property(validBody, options, (body, normalizeOptions) => {
				const outcome = parse(body, normalizeOptions);
				if (!outcome.ok) throw outcome.error;

				expectCanonicalResult(outcome.result, normalizeOptions);
				const rows = Array.isArray(body.result)
					? (body.result[0] as { data: { threats: unknown[] } }).data.threats
					: (body.result as { data: unknown[] }).data;
				expect(outcome.result.threats).toHaveLength(rows.length);
			}),
			{ numRuns: RUNS },
		);
	});

	test('numbers as strings read like numbers', () => {
		fc.assert(
			fc.property(validBody, options, (body, normalizeOptions) => {
				const plain = parse(body, { ...normalizeOptions, includeRaw: false });
				const stringly = parse(numbersAsStrings(body), { ...normalizeOptions, includeRaw: false });

				expect(stringly).toEqual(plain);
			}),
			{ numRuns: RUNS },
		);
	});

	test('mutated valid responses give typed errors or canonical threats', () => {
		fc.assert(
			fc.property(validBody, mutations, options, (body, plan, normalizeOptions) => {
				expectOnlyTypedErrorsOrCanonical(mutate(body, plan), normalizeOptions);
			}),
			{ numRuns: RUNS },
		);
	});

	test('mutated responses survive a JSON round trip', () => {
		fc.assert(
			fc.property(validBody, mutations, options, (body, plan, normalizeOptions) => {
				// JSON turns NaN and Infinity into null and -0 into 0, as a FortiAnalyzer reply would carry them.
				const text = JSON.stringify(mutate(body, plan));
				expectOnlyTypedErrorsOrCanonical(JSON.parse(text), normalizeOptions);
			}),
			{ numRuns: RUNS },
		);
	});
});

describe('row normalisers', () => {
	const row = fc.oneof(
		apiver3Row.chain((valid) => mutations.map((plan) => mutate(valid, plan))),
		documentedThreat.chain((valid) => mutations.map((plan) => mutate(valid, plan))),
		fc.jsonValue({ maxDepth: 3 }),
		fc.dictionary(
			fc.constantFrom('threat', 'threattype', 'incidents', 'level_s', 'threatlevel', 'severity', 'blocked', 'incident_pass'),
			fc.oneof(fc.jsonValue({ maxDepth: 1 }), awkwardNumber),
		),
	);

	test.each([
		['apiver-3 rows', normalizeApiver3Row],
		['documented threats', normalizeDocumentedThreat],
	])('%s give typed errors or canonical threats', (_name, normalize) => {
		fc.assert(
			fc.property(row, fc.nat({ max: 999 }), options, (candidate, index, normalizeOptions) => {
				let threat: Threat;
				try {
					threat = normalize(candidate, index, normalizeOptions, CONTEXT);
				} catch (error) {
					expectTypedError(error);
					return;
				}
				expectCanonicalThreat(threat, index, normalizeOptions);
			}),
			{ numRuns: RUNS },
		);
	});
});
