import { createNodeTypes, createMemoryLogger, startWorkflow } from './harness';
import { NodeOperationError, sleepWithAbort } from 'n8n-workflow';
import type { IExecuteFunctions, INodeType, INodeExecutionData } from 'n8n-workflow';

let sawAbort = false;
class Slow implements INodeType {
	description = { displayName: 'Slow', name: 'slow', group: ['transform'], version: 1, description: '', defaults: { name: 'Slow' }, inputs: ['main' as const], outputs: ['main' as const], properties: [] } as INodeType['description'];
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const signal = this.getExecutionCancelSignal();
		signal?.addEventListener('abort', () => { sawAbort = true; });
		this.logger.info('slow started');
		try {
			await sleepWithAbort(60_000, signal);
		} catch (e) {
			console.log('slow caught', (e as Error).constructor.name, (e as Error).message);
			throw e;
		}
		throw new NodeOperationError(this.getNode(), 'never');
	}
}
async function main() {
	const logger = createMemoryLogger();
	const nodeTypes = createNodeTypes([{ type: 'test.slow', nodeType: new Slow() }]);
	const wf = {
		name: 'w', nodes: [
			{ id: '1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] as [number, number], parameters: {} },
			{ id: '2', name: 'Slow', type: 'test.slow', typeVersion: 1, position: [200, 0] as [number, number], parameters: {} },
		],
		connections: { Start: { main: [[{ node: 'Slow', type: 'main' as const, index: 0 }]] } },
		settings: { executionOrder: 'v1' as const },
	};
	const running = startWorkflow(wf, { nodeTypes, logger });
	setTimeout(() => running.cancel(), 300);
	const r = await running.result;
	console.log('status', r.status, 'sawAbort', sawAbort, 'executed', r.executedNodes(), 'error', r.error, 'slowErr', r.nodeError('Slow')?.message);
	console.log(JSON.stringify(r.run.data.resultData.runData.Slow?.map(t => ({ s: t.executionStatus, e: t.error?.message })) ));
	await new Promise((res) => setTimeout(res, 200));
	console.log('later', r.run.status, JSON.stringify(r.run.data.resultData.runData.Slow?.map(t => ({ s: t.executionStatus, e: t.error?.message, n: t.error?.name }))), r.run.data.resultData.error);
	console.log(logger.entries.map(e => `${e.level}: ${e.message}`).join('\n'));
}
main().catch((e) => { console.error('FAILED', e); process.exit(1); });
