import {
	absoluteTimeRange,
	InvalidInputError,
	normalizeFingerprint,
	parseDevices,
	relativeTimeRange,
	resolveEndpoint,
	validateAdom,
	validateFilter,
	validateLimit,
	validateTid,
	validateTimezone,
} from '../../nodes/FortiAnalyzer/client';

const now = new Date('2026-03-10T12:00:00Z');

describe('resolveEndpoint', () => {
	it.each([
		['https://faz.example.com', 'https://faz.example.com/jsonrpc'],
		['https://faz.example.com/', 'https://faz.example.com/jsonrpc'],
		['https://faz.example.com/jsonrpc', 'https://faz.example.com/jsonrpc'],
		['  https://10.0.0.5:8443/faz/  ', 'https://10.0.0.5:8443/faz/jsonrpc'],
	])('%s becomes %s', (input, endpoint) => {
		expect(resolveEndpoint(input)).toBe(endpoint);
	});

	it.each([
		['', /Base URL: it is empty/],
		['faz.example.com', /not a URL/],
		['ftp://faz.example.com', /scheme "ftp:"/],
		['https://admin:secret@faz.example.com', /user name or password/],
		['https://faz.example.com/?x=1', /query string/],
	])('rejects %p', (input, message) => {
		expect(() => resolveEndpoint(input)).toThrow(message);
	});
});

describe('validateAdom', () => {
	it.each(['root', 'FortiCarrier', 'Branch_EU-2', 'soc.lab'])('accepts %s', (adom) => {
		expect(validateAdom(adom)).toBe(adom);
	});

	it.each(['', '   ', '../root', 'root/top-threats', 'a b', '..', 'x'.repeat(65), 'root?x'])('rejects %p', (adom) => {
		expect(() => validateAdom(adom)).toThrow(InvalidInputError);
	});
});

describe('validateTid', () => {
	it.each([[12470, 12470], ['12470', 12470], [' 7 ', 7]])('accepts %p', (input, tid) => {
		expect(validateTid(input)).toBe(tid);
	});

	it.each([0, -1, 1.5, '12a', '', '1/../2', null, undefined, Number.MAX_SAFE_INTEGER + 2])('rejects %p', (input) => {
		expect(() => validateTid(input)).toThrow(/Task ID/);
	});
});

describe('validateLimit', () => {
	it.each([1, 1000])('accepts %p', (limit) => expect(validateLimit(limit)).toBe(limit));

	it.each([0, 1001, 2.5, '10'])('rejects %p', (limit) => {
		expect(() => validateLimit(limit)).toThrow(/Limit/);
	});
});

describe('parseDevices', () => {
	it('defaults to all devices', () => {
		expect(parseDevices('')).toEqual([{ devname: 'All_Device' }]);
	});

	it('tells serials from names', () => {
		expect(parseDevices('FG100FTK19000001, HQ-Firewall, FG100FTK19000001[root], All_FortiGate')).toEqual([
			{ devid: 'FG100FTK19000001' },
			{ devname: 'HQ-Firewall' },
			{ devid: 'FG100FTK19000001[root]' },
			{ devid: 'All_FortiGate' },
		]);
	});

	it('rejects characters outside device names', () => {
		expect(() => parseDevices('FG1, fw";drop')).toThrow(/Devices/);
	});
});

describe('validateFilter', () => {
	it('accepts a log-view expression', () => {
		expect(validateFilter(' threat=="Zeus.Botnet" and srcip==10.0.0.1 ')).toBe('threat=="Zeus.Botnet" and srcip==10.0.0.1');
	});

	it.each([['a==1\nb==2', /control character/], ['threat=="x', /unmatched double quote/], ['x'.repeat(3000), /characters long/]])(
		'rejects %p',
		(filter, message) => {
			expect(() => validateFilter(filter)).toThrow(message);
		},
	);
});

describe('time ranges', () => {
	it('formats the last 24 hours in the time zone', () => {
		const range = relativeTimeRange(24, 'hours', 'Europe/Berlin', now);

		expect(range).toEqual({
			start: '2026-03-09 13:00:00',
			end: '2026-03-10 13:00:00',
			timezone: 'Europe/Berlin',
			startUtc: '2026-03-09T12:00:00.000Z',
			endUtc: '2026-03-10T12:00:00.000Z',
		});
	});

	it('reads a value without offset in the time zone', () => {
		const range = absoluteTimeRange('2026-03-01T08:00:00', '2026-03-01T09:30:00', 'America/New_York', now);

		expect(range.start).toBe('2026-03-01 08:00:00');
		expect(range.startUtc).toBe('2026-03-01T13:00:00.000Z');
	});

	it('converts a value with offset into the time zone', () => {
		const range = absoluteTimeRange('2026-03-01T08:00:00Z', '2026-03-01T10:00:00+01:00', 'Asia/Tokyo', now);

		expect(range.start).toBe('2026-03-01 17:00:00');
		expect(range.end).toBe('2026-03-01 18:00:00');
	});

	it('handles a daylight-saving change', () => {
		const range = absoluteTimeRange('2026-03-29 01:30:00', '2026-03-29 03:30:00', 'Europe/Berlin', new Date('2026-04-01T00:00:00Z'));

		expect(range.startUtc).toBe('2026-03-29T00:30:00.000Z');
		expect(range.endUtc).toBe('2026-03-29T01:30:00.000Z');
	});

	it.each([
		['2026-03-02T00:00:00Z', '2026-03-01T00:00:00Z', /End: .* is not after the start/],
		['2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z', /not after the start/],
		['2026-04-01T00:00:00Z', '2026-04-02T00:00:00Z', /in the future/],
		['yesterday', '2026-03-01T00:00:00Z', /Start: "yesterday" is not a date/],
		['2026-02-30T00:00:00', '2026-03-01T00:00:00', /not a valid calendar date/],
	])('rejects %s to %s', (start, end, message) => {
		expect(() => absoluteTimeRange(start, end, 'UTC', now)).toThrow(message);
	});

	it.each([[0, 'hours'], [-3, 'days'], [1.5, 'hours'], [5, 'weeks'], [4000, 'days']])('rejects last %p %p', (amount, unit) => {
		expect(() => relativeTimeRange(amount, unit, 'UTC', now)).toThrow(InvalidInputError);
	});

	it('rejects an unknown time zone', () => {
		expect(() => validateTimezone('Mars/Olympus')).toThrow(/Timezone: "Mars\/Olympus"/);
	});
});

describe('normalizeFingerprint', () => {
	const hex = 'AB'.repeat(32);

	it('accepts colons and lower case', () => {
		expect(normalizeFingerprint(hex.toLowerCase().match(/../g)!.join(':'))).toBe(hex);
	});

	it('rejects a SHA-1 fingerprint', () => {
		expect(() => normalizeFingerprint('AB'.repeat(20))).toThrow(/64 hexadecimal digits/);
	});
});
