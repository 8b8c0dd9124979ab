import {
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
	NodeConnectionTypes,
} from 'n8n-workflow';

import { nodeProperties } from './actions/operations';
import { route } from './actions/router';
import { testFortiAnalyzerCredential } from './helpers/credentialTest';

/** Builds the canvas subtitle, which shows the chosen operation by name ("Get Top Threats"), not by value. */
function operationSubtitle(properties: INodeProperties[]): string {
	const operation = properties.find((property) => property.name === 'operation');
	const names = Object.fromEntries((operation?.options ?? []).map((option) => ['value' in option ? option.value : option.name, option.name]));

	return `={{ (${JSON.stringify(names)})[$parameter["operation"]] }}`;
}

export class IocTopThreats implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'IOC Top Threats',
		name: 'iocTopThreats',
		icon: { light: 'file:fortianalyzer.svg', dark: 'file:fortianalyzer.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: operationSubtitle(nodeProperties),
		description: 'Get the top threats (IOC) that FortiAnalyzer saw, one item per threat',
		defaults: { name: 'IOC Top Threats' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [{ name: 'fortiAnalyzerApi', required: true, testedBy: 'fortiAnalyzerApiTest' }],
		properties: nodeProperties,
	};

	methods = {
		credentialTest: { fortiAnalyzerApiTest: testFortiAnalyzerCredential },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this);
	}
}
