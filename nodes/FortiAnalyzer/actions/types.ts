import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { FortiAnalyzerClient } from '../client';

/** Shared state that the router passes to every operation for one execution of the node. */
export interface OperationContext {
	client: FortiAnalyzerClient;
	/** The credential's ADOM, used when the node's ADOM field is empty. */
	defaultAdom: string;
	/** Aborts when the n8n execution is cancelled. */
	signal?: AbortSignal;
}

/** An operation of the node: its own parameters, its work for one input item and an optional cleanup. */
export interface Operation {
	description: INodeProperties[];
	execute(this: IExecuteFunctions, itemIndex: number, context: OperationContext): Promise<IDataObject[]>;
	/**
	 * Frees what a successful item holds on FortiAnalyzer, e.g. its task, when another item made the node fail and
	 * n8n drops this item's output with the tid in it. It must not throw, so that the node reports its own error.
	 */
	release?(this: IExecuteFunctions, itemIndex: number, context: OperationContext, output: IDataObject[]): Promise<void>;
}
