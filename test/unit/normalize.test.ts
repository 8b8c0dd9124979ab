import {
	ApiError,
	AuthenticationError,
	MalformedResponseError,
	PermissionError,
	readReply,
	readTaskResult,
	TaskNotFoundError,
} from '../../nodes/FortiAnalyzer/client';

const context = { endpoint: 'https://faz.test/jsonrpc', apiUrl: '/fortiview/adom/root/top-threats/run/12470', tid: 12470 };
const options = { tid: 12470, adom: 'root' };

/** A top-threats row as FortiAnalyzer 7.6.7 sends it: every number is a string. */
const apiver3Row = {
	threat: 'Apache.Log4j.Error.Log.Remote.Code.Execution',
	threattype: 'ips',
	threatlevel: '5',
	level_s: 'Critical',
	threatweight: '2500',
	threat_block: '2000',
	threat_pass: '500',
	incidents: '50',
	incident_block: '40',
	incident_pass: '10',
	logtype: '10',
	logtype_str: 'attack',
	fortigate: 'FG100FTK19000001',
	devvds: 'FG100FTK19000001[root]',
	cve_list: 'CVE-2021-44228',
	appid: '0',
	obf_url: '',
};

function fetchResult(body: unknown) {
	return readTaskResult(readReply(body, context), options, context);
}

describe('apiver 3 dialect', () => {
	it('converts string numbers to numbers', () => {
		const result = fetchResult({ jsonrpc: '2.0', id: 1, result: { percentage: '100', data: [apiver3Row], status: { code: 0, message: 'OK' } } });

		expect(result.done).toBe(true);
		expect(result.dialect).toBe('apiver3');
		expect(result.threats).toEqual([
			{
				threat: 'Apache.Log4j.Error.Log.Remote.Code.Execution',
				threattype: 'ips',
				severity: 'critical',
				incidents: 50,
				blocked: 40,
				detected: 10,
				sources: null,
				destinations: null,
				threatweight: 2500,
				rank: 1,
				tid: 12470,
				adom: 'root',
			},
		]);
	});

	it('maps threatlevel when level_s is missing', () => {
		const rows = [5, 4, 3, 2, 1].map((level) => ({ threat: `t${level}`, threatlevel: String(level), incidents: '1' }));
		const result = fetchResult({ result: { percentage: 100, data: rows } });

		expect(result.threats.map((threat) => threat.severity)).toEqual(['critical', 'high', 'medium', 'low', 'info']);
	});

	it('leaves an unknown level null', () => {
		const result = fetchResult({ result: { percentage: 100, data: [{ threat: 'x', level_s: 'Severe', incidents: '1' }] } });

		expect(result.threats[0].severity).toBeNull();
		expect(result.threats[0].blocked).toBeNull();
		expect(result.threats[0].threatweight).toBeNull();
	});

	it('reports a partial task as not done', () => {
		const result = fetchResult({ result: { percentage: '42', data: [apiver3Row] } });

		expect(result.done).toBe(false);
		expect(result.percentage).toBe(42);
	});

	it('ranks rows from the first rank', () => {
		const result = readTaskResult(
			readReply({ result: { percentage: 100, data: [apiver3Row, apiver3Row] } }, context),
			{ ...options, firstRank: 1001 },
			context,
		);

		expect(result.threats.map((threat) => threat.rank)).toEqual([1001, 1002]);
	});

	it('keeps the raw row only on request', () => {
		const body = { result: { percentage: 100, data: [apiver3Row] } };

		expect(fetchResult(body).threats[0].raw).toBeUndefined();
		expect(readTaskResult(readReply(body, context), { ...options, includeRaw: true }, context).threats[0].raw).toEqual(apiver3Row);
	});

	it('rejects a result without percentage', () => {
		expect(() => fetchResult({ result: { data: [apiver3Row] } })).toThrow(MalformedResponseError);
	});

	it('rejects a row with a non-numeric count', () => {
		expect(() => fetchResult({ result: { percentage: 100, data: [{ ...apiver3Row, incidents: 'many' }] } })).toThrow(
			/threat row 1.*incidents/,
		);
	});

	it('reads total-count-all', () => {
		const result = fetchResult({ result: { percentage: 100, data: [], 'total-count-all': '2300' } });

		expect(result.total).toBe(2300);
	});
});

describe('documented dialect', () => {
	const documented = {
		result: [
			{
				data: {
					tid: 12470,
					status: 'done',
					percentage: 100,
					total: 1,
					threats: [
						{ threat: 'Trojan.Emotet', threattype: 'virus', severity: 'critical', incidents: 1523, sources: 15, destinations: 3, blocked: 1523, detected: 0 },
					],
				},
				status: { code: 0, message: 'OK' },
			},
		],
	};

	it('reads the threats array', () => {
		const result = fetchResult(documented);

		expect(result.dialect).toBe('documented');
		expect(result.total).toBe(1);
		expect(result.threats[0]).toMatchObject({
			threat: 'Trojan.Emotet',
			severity: 'critical',
			incidents: 1523,
			sources: 15,
			destinations: 3,
			blocked: 1523,
			detected: 0,
			threatweight: null,
		});
	});

	it('treats status running as not done', () => {
		const running = { result: [{ data: { tid: 12470, status: 'running', percentage: 30, threats: [] }, status: { code: 0, message: 'OK' } }] };

		expect(fetchResult(running)).toMatchObject({ done: false, percentage: 30 });
	});

	it('raises for status error', () => {
		const failed = { result: [{ data: { tid: 12470, status: 'error', percentage: 30 }, status: { code: 0, message: 'OK' } }] };

		expect(() => fetchResult(failed)).toThrow(ApiError);
	});
});

describe('error forms', () => {
	it('raises the top-level JSON-RPC error', () => {
		const body = { jsonrpc: '2.0', id: 1, error: { code: -32603, message: 'Internal error' } };

		expect(() => readReply(body, {})).toThrow(/code -32603 "Internal error"/);
	});

	it('raises a non-zero result.status', () => {
		const body = { jsonrpc: '2.0', result: { status: { code: -6, message: 'Invalid url' } } };

		expect(() => readReply(body, {})).toThrow(ApiError);
	});

	it('raises -11 in the legacy list as a permission error', () => {
		const body = { result: [{ status: { code: -11, message: 'No permission for the resource' } }], id: '8' };

		expect(() => readReply(body, {})).toThrow(PermissionError);
	});

	it('raises -22 as an authentication error', () => {
		const body = { result: [{ status: { code: -22, message: 'Login fail' }, url: '/sys/login/user' }] };

		expect(() => readReply(body, {})).toThrow(AuthenticationError);
	});

	it('recognises an invalid tid', () => {
		const body = { jsonrpc: '2.0', error: { code: -32005, message: 'Invalid tid 99 for fetching result.' } };

		expect(() => readReply(body, { tid: 99 })).toThrow(TaskNotFoundError);
	});

	it('treats -3 on a tid url as an unknown task', () => {
		const body = { result: [{ status: { code: -3, message: 'Object does not exist' } }] };

		expect(() => readReply(body, { tid: 99 })).toThrow(TaskNotFoundError);
		expect(() => readReply(body, {})).toThrow(ApiError);
	});

	it('rejects a plain string status', () => {
		expect(() => readReply({ result: { status: 'failed' } }, {})).toThrow(MalformedResponseError);
	});

	it('returns empty for a missing result', () => {
		expect(readReply({ jsonrpc: '2.0', id: 3 }, {})).toEqual({ form: 'empty' });
	});

	it('names the endpoint and url in the message', () => {
		const body = { error: { code: -1, message: 'boom' } };

		expect(() => readReply(body, context)).toThrow(/url \/fortiview\/adom\/root\/top-threats\/run\/12470, endpoint https:\/\/faz\.test\/jsonrpc/);
	});
});
