/**
 * No API key, password or session id reaches an output item, an error, an error item or a log line, even
 * when FortiAnalyzer echoes one back in its own message. A proxy in front of the emulator records the
 * session ids handed out, so the final check can look for them too.
 */
import type { ICredentialDataDecryptedObject, INodeParameters, INode } from 'n8n-workflow';

import { DEFAULT_API_KEY, DEFAULT_PASSWORD, type Fault, type RunningEmulator, startEmulator } from '../emulator';
import { createMemoryLogger, type MemoryLogger, type WorkflowRun } from './harness';
import {
	apiKeyCredential,
	IOC,
	jsonOf,
	KNOWN_SECRETS,
	passwordCredential,
	type RecordingProxy,
	SESSION_PLACEHOLDER,
	serializeRun,
	startRecordingProxy,
	runIoc,
	WRONG_API_KEY,
	WRONG_PASSWORD,
} from './ioc-workflow';

const REDACTED = '[redacted]';

const getTopThreats: INodeParameters = { operation: 'getTopThreats', adom: '={{ $json.adom }}' };

const continueOnFail: Pick<INode, 'onError'> = { onError: 'continueRegularOutput' };

let emulator: RunningEmulator;

let proxy: RecordingProxy;

/** What every run of this file produced, for the final check. */
const produced: string[] = [];

beforeAll(async () => {
	emulator = await startEmulator({ taskDurationMs: 100 });
	proxy = await startRecordingProxy(emulator);
});

afterAll(async () => {
	await proxy.stop();
	await emulator.stop();
});

afterEach(() => {
	emulator.clearFaults();
});

function viaProxy(credential: ICredentialDataDecryptedObject): ICredentialDataDecryptedObject {
	return { ...credential, baseUrl: proxy.url };
}

async function run(
	credential: ICredentialDataDecryptedObject,
	options: { adoms?: string[]; settings?: Pick<INode, 'onError'> } = {},
): Promise<{ run: WorkflowRun; logger: MemoryLogger }> {
	const logger = createMemoryLogger();
	const result = await runIoc({
		credential: viaProxy(credential),
		inputItems: (options.adoms ?? ['root']).map((adom) => ({ adom })),
		steps: [{ parameters: getTopThreats, settings: options.settings }],
		logger,
	});
	produced.push(serializeRun(result), JSON.stringify(logger.entries));

	return { run: result, logger };
}

function echo(message: string): Fault {
	return { kind: 'status', code: -32000, message, form: 'error' };
}

test('password run hands out sessions', async () => {
	const { run: result } = await run(passwordCredential(emulator), { adoms: ['root', 'legacy'] });

	expect(result.status).toBe('success');
	expect(proxy.sessionIds.size).toBeGreaterThan(0);
});

test('echoed session id is redacted', async () => {
	emulator.injectFault({ match: { method: 'add' }, fault: echo(`Invalid session ${SESSION_PLACEHOLDER}`) });
	const sessionsBefore = proxy.sessionIds.size;

	const { run: result } = await run(passwordCredential(emulator));

	expect(proxy.sessionIds.size).toBe(sessionsBefore + 1);
	expect(result.nodeError(IOC)?.message).toContain(`Invalid session ${REDACTED}`);
});

test('echoed session id is redacted in error items', async () => {
	emulator.injectFault({ match: { method: 'add' }, fault: echo(`Invalid session ${SESSION_PLACEHOLDER}`) });

	const { run: result } = await run(passwordCredential(emulator), { adoms: ['root', 'legacy'], settings: continueOnFail });

	expect(result.status).toBe('success');
	const [failed] = jsonOf(result.output(IOC));
	expect(failed.fortiAnalyzerMessage).toBe(`Invalid session ${REDACTED}`);
	expect(failed.error).toContain(REDACTED);
});

test('echoed password is redacted', async () => {
	emulator.injectFault({ match: { method: 'add' }, fault: echo(`Rejected passwd ${DEFAULT_PASSWORD}`) });

	const { run: result } = await run(passwordCredential(emulator));

	expect(result.nodeError(IOC)?.message).toContain(`Rejected passwd ${REDACTED}`);
});

test('echoed wrong password at login is redacted', async () => {
	emulator.injectFault({
		match: { url: '/sys/login/user' },
		fault: { kind: 'status', code: -22, message: `Login fail for passwd ${WRONG_PASSWORD}`, form: 'legacy' },
	});

	const { run: result } = await run(passwordCredential(emulator, { password: WRONG_PASSWORD }));

	expect(result.nodeError(IOC)?.message).toContain(`Login fail for passwd ${REDACTED}`);
});

test('echoed API key is redacted', async () => {
	emulator.injectFault({ match: { method: 'add' }, fault: echo(`Unknown token ${DEFAULT_API_KEY}`) });

	const { run: result } = await run(apiKeyCredential(emulator), { adoms: ['root', 'legacy'], settings: continueOnFail });

	const [failed] = jsonOf(result.output(IOC));
	expect(failed.error).toContain(`Unknown token ${REDACTED}`);
	expect(failed.fortiAnalyzerMessage).toBe(`Unknown token ${REDACTED}`);
});

test('failures without an echo', async () => {
	const results = [
		await run(apiKeyCredential(emulator, { apiKey: WRONG_API_KEY }), { adoms: ['root', 'soc'], settings: continueOnFail }),
		await run(passwordCredential(emulator, { password: WRONG_PASSWORD }), { adoms: ['root', 'soc'], settings: continueOnFail }),
		await run(passwordCredential(emulator), { adoms: ['no/such', 'nosuch'], settings: continueOnFail }),
	];

	for (const { run: result } of results) {
		expect(result.status).toBe('success');
		expect(jsonOf(result.output(IOC)).every((item) => typeof item.error === 'string')).toBe(true);
	}
});

test('logs name tid and progress', async () => {
	const { logger } = await run(passwordCredential(emulator));

	expect(logger.messages('debug').some((message) => /FortiAnalyzer task \d+ at \d+ %/.test(message))).toBe(true);
});

test('no secret or session id anywhere', () => {
	expect(produced.length).toBeGreaterThan(10);
	const text = produced.join('\n');
	const secrets = [...KNOWN_SECRETS, WRONG_API_KEY, WRONG_PASSWORD, ...proxy.sessionIds];

	expect(proxy.sessionIds.size).toBeGreaterThanOrEqual(3);
	expect(secrets.filter((secret) => text.includes(secret))).toEqual([]);
});
