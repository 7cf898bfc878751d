import { nodeOnlyCommand } from './admin-command.ts';
export const graphCommand = nodeOnlyCommand('graph');
