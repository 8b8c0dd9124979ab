/**
 * The credential's test button, called the way n8n's credentials tester calls it. FortiAnalyzer returns
 * HTTP 200 for a rejected login, so only the JSON-RPC status in the body may decide the result.
 */
import type { ICredentialDataDecryptedObject, INodeCredentialTestResult } from 'n8n-workflow';

import { IocTopThreats } from '../../nodes/FortiAnalyzer/IocTopThreats.node';
import { RESTRICTED_API_KEY, type RunningEmulator, startEmulator } from '../emulator';
import { testCredential } from './harness';
import { apiKeyCredential, credentialTypes, leakedSecrets, passwordCredential, WRONG_API_KEY, WRONG_PASSWORD } from './ioc-workflow';

const node = new IocTopThreats();

let emulator: RunningEmulator;

beforeEach(async () => {
	emulator = await startEmulator();
});

afterEach(async () => {
	await emulator.stop();
});

async function testWith(data: ICredentialDataDecryptedObject): Promise<INodeCredentialTestResult> {
	const result = await testCredential(node, 'fortiAnalyzerApiTest', 'fortiAnalyzerApi', data, { credentialTypes });
	expect(leakedSecrets(result.message)).toEqual([]);

	return result;
}

test('valid API key is OK', async () => {
	const result = await testWith(apiKeyCredential(emulator));

	expect(result).toEqual({ status: 'OK', message: 'Connected to FAZ-EMULATOR (v7.6.7-build3737 (GA.M))' });
	expect(emulator.requests).toEqual([expect.objectContaining({ method: 'get', url: '/sys/status', auth: 'apiKey' })]);
});

test('valid password is OK and logs out', async () => {
	const result = await testWith(passwordCredential(emulator));

	expect(result.status).toBe('OK');
	expect(result.message).toContain('FAZ-EMULATOR');
	expect(emulator.counters.logins).toBe(1);
	expect(emulator.counters.logouts).toBe(1);
	expect(emulator.counters.openSessions).toBe(0);
});

test('bad API key gives -11', async () => {
	const result = await testWith(apiKeyCredential(emulator, { apiKey: WRONG_API_KEY }));

	expect(result.status).toBe('Error');
	expect(result.message).toContain('FortiAnalyzer rejected the API key');
	expect(result.message).toContain('FortiAnalyzer code -11 "No permission for the resource"');
});

test('bad password gives -22', async () => {
	const result = await testWith(passwordCredential(emulator, { password: WRONG_PASSWORD }));

	expect(result.status).toBe('Error');
	expect(result.message).toContain('FortiAnalyzer rejected the username or password');
	expect(result.message).toContain('FortiAnalyzer code -22 "Login fail"');
	expect(emulator.counters.openSessions).toBe(0);
});

test('key without FortiView access still connects', async () => {
	const result = await testWith(apiKeyCredential(emulator, { apiKey: RESTRICTED_API_KEY }));

	expect(result.status).toBe('OK');
});

test('HTTP 200 with an error status is an error', async () => {
	emulator.injectFault({ fault: { kind: 'status', code: -6, message: 'Invalid url', form: 'legacy' } });

	const result = await testWith(apiKeyCredential(emulator));

	expect(result.status).toBe('Error');
	expect(result.message).toContain('FortiAnalyzer code -6 "Invalid url"');
});

test('HTML login portal is an error', async () => {
	emulator.injectFault({ fault: { kind: 'raw', body: '<html>Sign in</html>', contentType: 'text/html' } });

	const result = await testWith(apiKeyCredential(emulator));

	expect(result.status).toBe('Error');
	expect(result.message).toContain('not JSON');
});

test('bad Base URL is an error without a request', async () => {
	const result = await testWith(apiKeyCredential(emulator, { baseUrl: `${emulator.url}/?x=1` }));

	expect(result.status).toBe('Error');
	expect(result.message).toContain('Invalid Base URL');
	expect(emulator.counters.requests).toBe(0);
});
