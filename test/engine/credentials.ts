import './engine-services';

import { Credentials, CredentialTestContext } from 'n8n-core';
import { ICredentialsHelper, NodeHelpers, deepCopy, isExpression, UserError } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialsDecrypted,
	ICredentialTestFunction,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeCredentialTestResult,
	INodeParameters,
	INodeProperties,
	INodeType,
	IRequestOptionsSimplified,
	IVersionedNodeType,
	Logger,
	Workflow,
} from 'n8n-workflow';

import { silentLogger, withRunLogger } from './logging';

/** Credential data of a run, keyed by credential type name such as `fortiAnalyzerApi`. */
export type CredentialsByType = Record<string, ICredentialDataDecryptedObject>;

export function indexCredentialTypes(credentialTypes: ICredentialType[] = []): Map<string, ICredentialType> {
	return new Map(credentialTypes.map((credentialType) => [credentialType.name, credentialType]));
}

/**
 * Credentials helper of a harness run. Nodes receive credential data by credential type, so a
 * node's `credentials: { fortiAnalyzerApi: { id, name } }` resolves to
 * `credentials.fortiAnalyzerApi` whatever id and name the workflow gives them. Authentication
 * rules (`authenticate`, `preAuthentication`) come from `credentialTypes` and follow n8n's own
 * credentials helper.
 */
export class InMemoryCredentialsHelper extends ICredentialsHelper {
	private readonly credentials: CredentialsByType;

	constructor(
		credentials: CredentialsByType,
		private readonly credentialTypes: Map<string, ICredentialType>,
	) {
		super();
		// A copy, so that token updates written back by nodes stay inside this run.
		this.credentials = deepCopy(credentials);
	}

	getParentTypes(name: string): string[] {
		const parents = this.credentialTypes.get(name)?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = this.requireCredentialType(type);
		if (credentialType.extends === undefined) return credentialType.properties;

		// The type's own properties take precedence over those of the types it extends.
		const properties: INodeProperties[] = [];
		for (const parent of credentialType.extends) {
			NodeHelpers.mergeNodeProperties(properties, this.getCredentialsProperties(parent));
		}
		NodeHelpers.mergeNodeProperties(properties, credentialType.properties);
		return properties;
	}

	async getDecrypted(
		_additionalData: unknown,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		return this.applyDefaults(type, this.getStored(type));
	}

	/**
	 * Fills in the defaults of the credential type's properties and drops values the type does not
	 * declare, as n8n does before it hands credential data to a node or a credential test. Data of
	 * a credential type the helper does not know is returned unchanged.
	 */
	applyDefaults(type: string, data: ICredentialDataDecryptedObject): ICredentialDataDecryptedObject {
		if (!this.credentialTypes.has(type)) return data;

		// NOTE: n8n also resolves expressions inside credential values (`={{ $secrets... }}`), but the
		// harness passes such values through unresolved.
		const withDefaults = (NodeHelpers.getNodeParameters(
			this.getCredentialsProperties(type),
			data as INodeParameters,
			true,
			false,
			null,
			null,
		) ?? {}) as ICredentialDataDecryptedObject;

		// OAuth token data is not a declared property, so it has to be carried over by hand.
		if (data.oauthTokenData !== undefined) withDefaults.oauthTokenData = data.oauthTokenData;
		return withDefaults;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		const credentials = new Credentials(nodeCredentials, type);
		credentials.setData(this.getStored(type));
		return credentials;
	}

	async updateCredentials(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.credentials[type] = deepCopy(data);
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		await this.updateCredentials(nodeCredentials, type, data);
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = this.requireCredentialType(typeName);

		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		}

		if (authenticate?.type === 'generic') {
			requestOptions.headers ??= {};
			// Each entry names a request field (headers, qs, body, auth) and the keys to set in it.
			const target = requestOptions as unknown as Record<string, Record<string, unknown>>;
			for (const [field, entries] of Object.entries(authenticate.properties)) {
				target[field] ??= {};
				for (const [key, value] of Object.entries(entries as Record<string, unknown>)) {
					const resolvedKey = this.resolveValue(key, credentials, workflow, node);
					target[field][resolvedKey] = this.resolveValue(value, credentials, workflow, node);
				}
			}
		}

		return requestOptions as IHttpRequestOptions;
	}

	/**
	 * Runs the credential type's `preAuthentication` when its expirable hidden property is empty,
	 * when the caller reports the credentials expired, or when the node is n8n's credential-test
	 * stand-in. The result is merged into the credentials and stored for later requests of the run.
	 */
	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.requireCredentialType(typeName);
		const expirableProperty = credentialType.properties.find(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		);
		if (expirableProperty === undefined || typeof credentialType.preAuthentication !== 'function') {
			return undefined;
		}

		const isCredentialTest = node.parameters?.temp === '' && node.type === 'n8n-nodes-base.noOp';
		const isMissing = credentials[expirableProperty.name] === '';
		if (!isMissing && !credentialsExpired && !isCredentialTest) return undefined;

		const output = await credentialType.preAuthentication.call(helpers, credentials);
		if (output[expirableProperty.name] === undefined || node.credentials === undefined) {
			return undefined;
		}

		const updated = Object.assign(credentials, output);
		await this.updateCredentials(node.credentials[typeName], typeName, updated);
		return updated;
	}

	private getStored(type: string): ICredentialDataDecryptedObject {
		const data = this.credentials[type];
		if (data === undefined) {
			throw new UserError(
				`Credentials of type "${type}" not found in the workflow harness. ` +
					`Pass them in the run options as credentials.${type}.`,
			);
		}
		return deepCopy(data);
	}

	private requireCredentialType(type: string): ICredentialType {
		const credentialType = this.credentialTypes.get(type);
		if (credentialType === undefined) {
			throw new UserError(
				`Credential type "${type}" is not known to the workflow harness. ` +
					'Pass it in the run options as credentialTypes.',
			);
		}
		return credentialType;
	}

	/** Resolves an `={{ $credentials.x }}` expression the way n8n resolves authentication rules. */
	private resolveValue(
		value: unknown,
		credentials: ICredentialDataDecryptedObject,
		workflow: Workflow,
		node: INode,
	): string {
		if (!isExpression(value)) return String(value);

		const resolved = workflow.expression.getSimpleParameterValue(
			node,
			value,
			'internal',
			{ $credentials: credentials },
			undefined,
			'',
		);
		return resolved ? resolved.toString() : '';
	}
}

export interface CredentialTestOptions {
	/** Logger for what the test function logs through `this.logger`. By default nothing is kept. */
	logger?: Logger;
	/** Credential types whose property defaults are applied to `data` first, as n8n does. */
	credentialTypes?: ICredentialType[];
}

/** Finds a credential test method the way n8n does: on the node, or on its newest version that has it. */
function findCredentialTest(
	nodeType: INodeType | IVersionedNodeType,
	methodName: string,
): ICredentialTestFunction | undefined {
	if (!('nodeVersions' in nodeType)) return nodeType.methods?.credentialTest?.[methodName];

	const versions = Object.keys(nodeType.nodeVersions)
		.map(Number)
		.sort((a, b) => b - a);
	for (const version of versions) {
		const credentialTest = nodeType.nodeVersions[version].methods?.credentialTest;
		if (credentialTest?.[methodName] !== undefined) return credentialTest[methodName];
	}
	return undefined;
}

/**
 * Calls a node's credential test method as n8n's credentials tester does: with n8n-core's own
 * `CredentialTestContext` as `this` (its `helpers.request` sends real HTTP requests) and the
 * credential as `{ id, name, type, data }`. A missing method gives n8n's "No testing function"
 * result instead of an exception.
 */
export async function testCredential(
	nodeType: INodeType | IVersionedNodeType,
	credentialTestMethod: string,
	credentialType: string,
	data: ICredentialDataDecryptedObject,
	options: CredentialTestOptions = {},
): Promise<INodeCredentialTestResult> {
	const testFunction = findCredentialTest(nodeType, credentialTestMethod);
	if (testFunction === undefined) {
		return { status: 'Error', message: 'No testing function found for this credential.' };
	}

	const helper = new InMemoryCredentialsHelper({}, indexCredentialTypes(options.credentialTypes));
	const credential: ICredentialsDecrypted = {
		id: 'harness-credential',
		name: `${credentialType} (harness)`,
		type: credentialType,
		data: helper.applyDefaults(credentialType, deepCopy(data)),
	};

	return await withRunLogger(options.logger ?? silentLogger, async () => {
		return await testFunction.call(new CredentialTestContext(), credential);
	});
}
