import './engine-services';

import { UnrecognizedNodeTypeError } from 'n8n-core';
import { NodeHelpers } from 'n8n-workflow';
import type { IDataObject, INodeType, INodeTypes, IVersionedNodeType } from 'n8n-workflow';
import { If } from 'n8n-nodes-base/dist/nodes/If/If.node';
import { ManualTrigger } from 'n8n-nodes-base/dist/nodes/ManualTrigger/ManualTrigger.node';
import { Merge } from 'n8n-nodes-base/dist/nodes/Merge/Merge.node';
import { NoOp } from 'n8n-nodes-base/dist/nodes/NoOp/NoOp.node';
import { Set as SetNode } from 'n8n-nodes-base/dist/nodes/Set/Set.node';
import { Switch } from 'n8n-nodes-base/dist/nodes/Switch/Switch.node';
import { SplitOut } from 'n8n-nodes-base/dist/nodes/Transform/SplitOut/SplitOut.node';

export interface NodeTypeSource {
	/** Full node type id as workflows reference it, e.g. `n8n-nodes-base.noOp`. */
	type: string;
	nodeType: INodeType | IVersionedNodeType;
}

/** n8n-nodes-base nodes every harness run can use. */
function createBaseNodeTypes(): NodeTypeSource[] {
	return [
		{ type: 'n8n-nodes-base.manualTrigger', nodeType: new ManualTrigger() },
		{ type: 'n8n-nodes-base.if', nodeType: new If() },
		{ type: 'n8n-nodes-base.switch', nodeType: new Switch() },
		{ type: 'n8n-nodes-base.noOp', nodeType: new NoOp() },
		{ type: 'n8n-nodes-base.set', nodeType: new SetNode() },
		{ type: 'n8n-nodes-base.splitOut', nodeType: new SplitOut() },
		{ type: 'n8n-nodes-base.merge', nodeType: new Merge() },
	];
}

/**
 * Builds the node type registry of a run: the base nodes listed above plus `extra`. An `extra`
 * entry replaces a base node of the same type. Versioned types resolve by the node's
 * `typeVersion` the way n8n resolves them, and an unknown type raises n8n's
 * "Unrecognized node type" error.
 */
export function createNodeTypes(extra: NodeTypeSource[] = []): INodeTypes {
	const registry = new Map<string, INodeType | IVersionedNodeType>();
	for (const { type, nodeType } of [...createBaseNodeTypes(), ...extra]) {
		registry.set(type, nodeType);
	}

	const getByName = (type: string): INodeType | IVersionedNodeType => {
		const nodeType = registry.get(type);
		if (nodeType === undefined) {
			const separator = type.lastIndexOf('.');
			throw new UnrecognizedNodeTypeError(type.slice(0, separator), type.slice(separator + 1));
		}
		return nodeType;
	};

	return {
		getByName,
		getByNameAndVersion: (type, version) => NodeHelpers.getVersionedNodeType(getByName(type), version),
		getKnownTypes: () => {
			const known: IDataObject = {};
			for (const [type, nodeType] of registry) {
				known[type] = { className: nodeType.constructor.name };
			}
			return known;
		},
	};
}
