/**
 * The FortiView `filter` expression: terms such as `threatlevel_s==critical` joined by `and`.
 *
 * Operators: `==` and `=` (equal), `!=` (not equal) and `~` (contains), all case-insensitive. Values may be
 * quoted with double or single quotes. A term on a list field (`dvid`, `srcip`, `dstip`) keeps the matching
 * entries of a threat and scales its counts by their share.
 */
import { type ListField, narrowTotal, type ThreatTotal } from './dataset';
import { invalidParams } from './errors';
import { LEVELS } from './catalogue';

export type FilterOperator = '==' | '!=' | '~';

export interface FilterTerm {
	field: string;
	operator: FilterOperator;
	value: string;
}

/** How the emulator evaluates a field: each entity is a list of spellings that all name it. */
interface FieldModel {
	list?: ListField;
	entities(total: ThreatTotal): string[][];
}

const FIELD_MODELS: Record<string, FieldModel> = {
	threat: { entities: (total) => [[total.definition.threat]] },
	threat_s: { entities: (total) => [[total.definition.threat]] },
	threattype_s: { entities: (total) => [[total.definition.threattype]] },
	threatlevel_s: { entities: (total) => [[LEVELS[total.definition.level].label, String(total.definition.level)]] },
	logtype: { entities: (total) => [total.definition.category === 'anomaly' ? ['1', 'anomaly'] : ['10', 'traffic']] },
	dstcountry: { entities: (total) => [[total.dstcountry]] },
	dvid: {
		list: 'devices',
		entities: (total) =>
			total.devices.map((device) => [device.name, device.serial, `${device.name}[${device.vdom}]`, `${device.serial}[${device.vdom}]`]),
	},
	srcip: { list: 'sources', entities: (total) => total.sources.map((address) => [address]) },
	dstip: { list: 'destinations', entities: (total) => total.destinations.map((address) => [address]) },
};

/**
 * Fields FortiAnalyzer 7.6.7 documents as filterable on top-threats, plus `threat`, which live units accept.
 * NOTE: fields without a model in FIELD_MODELS (users, interfaces, policies, UUIDs...) are accepted but do not
 * narrow the result, because the emulator's totals do not carry them.
 */
const FILTERABLE_FIELDS = new Set([
	'app_group', 'dstcountry', 'dstintfrole', 'dstip', 'dstowner', 'dstuuid', 'dvid', 'f_user', 'logtype', 'policyid',
	'policytype', 'srcintfrole', 'srcip', 'srcmac', 'srcuuid', 'threat', 'threat_s', 'threatlevel_s', 'threattype_s',
	'thwgt_cri', 'thwgt_hig', 'thwgt_low', 'thwgt_med', 'timescale',
]);

const TERM_PATTERN = /^([A-Za-z_][\w.-]*)\s*(==|!=|=|~)\s*(.*)$/s;

/** Parses a filter expression; an absent or blank one gives no terms. */
export function parseFilter(value: unknown): FilterTerm[] {
	if (value === undefined || value === null) return [];
	if (typeof value !== 'string') throw invalidParams("'filter' must be a string");
	if (value.trim() === '') return [];

	return splitTerms(value).map(parseTerm);
}

/** Keeps the totals that match every term, each narrowed to its matching devices or addresses. */
export function applyFilter(totals: ThreatTotal[], terms: FilterTerm[]): ThreatTotal[] {
	const matching: ThreatTotal[] = [];

	for (const total of totals) {
		let current: ThreatTotal | undefined = total;
		for (const term of terms) {
			const model = FIELD_MODELS[term.field];
			if (!model || !current) continue;

			const matches = model.entities(current).map((spellings) => matchesTerm(spellings, term));
			if (model.list) current = narrowTotal(current, model.list, matches);
			else if (!matches[0]) current = undefined;
		}
		if (current) matching.push(current);
	}

	return matching;
}

function matchesTerm(spellings: string[], term: FilterTerm): boolean {
	const expected = term.value.toLowerCase();
	const lowered = spellings.map((spelling) => spelling.toLowerCase());

	switch (term.operator) {
		case '==':
			return lowered.includes(expected);
		case '!=':
			return !lowered.includes(expected);
		case '~':
			return lowered.some((spelling) => spelling.includes(expected));
	}
}

function parseTerm(text: string): FilterTerm {
	const match = TERM_PATTERN.exec(text);
	if (!match) throw invalidParams(`filter '${text}' not supported`);

	const [, field, operator, rawValue] = match;
	if (!FILTERABLE_FIELDS.has(field)) throw invalidParams(`filter '${field}' not supported`);

	return { field, operator: operator === '=' ? '==' : (operator as FilterOperator), value: unquote(rawValue.trim()) };
}

function unquote(value: string): string {
	const quoted = value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0]);
	return quoted ? value.slice(1, -1) : value;
}

/**
 * Splits the expression at each `and` outside quotes.
 * NOTE: FortiAnalyzer also accepts `or` and parenthesised groups; the emulator rejects them.
 */
function splitTerms(expression: string): string[] {
	const terms: string[] = [];
	let current = '';
	let quote: string | undefined;

	for (let index = 0; index < expression.length; index++) {
		const char = expression[index];

		if (quote === undefined && /\s/.test(char)) {
			const joiner = /^\s+(and|or)\s+/i.exec(expression.slice(index));
			if (joiner && joiner[1].toLowerCase() === 'or') {
				throw invalidParams(`filter '${expression}' not supported; the emulator joins terms with 'and' only`);
			}
			if (joiner) {
				terms.push(current.trim());
				current = '';
				index += joiner[0].length - 1;
				continue;
			}
		}

		if (quote === undefined && (char === '"' || char === "'")) quote = char;
		else if (char === quote) quote = undefined;
		current += char;
	}

	terms.push(current.trim());
	return terms;
}
