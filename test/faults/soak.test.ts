/**
 * A small soak run under jest: 60 executions with seeded random faults must leave no session, task or socket
 * open and report no partial threats. `npm run soak` runs the full 1000 and writes soak/results.json.
 */
import { runSoak, type SoakResult } from './soak';

let result: SoakResult;

beforeAll(async () => {
	result = await runSoak({ executions: 60, seed: 2024, lanes: 2 });
});

describe('soak', () => {
	test('every execution is counted', () => {
		const counted = Object.values(result.outcomes).reduce((sum, count) => sum + count, 0);

		expect(counted).toBe(60);
		expect(result.outcomes.success).toBeGreaterThan(0);
		expect(result.outcomes).not.toHaveProperty('unclassified');
	});

	test('fault-free executions succeed', () => {
		expect(Object.keys(result.scenarios.none)).toEqual(['success']);
	});

	test('no session is left open', () => {
		expect(result.leftOpen.sessions).toBe(0);
		expect(result.leftOpen.loginsWithoutLogout).toBe(0);
		expect(result.counters.openSessions).toBe(0);
	});

	test('no task is left open', () => {
		expect(result.leftOpen.tasks).toBe(0);
		expect(result.counters.tasksOpen).toBe(0);
	});

	test('no socket is left open', () => {
		expect(result.leftOpen.sockets).toBe(0);
	});

	test('no partial threats are reported', () => {
		expect(result.rowsMismatched).toBe(0);
		expect(result.leakingExecutions).toEqual([]);
	});
});
