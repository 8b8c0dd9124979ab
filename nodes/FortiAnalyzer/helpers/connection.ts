import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { type Authentication, type ConnectionSettings, DEFAULT_TIMEOUT_MS, InvalidInputError } from '../client';

/** The FortiAnalyzer credential's fields, as n8n stores them. */
export interface FortiAnalyzerCredential {
	baseUrl: string;
	authentication: 'apiKey' | 'password';
	apiKey?: string;
	username?: string;
	password?: string;
	adom?: string;
	allowUnauthorizedCerts?: boolean;
	caCertificate?: string;
	fingerprint?: string;
	/** Request timeout in seconds. */
	timeout?: number;
}

/** Turns stored credential data into client settings, rejecting missing fields before any request. */
export function connectionSettings(data: ICredentialDataDecryptedObject, maxSockets?: number): ConnectionSettings {
	const credential = data as unknown as FortiAnalyzerCredential;
	const timeoutSeconds = typeof credential.timeout === 'number' ? credential.timeout : DEFAULT_TIMEOUT_MS / 1000;

	return {
		baseUrl: typeof credential.baseUrl === 'string' ? credential.baseUrl : '',
		auth: authentication(credential),
		tls: {
			verify: credential.allowUnauthorizedCerts !== true,
			caCertificate: nonEmpty(credential.caCertificate),
			fingerprint: nonEmpty(credential.fingerprint),
		},
		timeoutMs: timeoutSeconds * 1000,
		maxSockets,
	};
}

/** Returns the ADOM from the credential, or an empty string when none is set, which the ADOM check then rejects. */
export function defaultAdom(data: ICredentialDataDecryptedObject): string {
	return nonEmpty((data as unknown as FortiAnalyzerCredential).adom) ?? '';
}

function authentication(credential: FortiAnalyzerCredential): Authentication {
	if (credential.authentication === 'password') {
		const username = nonEmpty(credential.username);
		if (!username) throw new InvalidInputError('Username', 'it is empty');
		if (!credential.password) throw new InvalidInputError('Password', 'it is empty');

		return { method: 'password', username, password: credential.password };
	}

	const apiKey = nonEmpty(credential.apiKey);
	if (!apiKey) {
		throw new InvalidInputError('API Key', 'it is empty', 'Create an API key for a REST API admin on FortiAnalyzer (System Settings > Administrators)');
	}

	return { method: 'apiKey', apiKey };
}

function nonEmpty(value: unknown): string | undefined {
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
