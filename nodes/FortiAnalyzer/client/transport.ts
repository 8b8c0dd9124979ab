import axios, { type AxiosInstance, isAxiosError } from 'axios';
import type * as http from 'node:http';

import { type ConnectionSettings, createAgent, resolveEndpoint, validateTimeout } from './connection';
import {
	CancelledError,
	ConnectionError,
	type ErrorContext,
	FortiAnalyzerError,
	HttpError,
	MalformedResponseError,
	RequestTimeoutError,
	TlsError,
	type TlsFailure,
} from './errors';

export type RpcMethod = 'get' | 'add' | 'set' | 'update' | 'delete' | 'exec';

export interface RpcRequest {
	method: RpcMethod;
	/** The JSON-RPC `url`, e.g. `/sys/status`. */
	url: string;
	/** Parameters placed beside `url` in `params[0]`. */
	params?: Record<string, unknown>;
	/** Session string for password authentication. It is omitted with an API key, because FortiAnalyzer rejects an API-key request that carries a session. */
	session?: string;
	/** Whether to send `apiver: 3` and `jsonrpc: "2.0"`, because FortiView and other apiver-3 calls are JSON-RPC 2.0 calls. */
	apiver3?: boolean;
	signal?: AbortSignal;
}

const TLS_FAILURES: Record<string, TlsFailure> = {
	DEPTH_ZERO_SELF_SIGNED_CERT: 'trust',
	SELF_SIGNED_CERT_IN_CHAIN: 'trust',
	UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'trust',
	UNABLE_TO_GET_ISSUER_CERT: 'trust',
	UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'trust',
	CERT_UNTRUSTED: 'trust',
	CERT_SIGNATURE_FAILURE: 'trust',
	CERT_REJECTED: 'trust',
	ERR_TLS_CERT_ALTNAME_INVALID: 'name',
	HOSTNAME_MISMATCH: 'name',
	CERT_HAS_EXPIRED: 'expired',
	CERT_NOT_YET_VALID: 'expired',
	EPROTO: 'handshake',
	ERR_SSL_WRONG_VERSION_NUMBER: 'handshake',
};

const TLS_SUMMARIES: Record<TlsFailure, { summary: string; hint: string }> = {
	trust: {
		summary: 'The FortiAnalyzer certificate is not trusted',
		hint: 'Add the CA certificate (PEM) or a SHA-256 fingerprint pin to the credential; use "Ignore SSL Issues" only on a lab network',
	},
	name: {
		summary: 'The FortiAnalyzer certificate does not match the host name in the Base URL',
		hint: 'Use the host name the certificate was issued for, or pin the certificate by its SHA-256 fingerprint',
	},
	expired: {
		summary: 'The FortiAnalyzer certificate has expired or is not valid yet',
		hint: 'Renew the certificate on FortiAnalyzer, or check the clock of the n8n host',
	},
	pin: {
		summary: 'The FortiAnalyzer certificate does not match the pinned SHA-256 fingerprint',
		hint: 'If the certificate was replaced on purpose, update the fingerprint in the credential',
	},
	handshake: {
		summary: 'The TLS handshake with FortiAnalyzer failed',
		hint: 'Check that the Base URL uses the right scheme and port (https:// for FortiAnalyzer)',
	},
};

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

/** Sends JSON-RPC requests to one FortiAnalyzer over keep-alive connections and parses the JSON reply. */
export class JsonRpcTransport {
	readonly endpoint: string;

	private readonly agent: http.Agent;

	private readonly http: AxiosInstance;

	private nextId = 1;

	constructor(settings: ConnectionSettings) {
		this.endpoint = resolveEndpoint(settings.baseUrl);
		this.agent = createAgent(this.endpoint, settings.tls, settings.maxSockets ?? 4);

		const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
		if (settings.auth.method === 'apiKey') headers.Authorization = `Bearer ${settings.auth.apiKey}`;

		this.http = axios.create({
			httpAgent: this.agent,
			httpsAgent: this.agent,
			timeout: validateTimeout(settings.timeoutMs),
			headers,
			// The body is parsed here, so an HTML error page or truncated JSON becomes a typed error.
			responseType: 'text',
			transformResponse: [(data: unknown) => data],
			validateStatus: () => true,
			maxRedirects: 0,
			// FortiAnalyzer sits on private networks, and an environment proxy would also bypass the certificate pin.
			proxy: false,
		});
	}

	/** Sends one request and returns the parsed JSON body of a 2xx reply. */
	async send(request: RpcRequest, context: ErrorContext): Promise<unknown> {
		const fullContext: ErrorContext = { ...context, endpoint: this.endpoint, apiUrl: request.url };
		const body = this.buildBody(request);

		let response;
		try {
			response = await this.http.post<string>(this.endpoint, body, { signal: request.signal });
		} catch (error) {
			throw transportError(error, fullContext);
		}

		if (response.status < 200 || response.status >= 300) {
			throw new HttpError(
				`FortiAnalyzer responded with HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
				{ ...fullContext, httpStatus: response.status },
				response.status >= 500 ? 'FortiAnalyzer or a proxy in front of it is overloaded or restarting; try again later' : undefined,
			);
		}

		return parseJson(response.data, String(response.headers['content-type'] ?? ''), fullContext);
	}

	/** Closes the idle keep-alive connections. */
	close(): void {
		this.agent.destroy();
	}

	private buildBody(request: RpcRequest): Record<string, unknown> {
		const params: Record<string, unknown> = { url: request.url, ...request.params };
		if (request.apiver3) params.apiver = 3;

		const body: Record<string, unknown> = { id: this.nextId++, method: request.method, params: [params] };
		if (request.apiver3) body.jsonrpc = '2.0';
		if (request.session !== undefined) body.session = request.session;

		return body;
	}
}

function parseJson(text: string, contentType: string, context: ErrorContext): unknown {
	try {
		return JSON.parse(text);
	} catch {
		const kind = text.trim() === '' ? 'an empty body' : `a body that is not JSON (content type "${contentType || 'none'}")`;
		throw new MalformedResponseError(
			`FortiAnalyzer returned ${kind}`,
			context,
			'Check that the Base URL points at FortiAnalyzer itself and not at a login portal or proxy page',
		);
	}
}

/** Maps an axios or socket failure to the typed error for it. */
function transportError(error: unknown, context: ErrorContext): FortiAnalyzerError {
	const cause = error instanceof FortiAnalyzerError ? error : isAxiosError(error) ? error.cause : undefined;
	if (cause instanceof TlsError) {
		// The pinning agent sees only the endpoint, so the error is rebuilt to name the JSON-RPC url too.
		const { summary, hint } = TLS_SUMMARIES[cause.failure];
		return new TlsError(cause.failure, summary, { ...context, ...cause.context }, hint);
	}
	if (cause instanceof FortiAnalyzerError) return cause;

	if (axios.isCancel(error)) return new CancelledError('The request to FortiAnalyzer was cancelled', context);

	const code = errorCode(error) ?? errorCode(cause);
	const message = error instanceof Error ? error.message : String(error);

	if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(message)) {
		return new RequestTimeoutError(
			'The request to FortiAnalyzer timed out',
			context,
			'Raise "Timeout" in the credential or check that FortiAnalyzer is reachable',
		);
	}

	const tlsFailure = code ? TLS_FAILURES[code] : undefined;
	if (tlsFailure) {
		const { summary, hint } = TLS_SUMMARIES[tlsFailure];
		return new TlsError(tlsFailure, `${summary} (${code})`, context, hint);
	}

	if (code && CONNECTION_CODES.has(code)) {
		return new ConnectionError(`The connection to FortiAnalyzer failed (${code})`, context, 'Check the Base URL, the port and that n8n can reach FortiAnalyzer');
	}

	return new ConnectionError(`The request to FortiAnalyzer failed: ${message}`, context);
}

function errorCode(error: unknown): string | undefined {
	if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;

	const code = (error as { code: unknown }).code;
	return typeof code === 'string' ? code : undefined;
}
