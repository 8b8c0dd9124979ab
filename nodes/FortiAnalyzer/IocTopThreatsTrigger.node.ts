import {
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
	NodeConnectionTypes,
} from 'n8n-workflow';

import { testFortiAnalyzerCredential } from './helpers/credentialTest';
import { triggerProperties } from './trigger/description';
import { pollTopThreats } from './trigger/poll';

/** Polls FortiAnalyzer's top threats and emits the threats that are new or rising since the previous poll. */
export class IocTopThreatsTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'IOC Top Threats Trigger',
		name: 'iocTopThreatsTrigger',
		icon: { light: 'file:fortianalyzer.svg', dark: 'file:fortianalyzer.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ "ADOM " + ($parameter["adom"] || "(default)") }}',
		description: 'Starts a workflow when FortiAnalyzer reports a new threat, or one whose severity, detected or incidents rose',
		defaults: { name: 'IOC Top Threats Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'fortiAnalyzerApi', required: true, testedBy: 'fortiAnalyzerApiTest' }],
		// A copy, because n8n's node loader adds the Poll Times field to the list it is given.
		properties: [...triggerProperties],
	};

	methods = {
		credentialTest: { fortiAnalyzerApiTest: testFortiAnalyzerCredential },
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollTopThreats.call(this);
	}
}
