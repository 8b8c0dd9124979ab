import { X509Certificate } from 'node:crypto';

import { ConnectionError, FortiAnalyzerClient, InvalidInputError, TlsError, type TlsSettings } from '../../nodes/FortiAnalyzer/client';
import type { RunningEmulator } from '../emulator';
import { createTestCertificates, FACTORY_SERIAL, hasOpenssl, type KeyPair, type TestCertificates } from './certificates';
import {
	apiKeyAuth,
	captureError,
	cleanUp,
	connectionSettings,
	createClient,
	expectNoSecretsInCapturedErrors,
	rejectionOf,
	startTestEmulator,
} from './helpers';

afterEach(cleanUp);

const opensslAvailable = hasOpenssl();
if (!opensslAvailable) {
	// eslint-disable-next-line no-console
	console.warn('Skipping the TLS client tests: the openssl command is not installed, so no test certificate can be made.');
}
const describeTls = opensslAvailable ? describe : describe.skip;

describeTls('TLS', () => {
	let certificates: TestCertificates;

	beforeAll(() => {
		certificates = createTestCertificates();
	});

	async function serve(pair: KeyPair): Promise<RunningEmulator> {
		return startTestEmulator({ tls: pair });
	}

	function clientFor(emulator: RunningEmulator, tls: TlsSettings): FortiAnalyzerClient {
		return createClient(connectionSettings(emulator.url, apiKeyAuth(), { tls }));
	}

	function fingerprintOf(pair: KeyPair): string {
		return new X509Certificate(pair.cert).fingerprint256;
	}

	async function tlsFailure(emulator: RunningEmulator, tls: TlsSettings): Promise<TlsError> {
		const error = await rejectionOf(clientFor(emulator, tls).getSystemStatus());
		expect(error).toBeInstanceOf(TlsError);

		return error as TlsError;
	}

	test('factory certificate has no subjectAltName', () => {
		const certificate = new X509Certificate(certificates.factory.cert);

		expect(certificate.subject).toContain(`CN=${FACTORY_SERIAL}`);
		expect(certificate.subjectAltName).toBeUndefined();
	});

	test('self-signed certificate is rejected by default', async () => {
		const emulator = await serve(certificates.factory);

		const error = await tlsFailure(emulator, { verify: true });

		expect(error.failure).toBe('trust');
		expect(error.hint).toContain('fingerprint');
		expect(emulator.counters.requests).toBe(0);
	});

	test('CA-signed certificate is rejected without the CA', async () => {
		const emulator = await serve(certificates.server);

		const error = await tlsFailure(emulator, { verify: true });

		expect(error.failure).toBe('trust');
		expect(emulator.counters.requests).toBe(0);
	});

	test('custom CA makes the signed certificate work', async () => {
		const emulator = await serve(certificates.server);
		const client = clientFor(emulator, { verify: true, caCertificate: certificates.caCertificate });

		const status = await client.getSystemStatus();

		expect(status.Version).toEqual(expect.any(String));
		expect(emulator.counters.requests).toBe(1);
	});

	test('name mismatch is failure name', async () => {
		const emulator = await serve(certificates.otherName);

		const error = await tlsFailure(emulator, { verify: true, caCertificate: certificates.caCertificate });

		expect(error.failure).toBe('name');
		expect(emulator.counters.requests).toBe(0);
	});

	test('expired certificate is failure expired', async () => {
		const emulator = await serve(certificates.expired);

		const error = await tlsFailure(emulator, { verify: true, caCertificate: certificates.caCertificate });

		expect(error.failure).toBe('expired');
		expect(emulator.counters.requests).toBe(0);
	});

	test('correct pin accepts the factory certificate', async () => {
		const emulator = await serve(certificates.factory);
		const client = clientFor(emulator, { verify: true, fingerprint: fingerprintOf(certificates.factory) });

		const status = await client.getSystemStatus();

		expect(status.Version).toEqual(expect.any(String));
	});

	test('pinned connection is kept alive', async () => {
		const emulator = await serve(certificates.factory);
		const client = clientFor(emulator, { verify: true, fingerprint: fingerprintOf(certificates.factory) });

		await client.getSystemStatus();
		await client.getSystemStatus();
		await client.getSystemStatus();

		expect(emulator.counters.requests).toBe(3);
		expect(emulator.counters.connections).toBe(1);
	});

	test('wrong pin is failure pin before any request', async () => {
		const emulator = await serve(certificates.factory);

		const error = await tlsFailure(emulator, { verify: true, fingerprint: fingerprintOf(certificates.server) });

		expect(error.failure).toBe('pin');
		expect(emulator.counters.connections).toBe(1);
		expect(emulator.counters.requests).toBe(0);
	});

	test('wrong pin rejects a CA-trusted certificate', async () => {
		const emulator = await serve(certificates.server);

		const error = await tlsFailure(emulator, {
			verify: true,
			caCertificate: certificates.caCertificate,
			fingerprint: fingerprintOf(certificates.factory),
		});

		expect(error.failure).toBe('pin');
		expect(emulator.counters.requests).toBe(0);
	});

	test('verify off accepts the self-signed certificate', async () => {
		const emulator = await serve(certificates.factory);
		const client = clientFor(emulator, { verify: false });

		const status = await client.getSystemStatus();

		expect(status.Version).toEqual(expect.any(String));
	});

	test('plain HTTP to a TLS port is ConnectionError', async () => {
		const emulator = await serve(certificates.server);
		const client = createClient(connectionSettings(emulator.url.replace('https:', 'http:'), apiKeyAuth()));

		const error = await rejectionOf(client.getSystemStatus());

		expect(error).toBeInstanceOf(ConnectionError);
		expect(emulator.counters.requests).toBe(0);
	});

	test('HTTPS to a plain HTTP port is failure handshake', async () => {
		const emulator = await startTestEmulator();
		const client = createClient(connectionSettings(emulator.url.replace('http:', 'https:'), apiKeyAuth()));

		const error = await rejectionOf(client.getSystemStatus());

		expect(error).toBeInstanceOf(TlsError);
		expect((error as TlsError).failure).toBe('handshake');
		expect(emulator.counters.requests).toBe(0);
	});

	test.each([
		['trust', () => ({ pair: certificates.factory, tls: { verify: true } })],
		['name', () => ({ pair: certificates.otherName, tls: { verify: true, caCertificate: certificates.caCertificate } })],
		['expired', () => ({ pair: certificates.expired, tls: { verify: true, caCertificate: certificates.caCertificate } })],
		['pin', () => ({ pair: certificates.factory, tls: { verify: true, fingerprint: fingerprintOf(certificates.server) } })],
	] as const)('failure %s names the endpoint and url', async (failure, scenario) => {
		const { pair, tls } = scenario();
		const emulator = await serve(pair);

		const error = await tlsFailure(emulator, tls);

		expect(error.failure).toBe(failure);
		expect(error.message).toContain(`endpoint ${emulator.url}/jsonrpc`);
		expect(error.message).toContain('url /sys/status');
	});

	test.each([
		['CA text', { verify: true, caCertificate: 'MIIBszCCAVmgAwIBAgIU not a PEM block' }, 'CA Certificate'],
		['fingerprint', { verify: true, fingerprint: 'AB:CD:EF' }, 'Certificate Fingerprint (SHA-256)'],
	] as const)('invalid %s is InvalidInputError before any request', async (_name, tls, field) => {
		const emulator = await serve(certificates.server);

		let thrown: unknown;
		try {
			const client = new FortiAnalyzerClient(connectionSettings(emulator.url, apiKeyAuth(), { tls }));
			await client.getSystemStatus();
			await client.close();
		} catch (error) {
			thrown = error;
			captureError(error);
		}

		expect(thrown).toBeInstanceOf(InvalidInputError);
		expect((thrown as InvalidInputError).field).toBe(field);
		expect(emulator.counters.connections).toBe(0);
		expect(emulator.counters.requests).toBe(0);
	});
});

(opensslAvailable ? test : test.skip)('no error reveals a secret', () => {
	expectNoSecretsInCapturedErrors();
});
