import { DEFAULT_API_KEY, endpointOf, type RunningEmulator, startEmulator, type ThreatChange } from './index';

type Row = Record<string, string>;

const HOUR_MS = 3_600_000;
const DAY_START = Date.UTC(2024, 4, 1);
const DAY = { start: '2024-05-01 00:00:00', end: '2024-05-02 00:00:00' };
const MORNING = { start: '2024-05-01 06:00:00', end: '2024-05-01 08:00:00' };

let emulator: RunningEmulator;

beforeAll(async () => {
	emulator = await startEmulator({ taskDurationMs: 0 });
});

afterAll(async () => {
	await emulator.stop();
});

beforeEach(() => {
	emulator.setThreatChanges('root', []);
	emulator.setThreatChanges('soc', []);
});

async function rpc(
	target: RunningEmulator,
	method: string,
	url: string,
	extra: Record<string, unknown> = {},
): Promise<{ result?: { tid?: number; data?: Row[] } }> {
	const response = await fetch(endpointOf(target), {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${DEFAULT_API_KEY}` },
		body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: [{ url, apiver: 3, ...extra }] }),
	});
	return (await response.json()) as { result?: { tid?: number; data?: Row[] } };
}

async function rows(timeRange: { start: string; end: string } = DAY, adom = 'root', target = emulator): Promise<Row[]> {
	const created = await rpc(target, 'add', `/fortiview/adom/${adom}/top-threats/run`, { 'time-range': timeRange, timezone: 'UTC' });
	const tid = created.result?.tid;
	if (tid === undefined) throw new Error(`add failed: ${JSON.stringify(created)}`);

	const fetched = await rpc(target, 'get', `/fortiview/adom/${adom}/top-threats/run/${tid}`);
	return fetched.result?.data ?? [];
}

function rowOf(data: Row[], threat: string): Row | undefined {
	return data.find((row) => row.threat === threat);
}

describe('emulator threat changes', () => {
	test('no changes keep the seeded data', async () => {
		const before = await rows();
		emulator.setThreatChanges('root', [{ threat: 'udp_flood', scale: 3 }]);
		emulator.setThreatChanges('root', []);

		expect(await rows()).toEqual(before);
	});

	test('scale multiplies incidents and detected', async () => {
		const seeded = rowOf(await rows(), 'udp_flood');
		emulator.setThreatChanges('root', [{ threat: 'udp_flood', scale: 4 }]);
		const scaled = rowOf(await rows(), 'udp_flood');

		expect(Number(scaled?.incidents)).toBe(Number(seeded?.incidents) * 4);
		expect(Number(scaled?.incident_pass)).toBe(Math.round(Number(seeded?.incident_pass) * 4));
	});

	test('scale 0 removes the threat', async () => {
		emulator.setThreatChanges('root', [{ threat: 'udp_flood', scale: 0 }]);

		expect(rowOf(await rows(), 'udp_flood')).toBeUndefined();
	});

	test('level and pass ratio replace the seeded ones', async () => {
		emulator.setThreatChanges('root', [{ threat: 'tcp_syn_flood', level: 5, passRatio: 0.5 }]);
		const row = rowOf(await rows(), 'tcp_syn_flood');

		expect(row?.level_s).toBe('Critical');
		expect(Number(row?.incident_pass)).toBe(Math.round(Number(row?.incidents) * 0.5));
	});

	test('unknown threat with a rate is added', async () => {
		emulator.setThreatChanges('root', [{ threat: 'Canary.Added', threattype: 'canary', ratePerHour: 3, level: 4, passRatio: 1 }]);
		const row = rowOf(await rows(), 'Canary.Added');

		expect(row).toMatchObject({ threattype: 'canary', incidents: '72', incident_pass: '72', level_s: 'High' });
	});

	test('unknown threat without a rate is ignored', async () => {
		const before = await rows();
		emulator.setThreatChanges('root', [{ threat: 'Canary.Missing', scale: 2 }]);

		expect(await rows()).toEqual(before);
	});

	test('from and until limit a change to windows inside them', async () => {
		const changes: ThreatChange[] = [
			{ threat: 'Canary.Late', ratePerHour: 10, from: DAY_START + 7 * HOUR_MS },
			{ threat: 'Canary.Early', ratePerHour: 10, until: DAY_START + 8 * HOUR_MS },
		];
		emulator.setThreatChanges('root', changes);
		const morning = await rows(MORNING);

		expect(rowOf(morning, 'Canary.Late')).toBeUndefined();
		expect(rowOf(morning, 'Canary.Early')?.incidents).toBe('20');
	});

	test('later change builds on an earlier one', async () => {
		emulator.setThreatChanges('root', [
			{ threat: 'Canary.Twice', ratePerHour: 10 },
			{ threat: 'Canary.Twice', scale: 0.5, level: 2 },
		]);
		const row = rowOf(await rows(MORNING), 'Canary.Twice');

		expect(row).toMatchObject({ incidents: '10', level_s: 'Low' });
	});

	test('changes apply to their own ADOM only', async () => {
		const soc = await rows(DAY, 'soc');
		emulator.setThreatChanges('root', [{ threat: 'Canary.RootOnly', ratePerHour: 5 }]);

		expect(rowOf(await rows(DAY, 'root'), 'Canary.RootOnly')).toBeDefined();
		expect(await rows(DAY, 'soc')).toEqual(soc);
	});

	test('changes from the options apply from the start', async () => {
		const seeded = await startEmulator({ taskDurationMs: 0, threatChanges: { root: [{ threat: 'Canary.Option', ratePerHour: 1 }] } });
		try {
			expect(rowOf(await rows(DAY, 'root', seeded), 'Canary.Option')?.incidents).toBe('24');
		} finally {
			await seeded.stop();
		}
	});

	test.each([
		[{ threat: '' }, /non-empty name/],
		[{ threat: 'x', scale: -1 }, /scale must be/],
		[{ threat: 'x', level: 6 as 5 }, /level must be 1/],
		[{ threat: 'x', passRatio: 1.5 }, /passRatio must be from 0 to 1/],
		[{ threat: 'x', ratePerHour: Number.NaN }, /ratePerHour must be/],
		[{ threat: 'x', from: 2, until: 1 }, /until is before from/],
	])('invalid change %o is rejected', (change, message) => {
		expect(() => emulator.setThreatChanges('root', [change])).toThrow(message);
	});
});
