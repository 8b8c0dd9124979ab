import { z } from 'zod/v4';

/**
 * Schemas for every FortiAnalyzer response the client reads. They are the single source of truth for what
 * FortiAnalyzer sends: types come from `z.infer`, and nothing outside this file guesses at response shapes.
 *
 * FortiAnalyzer responds in two dialects. Legacy calls (`/sys/...`) and some errors use a list:
 * `{"result":[{"status":{"code":0,"message":"OK"},"url":"...","data":{...}}]}`. FortiView calls with
 * `apiver: 3` return one object: `{"jsonrpc":"2.0","result":{"percentage":"100","data":[...],"status":{...}}}`.
 * FortiAnalyzer 7.4 and 7.6 send most numbers as strings, so numeric fields accept both.
 */

const DECIMAL = /^\s*-?\d+(\.\d+)?\s*$/;

/** Returns whether a string is a decimal number that fits a double. 400 digits match `DECIMAL` but become Infinity. */
function isFiniteDecimal(text: string): boolean {
	return DECIMAL.test(text) && Number.isFinite(Number(text));
}

/**
 * A number, or a string containing a decimal number (FortiAnalyzer 7.4/7.6 send counts as strings). One custom
 * check instead of a union of two schemas, because unions cost about ten times as much on a 1000-row page.
 */
export const numeric = z.custom<number | string>(
	(value) => (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && isFiniteDecimal(value)),
	{ message: 'expected a number' },
).transform((value) => Number(value));

/** A count that may be missing or empty. Both become `null` rather than an invented 0. */
const optionalCount = z
	.custom<number | string | null | undefined>(
		(value) =>
			value === undefined ||
			value === null ||
			value === '' ||
			(typeof value === 'number' && Number.isFinite(value)) ||
			(typeof value === 'string' && isFiniteDecimal(value)),
		{ message: 'expected a number or nothing' },
	)
	.transform((value) => (value === undefined || value === null || value === '' ? null : Number(value)));

export const statusSchema = z.object({
	code: numeric,
	message: z.string().optional().default(''),
});

export const jsonRpcErrorSchema = z.object({
	code: numeric,
	message: z.string().optional().default(''),
});

/** The outer JSON-RPC envelope, common to both dialects. */
export const envelopeSchema = z.object({
	id: z.unknown().optional(),
	jsonrpc: z.string().optional(),
	result: z.unknown().optional(),
	error: jsonRpcErrorSchema.nullish(),
	session: z.string().optional(),
});

/** One entry of the legacy `result` list. */
export const listEntrySchema = z
	.object({
		status: statusSchema.optional(),
		url: z.string().optional(),
		data: z.unknown().optional(),
	})
	.passthrough();

/** The apiver-3 `result` object. `status` is optional because some endpoints omit it on success. */
export const resultObjectSchema = z
	.object({
		status: statusSchema.optional(),
	})
	.passthrough();

export const taskIdSchema = z
	.union([numeric, z.string().regex(/^\d+$/).transform(Number)])
	.refine((tid) => Number.isSafeInteger(tid) && tid > 0, 'expected a positive integer tid');

/** The reply to `add .../top-threats/run`: `result.tid`, or `result[0].data.tid` in the list form. */
export const createdTaskSchema = z.object({ tid: taskIdSchema }).passthrough();

/** A top-threats row as FortiAnalyzer 7.4/7.6 return it (apiver 3), numbers as strings. Other keys are dropped. */
export const apiver3RowSchema = z.object({
	threat: z.string(),
	threattype: z.string().optional().default(''),
	threatlevel: optionalCount,
	level_s: z.string().optional(),
	threatweight: optionalCount,
	incidents: numeric,
	incident_block: optionalCount,
	incident_pass: optionalCount,
});

/** The apiver-3 fetch reply of a FortiView task. `percentage` is required by Fortinet's 7.6.7 API spec. */
export const apiver3FetchSchema = z
	.object({
		percentage: numeric,
		data: z.array(z.unknown()).nullish().transform((rows) => rows ?? []),
		'return-lines': optionalCount,
		'total-count-all': optionalCount,
	})
	.passthrough();

export const severitySchema = z.enum(['critical', 'high', 'medium', 'low', 'info']);

/** A threat in the documented shape of the FortiAnalyzer how-to documents, numbers as numbers. */
export const documentedThreatSchema = z.object({
	threat: z.string(),
	threattype: z.string().optional().default(''),
	severity: z.string(),
	incidents: numeric,
	sources: optionalCount,
	destinations: optionalCount,
	blocked: optionalCount,
	detected: optionalCount,
});

/** `result[0].data` of a fetch in the documented shape. */
export const documentedFetchSchema = z
	.object({
		tid: taskIdSchema.optional(),
		status: z.string().optional(),
		percentage: numeric.optional(),
		total: optionalCount,
		threats: z.array(z.unknown()).nullish().transform((threats) => threats ?? []),
	})
	.passthrough();

/** `/sys/status` data. Only the fields shown to users are read, and the rest is kept as is. */
export const systemStatusSchema = z
	.object({
		Version: z.string().optional(),
		Hostname: z.string().optional(),
		'Serial Number': z.string().optional(),
	})
	.passthrough();

export type Severity = z.infer<typeof severitySchema>;
export type ApiStatus = z.infer<typeof statusSchema>;
export type Apiver3Row = z.infer<typeof apiver3RowSchema>;
export type DocumentedThreat = z.infer<typeof documentedThreatSchema>;
export type SystemStatus = z.infer<typeof systemStatusSchema>;
