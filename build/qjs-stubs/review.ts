import { nodeOnlyCommand } from './admin-command.ts';
export const reviewCommand = nodeOnlyCommand('review');
