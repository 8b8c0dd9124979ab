import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

import { FortiAnalyzerClient } from '../client';
import { connectionSettings } from './connection';

/**
 * Tests a FortiAnalyzer credential by reading `/sys/status` with it. FortiAnalyzer returns HTTP 200 even
 * when it rejects a login or key, so only a zero JSON-RPC status in the body counts as success. A password
 * login is logged out again.
 */
export async function testFortiAnalyzerCredential(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	let client: FortiAnalyzerClient | undefined;
	try {
		client = new FortiAnalyzerClient(connectionSettings(credential.data ?? {}));
		const status = await client.getSystemStatus();
		const name = status.Hostname ?? status['Serial Number'] ?? 'FortiAnalyzer';
		const version = status.Version ? ` (${status.Version})` : '';

		return { status: 'OK', message: `Connected to ${name}${version}` };
	} catch (error) {
		return { status: 'Error', message: error instanceof Error ? error.message : String(error) };
	} finally {
		await client?.close();
	}
}
