// Type stubs for the QuickJS engine modules, for test entries that import them statically
// (the agent's own entry imports them dynamically, see agent/cli/main-qjs.ts).
declare module 'std';
declare module 'os';
