// Types of node-flags.mjs for the tests and benchmarks that import it.
export declare const NODE_FLAGS: readonly string[];
