import * as http from 'node:http';
import * as https from 'node:https';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';

import { InvalidInputError, TlsError } from './errors';

export type Authentication =
	| { method: 'apiKey'; apiKey: string }
	| { method: 'password'; username: string; password: string };

export interface TlsSettings {
	/** Whether to verify the certificate chain and host name. Ignored when `fingerprint` is set. */
	verify: boolean;
	/** Extra trusted CA certificates (PEM), added to Node's default ones. */
	caCertificate?: string;
	/** SHA-256 fingerprint of the server certificate. When set, it is the only trust check. */
	fingerprint?: string;
}

export interface ConnectionSettings {
	/** Address of FortiAnalyzer, e.g. `https://faz.example.com`. A trailing `/jsonrpc` is accepted. */
	baseUrl: string;
	auth: Authentication;
	tls: TlsSettings;
	/** Timeout of one HTTP request, in milliseconds. */
	timeoutMs: number;
	/** Maximum open connections to FortiAnalyzer. Default 4. */
	maxSockets?: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

const MAX_TIMEOUT_MS = 10 * 60_000;

/**
 * Validates a base URL and returns the JSON-RPC endpoint (`<origin><path>/jsonrpc`). A path prefix is kept
 * for FortiAnalyzer behind a reverse proxy. Credentials, query strings and fragments are rejected.
 */
export function resolveEndpoint(baseUrl: string): string {
	const trimmed = baseUrl.trim();
	if (trimmed === '') {
		throw new InvalidInputError('Base URL', 'it is empty', 'Enter the FortiAnalyzer address, e.g. https://faz.example.com');
	}

	let url: URL;
	try {
		url = new URL(trimmed);
	} catch {
		throw new InvalidInputError(
			'Base URL',
			`"${trimmed}" is not a URL`,
			'Enter the full address with its scheme, e.g. https://faz.example.com',
		);
	}

	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new InvalidInputError('Base URL', `the scheme "${url.protocol}" is not http or https`);
	}
	if (url.username !== '' || url.password !== '') {
		throw new InvalidInputError('Base URL', 'it contains a user name or password', 'Put credentials in the credential fields, not in the URL');
	}
	if (url.search !== '' || url.hash !== '') {
		throw new InvalidInputError('Base URL', 'it contains a query string or fragment', 'Enter only the scheme, host, port and an optional path prefix');
	}

	const path = url.pathname.replace(/\/+$/, '').replace(/\/jsonrpc$/i, '');

	return `${url.origin}${path}/jsonrpc`;
}

/** Normalises a SHA-256 fingerprint to upper-case hex without separators, or throws if it is not one. */
export function normalizeFingerprint(fingerprint: string): string {
	const hex = fingerprint.trim().replace(/^sha256[:=]?/i, '').replace(/[:\s-]/g, '').toUpperCase();
	if (!/^[0-9A-F]{64}$/.test(hex)) {
		throw new InvalidInputError(
			'Certificate Fingerprint (SHA-256)',
			'it is not 64 hexadecimal digits',
			'Copy it from "openssl x509 -noout -fingerprint -sha256", e.g. AB:CD:...',
		);
	}

	return hex;
}

/** Checks that a PEM text contains at least one certificate, so that a pasted key or fragment fails early. */
export function validateCaCertificate(pem: string): string {
	if (!/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(pem)) {
		throw new InvalidInputError(
			'CA Certificate',
			'it does not contain a PEM certificate',
			'Paste the certificate including the -----BEGIN CERTIFICATE----- and -----END CERTIFICATE----- lines',
		);
	}

	return pem;
}

export function validateTimeout(timeoutMs: number): number {
	if (!Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > MAX_TIMEOUT_MS) {
		throw new InvalidInputError('Timeout', `${timeoutMs / 1000} s is outside 0.001 to ${MAX_TIMEOUT_MS / 1000} s`);
	}

	return timeoutMs;
}

/** Creates the keep-alive agent for the endpoint's scheme, with the TLS settings applied. */
export function createAgent(endpoint: string, settings: TlsSettings, maxSockets: number): http.Agent {
	const common = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets };
	if (endpoint.startsWith('http:')) {
		if (settings.fingerprint || settings.caCertificate) {
			throw new InvalidInputError(
				'Base URL',
				'it uses http://, so the CA certificate or fingerprint set in the credential would never be checked',
				'Use https:// for FortiAnalyzer, or clear the CA certificate and fingerprint fields',
			);
		}
		return new http.Agent(common);
	}

	if (settings.fingerprint) return new PinnedAgent(common, normalizeFingerprint(settings.fingerprint), endpoint);

	const ca = settings.caCertificate ? [...tls.rootCertificates, validateCaCertificate(settings.caCertificate)] : undefined;

	return new https.Agent({ ...common, ca, rejectUnauthorized: settings.verify });
}

/**
 * An HTTPS agent that trusts exactly one certificate, identified by its SHA-256 fingerprint. FortiAnalyzer's
 * factory certificate is self-signed and names the serial number rather than the host, so neither chain nor
 * host name can be verified, and the pin replaces both checks. The socket is handed to the HTTP client only after the
 * pin matched, so no request byte reaches a server with another certificate.
 */
class PinnedAgent extends https.Agent {
	constructor(
		options: https.AgentOptions,
		private readonly fingerprint: string,
		private readonly endpoint: string,
	) {
		super(options);
	}

	override createConnection(
		options: tls.ConnectionOptions,
		callback: (error: Error | null, socket?: Duplex) => void,
	): undefined {
		const socket = tls.connect({ ...options, rejectUnauthorized: false });

		const onError = (error: Error) => callback(error);
		socket.once('error', onError);
		socket.once('secureConnect', () => {
			socket.removeListener('error', onError);
			const presented = socket.getPeerCertificate().fingerprint256?.replace(/:/g, '').toUpperCase();
			if (presented === this.fingerprint) {
				callback(null, socket);
				return;
			}

			socket.destroy();
			callback(
				new TlsError(
					'pin',
					'The FortiAnalyzer certificate does not match the pinned SHA-256 fingerprint',
					{ endpoint: this.endpoint },
					'If the certificate was replaced on purpose, update the fingerprint in the credential',
				),
			);
		});

		return undefined;
	}
}
