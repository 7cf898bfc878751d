import { nodeOnlyCommand } from './admin-command.ts';
export const clientConfigCommand = nodeOnlyCommand('client-config');
