import { nodeOnlyCommand } from './admin-command.ts';
export const sealCommand = nodeOnlyCommand('seal');
