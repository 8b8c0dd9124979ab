/**
 * The fixed set of FortiGates and threats behind the emulator's top-threats data.
 *
 * Names follow the styles FortiAnalyzer shows in the top-threats view: IPS signatures, antivirus names and file
 * names, botnet C&C signatures, web domains and anomaly names. Addresses and domains come from the ranges and names
 * reserved for documentation, so no row points at a real host.
 */

export type ThreatLevel = 1 | 2 | 3 | 4 | 5;

/**
 * Label and per-incident threat weight of each level. Critical 50, high 30, medium 10 and low 5 are assumed to be
 * FortiOS's default threat weights. Info 1 is made up, so that info rows still carry a score.
 */
export const LEVELS: Record<ThreatLevel, { label: string; weight: number }> = {
	5: { label: 'Critical', weight: 50 },
	4: { label: 'High', weight: 30 },
	3: { label: 'Medium', weight: 10 },
	2: { label: 'Low', weight: 5 },
	1: { label: 'Info', weight: 1 },
};

/** How a threat was detected; it decides the log type, the traffic direction and whether `obf_url` is set. */
export type ThreatCategory = 'ips' | 'antivirus' | 'botnet' | 'website' | 'anomaly' | 'application' | 'policy';

export interface Device {
	name: string;
	serial: string;
	vdom: string;
}

export interface ThreatDefinition {
	threat: string;
	threattype: string;
	category: ThreatCategory;
	level: ThreatLevel;
	cve?: string;
	appid?: number;
	/** Mean incidents per hour in an ADOM with a scale factor of 1. */
	ratePerHour: number;
	/** Share of incidents that passed (detected, not blocked), from 0 to 1. */
	passRatio: number;
	/** Indexes into `DEVICES` of the FortiGates that log this threat. */
	devices: number[];
	/** Maximum number of distinct source addresses. */
	sourceCount: number;
	/** Maximum number of distinct destination addresses. */
	destinationCount: number;
}

export const DEVICES: readonly Device[] = [
	{ name: 'FGT-HQ-01', serial: 'FG100FTK22000101', vdom: 'root' },
	{ name: 'FGT-HQ-02', serial: 'FG100FTK22000102', vdom: 'root' },
	{ name: 'FGT-DC-01', serial: 'FG600ETK21000201', vdom: 'dmz' },
	{ name: 'FGT-BRANCH-LIS', serial: 'FGT60FTK23000301', vdom: 'root' },
];

export const THREATS: readonly ThreatDefinition[] = [
	{ threat: 'Apache.Log4j.Error.Log.Remote.Code.Execution', threattype: 'ips', category: 'ips', level: 5, cve: 'CVE-2021-44228', ratePerHour: 3.2, passRatio: 0.08, devices: [0, 1, 2], sourceCount: 14, destinationCount: 3 },
	{ threat: 'FortiOS.SSL.VPN.Heap.Buffer.Overflow', threattype: 'ips', category: 'ips', level: 5, cve: 'CVE-2022-42475', ratePerHour: 1.1, passRatio: 0, devices: [0, 1], sourceCount: 6, destinationCount: 2 },
	{ threat: 'MS.Exchange.Server.Autodiscover.Remote.Code.Execution', threattype: 'ips', category: 'ips', level: 5, cve: 'CVE-2021-34473', ratePerHour: 0.9, passRatio: 0, devices: [2], sourceCount: 5, destinationCount: 1 },
	{ threat: 'Atlassian.Confluence.OGNL.Injection.Remote.Code.Execution', threattype: 'ips', category: 'ips', level: 5, cve: 'CVE-2022-26134', ratePerHour: 0.6, passRatio: 0.25, devices: [2], sourceCount: 4, destinationCount: 1 },
	{ threat: 'MS.SMB.Server.SMB1.Trans2.Secondary.Handling.Code.Execution', threattype: 'ips', category: 'ips', level: 5, cve: 'CVE-2017-0144', ratePerHour: 0.4, passRatio: 0, devices: [0, 3], sourceCount: 3, destinationCount: 4 },
	{ threat: 'Apache.Struts.2.Jakarta.Multipart.Parser.Code.Execution', threattype: 'ips', category: 'ips', level: 4, cve: 'CVE-2017-5638', ratePerHour: 0.7, passRatio: 0, devices: [2], sourceCount: 6, destinationCount: 1 },
	{ threat: 'Bash.Function.Definitions.Remote.Code.Execution', threattype: 'ips', category: 'ips', level: 4, cve: 'CVE-2014-6271', ratePerHour: 1.5, passRatio: 0, devices: [0, 2], sourceCount: 9, destinationCount: 2 },
	{ threat: 'PHPUnit.Eval-stdin.PHP.Remote.Code.Execution', threattype: 'ips', category: 'ips', level: 4, cve: 'CVE-2017-9841', ratePerHour: 2.4, passRatio: 0.05, devices: [2], sourceCount: 11, destinationCount: 2 },
	{ threat: 'HTTP.URI.SQL.Injection', threattype: 'ips', category: 'ips', level: 4, ratePerHour: 3.8, passRatio: 0.12, devices: [2], sourceCount: 17, destinationCount: 3 },
	{ threat: 'HTTP.Request.URI.Directory.Traversal', threattype: 'ips', category: 'ips', level: 3, ratePerHour: 2.9, passRatio: 0.1, devices: [0, 2], sourceCount: 12, destinationCount: 3 },
	{ threat: 'SSH.Connection.Brute.Force', threattype: 'ips', category: 'ips', level: 3, ratePerHour: 6.5, passRatio: 0.3, devices: [0, 1, 3], sourceCount: 25, destinationCount: 4 },
	{ threat: 'Nmap.Script.Scanner', threattype: 'ips', category: 'ips', level: 2, ratePerHour: 5.2, passRatio: 0.6, devices: [0, 3], sourceCount: 8, destinationCount: 10 },
	{ threat: 'ZGrab.Scanner', threattype: 'ips', category: 'ips', level: 2, ratePerHour: 4.1, passRatio: 0.5, devices: [2], sourceCount: 10, destinationCount: 3 },
	{ threat: 'SSL.Anonymous.Ciphers.Negotiation', threattype: 'ips', category: 'ips', level: 1, ratePerHour: 1.8, passRatio: 1, devices: [1], sourceCount: 4, destinationCount: 2 },

	{ threat: 'EICAR_TEST_FILE', threattype: 'virus', category: 'antivirus', level: 3, ratePerHour: 0.3, passRatio: 0, devices: [0], sourceCount: 2, destinationCount: 1 },
	{ threat: 'W32/Emotet.A!tr', threattype: 'virus', category: 'antivirus', level: 5, ratePerHour: 0.5, passRatio: 0.1, devices: [0, 3], sourceCount: 3, destinationCount: 2 },
	{ threat: 'MSIL/AgentTesla.QX!tr', threattype: 'virus', category: 'antivirus', level: 4, ratePerHour: 0.35, passRatio: 0, devices: [0], sourceCount: 2, destinationCount: 2 },
	{ threat: 'W32/Qakbot.B!tr', threattype: 'virus', category: 'antivirus', level: 5, ratePerHour: 0.2, passRatio: 0, devices: [1], sourceCount: 2, destinationCount: 1 },
	{ threat: 'JS/Phish.AB!tr', threattype: 'virus', category: 'antivirus', level: 3, ratePerHour: 0.8, passRatio: 0.15, devices: [0, 1], sourceCount: 5, destinationCount: 4 },
	{ threat: 'invoice_2024_0918.pdf.exe', threattype: 'malware-detected', category: 'antivirus', level: 4, ratePerHour: 0.25, passRatio: 0.4, devices: [3], sourceCount: 2, destinationCount: 1 },
	{ threat: 'setup_update.zip', threattype: 'malware-detected', category: 'antivirus', level: 3, ratePerHour: 0.15, passRatio: 0, devices: [0], sourceCount: 1, destinationCount: 1 },

	{ threat: 'Zeus.Botnet', threattype: 'botnet', category: 'botnet', level: 5, appid: 107347971, ratePerHour: 0.9, passRatio: 0.35, devices: [0, 3], sourceCount: 2, destinationCount: 3 },
	{ threat: 'Emotet.Botnet', threattype: 'botnet', category: 'botnet', level: 5, appid: 107347972, ratePerHour: 0.6, passRatio: 0, devices: [0], sourceCount: 2, destinationCount: 4 },
	{ threat: 'Mirai.Botnet', threattype: 'botnet', category: 'botnet', level: 4, appid: 107347973, ratePerHour: 1.3, passRatio: 0.2, devices: [3], sourceCount: 3, destinationCount: 5 },
	{ threat: 'Conficker.Botnet', threattype: 'botnet', category: 'botnet', level: 4, appid: 107347974, ratePerHour: 0.4, passRatio: 0, devices: [1], sourceCount: 1, destinationCount: 6 },

	{ threat: 'login-verify-account.example.net', threattype: 'Phishing', category: 'website', level: 4, ratePerHour: 1.2, passRatio: 0.2, devices: [0, 1], sourceCount: 6, destinationCount: 1 },
	{ threat: 'cdn.malware-delivery.example.com', threattype: 'Malicious Websites', category: 'website', level: 5, ratePerHour: 0.7, passRatio: 0.15, devices: [0], sourceCount: 3, destinationCount: 1 },
	{ threat: 'update-flashplayer.example.org', threattype: 'Malicious Websites', category: 'website', level: 4, ratePerHour: 0.9, passRatio: 0, devices: [3], sourceCount: 4, destinationCount: 1 },
	{ threat: 'mining-pool.example.net', threattype: 'Malicious Websites', category: 'website', level: 3, ratePerHour: 0.5, passRatio: 0.3, devices: [2], sourceCount: 2, destinationCount: 1 },
	{ threat: 'relay.privacy-proxy.example.com', threattype: 'Proxy Avoidance', category: 'website', level: 3, ratePerHour: 1.6, passRatio: 0.4, devices: [1], sourceCount: 5, destinationCount: 1 },
	{ threat: 'promo-winner.example', threattype: 'Spam URLs', category: 'website', level: 2, ratePerHour: 2.2, passRatio: 0.7, devices: [0, 1], sourceCount: 9, destinationCount: 1 },

	{ threat: 'udp_flood', threattype: 'anomaly', category: 'anomaly', level: 4, ratePerHour: 9.5, passRatio: 0.02, devices: [0, 1], sourceCount: 40, destinationCount: 2 },
	{ threat: 'tcp_syn_flood', threattype: 'anomaly', category: 'anomaly', level: 4, ratePerHour: 7.2, passRatio: 0, devices: [0, 1, 2], sourceCount: 55, destinationCount: 3 },
	{ threat: 'icmp_flood', threattype: 'anomaly', category: 'anomaly', level: 3, ratePerHour: 4.4, passRatio: 0, devices: [3], sourceCount: 20, destinationCount: 1 },
	{ threat: 'tcp_port_scan', threattype: 'anomaly', category: 'anomaly', level: 2, ratePerHour: 3.3, passRatio: 0.8, devices: [0, 3], sourceCount: 7, destinationCount: 2 },
	{ threat: 'udp_scan', threattype: 'anomaly', category: 'anomaly', level: 1, ratePerHour: 2.1, passRatio: 1, devices: [2], sourceCount: 5, destinationCount: 3 },

	{ threat: 'Proxy.HTTP', threattype: 'Proxy', category: 'application', level: 2, appid: 15832, ratePerHour: 3.5, passRatio: 0.9, devices: [1], sourceCount: 4, destinationCount: 6 },
	{ threat: 'Tor', threattype: 'Proxy', category: 'application', level: 3, appid: 15957, ratePerHour: 0.8, passRatio: 0, devices: [0], sourceCount: 2, destinationCount: 8 },
	{ threat: 'BitTorrent', threattype: 'P2P', category: 'application', level: 1, appid: 15891, ratePerHour: 2.6, passRatio: 1, devices: [3], sourceCount: 3, destinationCount: 12 },
	{ threat: 'blocked-connection', threattype: 'blocked-connection', category: 'policy', level: 2, ratePerHour: 12, passRatio: 0, devices: [0, 1, 2, 3], sourceCount: 30, destinationCount: 6 },
];
