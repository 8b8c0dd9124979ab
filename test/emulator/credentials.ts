/**
 * Demo credentials the emulator accepts unless `users` or `apiKeys` replace them.
 * They are public on purpose: the demo and the tests print and use them.
 */
import type { EmulatorApiKey, EmulatorUser } from './types';

export const DEFAULT_API_KEY = 'faz-emulator-demo-api-key';
export const DEFAULT_USERNAME = 'n8n-demo';
export const DEFAULT_PASSWORD = 'n8n-demo-password';

/** Credentials that log in but lack FortiView permission, so FortiView calls get -11. */
export const RESTRICTED_API_KEY = 'faz-emulator-no-fortiview-key';
export const RESTRICTED_USERNAME = 'no-fortiview';
export const RESTRICTED_PASSWORD = 'no-fortiview-password';

export const DEFAULT_USERS: readonly EmulatorUser[] = [
	{ username: DEFAULT_USERNAME, password: DEFAULT_PASSWORD, fortiview: true },
	{ username: RESTRICTED_USERNAME, password: RESTRICTED_PASSWORD, fortiview: false },
];

export const DEFAULT_API_KEYS: readonly EmulatorApiKey[] = [
	{ key: DEFAULT_API_KEY, fortiview: true },
	{ key: RESTRICTED_API_KEY, fortiview: false },
];
