/**
 * `get /sys/status`: the unit's identity in the legacy response form.
 */
import { type JsonObject, legacyResponse, OK, type RpcRequest } from './envelope';

/** A made-up FortiAnalyzer-VM on 7.6.7 build 3737. Clients mainly read Version, Hostname and Serial Number. */
const SYSTEM_STATUS = {
	'Admin Domain Configuration': 'Enabled',
	'BIOS version': '04000002',
	Build: 3737,
	'HA Mode': 'Stand Alone',
	Hostname: 'FAZ-EMULATOR',
	'License Status': 'Valid',
	Major: 7,
	Minor: 6,
	Patch: 7,
	'Platform Full Name': 'FortiAnalyzer-VM64',
	'Platform Type': 'FAZVM64',
	'Release Version Information': ' (GA)',
	'Serial Number': 'FAZVMSTM00000001',
	'Time Zone': '(GMT) Greenwich Mean Time',
	Version: 'v7.6.7-build3737 (GA.M)',
};

export function systemStatus(request: RpcRequest): JsonObject {
	return legacyResponse(request, OK, { ...SYSTEM_STATUS });
}
