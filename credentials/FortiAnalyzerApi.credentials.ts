import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * Access to a FortiAnalyzer JSON-RPC API. The IOC Top Threats node tests it (see its `credentialTest`),
 * because FortiAnalyzer reports a rejected login inside an HTTP 200 body, which a declarative test cannot read.
 */
export class FortiAnalyzerApi implements ICredentialType {
	name = 'fortiAnalyzerApi';

	displayName = 'FortiAnalyzer API';

	icon = { light: 'file:fortianalyzer.svg', dark: 'file:fortianalyzer.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-fortianalyzer/n8n-nodes-fortianalyzer#credentials';

	properties: INodeProperties[] = [
		{
			displayName:
				'FortiAnalyzer side: an administrator with JSON API access (Read), an admin profile with FortiView read access to the ADOMs the workflows query, and the n8n host among its trusted hosts',
			name: 'fortiAnalyzerSetupNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'https://faz.example.com',
			description: 'Address of FortiAnalyzer; the node sends its requests to <Base URL>/jsonrpc',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			options: [
				{ name: 'API Key', value: 'apiKey', description: 'REST API admin key, FortiAnalyzer 7.2.2 and later' },
				{ name: 'Username and Password', value: 'password', description: 'Session login; the node logs out when it is done' },
			],
			default: 'apiKey',
			description: 'How the node signs in to FortiAnalyzer',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Key of a REST API admin. FortiAnalyzer shows it once, when you create or regenerate it.',
			displayOptions: { show: { authentication: ['apiKey'] } },
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			required: true,
			default: '',
			description: 'Name of a FortiAnalyzer administrator with JSON API access',
			displayOptions: { show: { authentication: ['password'] } },
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Password of that administrator. The node logs in once per execution and logs out when it is done.',
			displayOptions: { show: { authentication: ['password'] } },
		},
		{
			displayName: 'Default ADOM',
			name: 'adom',
			type: 'string',
			default: 'root',
			description: 'Administrative domain used when a node leaves its ADOM field empty',
		},
		// eslint-disable-next-line @n8n/community-nodes/credential-password-field -- a boolean whose name n8n's own credentials use; "Certs" is not a secret
		{
			displayName: 'Ignore SSL Issues (Insecure)',
			name: 'allowUnauthorizedCerts',
			type: 'boolean',
			default: false,
			description: 'Whether to connect even if SSL certificate validation is not possible',
		},
		// eslint-disable-next-line @n8n/community-nodes/credential-password-field -- a CA certificate is public, and masking it would hide which CA is trusted
		{
			displayName: 'CA Certificate',
			name: 'caCertificate',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			placeholder: '-----BEGIN CERTIFICATE-----',
			description: 'PEM certificate of the CA that signed the FortiAnalyzer certificate, trusted in addition to the system CAs',
			displayOptions: { show: { allowUnauthorizedCerts: [false] } },
		},
		{
			displayName: 'Certificate Fingerprint (SHA-256)',
			name: 'fingerprint',
			type: 'string',
			default: '',
			placeholder: 'AB:CD:EF:...',
			description:
				"SHA-256 fingerprint of FortiAnalyzer's own certificate. When set, only a certificate with this fingerprint is accepted, whatever its issuer and host name, which suits FortiAnalyzer's factory certificate.",
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 600 },
			default: 30,
			description: 'How long one request may take before it fails',
		},
	];
}
