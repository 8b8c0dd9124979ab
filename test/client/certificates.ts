/**
 * Test certificates made with the openssl command in a temporary folder: a CA, server certificates it signs,
 * an expired one, and a self-signed certificate shaped like FortiAnalyzer's factory certificate.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KeyPair {
	key: string;
	cert: string;
}

export interface TestCertificates {
	/** The CA certificate (PEM) that signs `server`, `otherName` and `expired`. */
	caCertificate: string;
	/** Signed by the CA, for IP 127.0.0.1 and DNS localhost. */
	server: KeyPair;
	/** Signed by the CA, for DNS faz.example.test only. */
	otherName: KeyPair;
	/** Signed by the CA for 127.0.0.1, valid for one day in January 2020. */
	expired: KeyPair;
	/** Self-signed, the common name is a serial number and there is no subjectAltName. */
	factory: KeyPair;
}

export const FACTORY_SERIAL = 'FAZ-VM0000000001';

export function hasOpenssl(): boolean {
	return spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
}

// The config replaces the system openssl.cnf, so no extension is added that a test does not ask for.
const OPENSSL_CONFIG = `
[ req ]
distinguished_name = req_dn
prompt = no

[ req_dn ]

[ ca_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ server_ext ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost

[ other_name_ext ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:faz.example.test

[ ca ]
default_ca = test_ca

[ test_ca ]
database = index.txt
new_certs_dir = issued
serial = serial
default_md = sha256
policy = policy_any
unique_subject = no
x509_extensions = server_ext

[ policy_any ]
commonName = supplied
`;

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** Creates every test certificate, with P-256 keys because they are quick to generate. */
export function createTestCertificates(): TestCertificates {
	const directory = mkdtempSync(join(tmpdir(), 'faz-client-tls-'));
	const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: directory, stdio: 'pipe' });
	const read = (name: string) => readFileSync(join(directory, name), 'utf8');

	try {
		writeFileSync(join(directory, 'openssl.cnf'), OPENSSL_CONFIG);
		writeFileSync(join(directory, 'index.txt'), '');
		writeFileSync(join(directory, 'serial'), '1000\n');
		mkdirSync(join(directory, 'issued'));

		openssl('req', '-config', 'openssl.cnf', '-x509', ...EC_KEY, '-days', '2', '-subj', '/CN=n8n test CA',
			'-extensions', 'ca_ext', '-keyout', 'ca.key', '-out', 'ca.pem');

		const signed = (name: string, subject: string, extensions: string): KeyPair => {
			openssl('req', '-config', 'openssl.cnf', '-new', ...EC_KEY, '-subj', subject, '-keyout', `${name}.key`, '-out', `${name}.csr`);
			openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', `0x${randomBytes(8).toString('hex')}`,
				'-days', '2', '-extfile', 'openssl.cnf', '-extensions', extensions, '-out', `${name}.pem`);
			return { key: read(`${name}.key`), cert: read(`${name}.pem`) };
		};

		const server = signed('server', '/CN=127.0.0.1', 'server_ext');
		const otherName = signed('other', '/CN=faz.example.test', 'other_name_ext');

		// `openssl x509 -req` in OpenSSL 3.0 has no start-date option, so the expired certificate comes from `openssl ca`.
		openssl('req', '-config', 'openssl.cnf', '-new', ...EC_KEY, '-subj', '/CN=127.0.0.1', '-keyout', 'expired.key', '-out', 'expired.csr');
		openssl('ca', '-batch', '-config', 'openssl.cnf', '-cert', 'ca.pem', '-keyfile', 'ca.key', '-in', 'expired.csr',
			'-startdate', '20200101000000Z', '-enddate', '20200102000000Z', '-notext', '-out', 'expired.pem');
		const expired = { key: read('expired.key'), cert: read('expired.pem') };

		openssl('req', '-config', 'openssl.cnf', '-x509', ...EC_KEY, '-days', '2',
			'-subj', `/C=US/ST=California/L=Sunnyvale/O=Fortinet/OU=FortiAnalyzer/CN=${FACTORY_SERIAL}/emailAddress=support@fortinet.com`,
			'-keyout', 'factory.key', '-out', 'factory.pem');
		const factory = { key: read('factory.key'), cert: read('factory.pem') };

		return { caCertificate: read('ca.pem'), server, otherName, expired, factory };
	} finally {
		rmSync(directory, { recursive: true, force: true });
	}
}
