// The V8 flags every node launcher of dlan-agent passes (the bundle's shebang, the OpenWrt
// wrapper /usr/bin/dlan-agent; systemd and cron run the bundle through its shebang). They trade
// speed the agent does not need for memory a router does (issue #12.4, docs/measurements.md):
//   --max-semi-space-size=1  young generation of 1 MB semi-spaces instead of up to 16 MB: garbage
//                            from parsing YAML is collected early instead of grown into;
//   --lite-mode              no optimising/baseline compilers, lazy feedback vectors: no JIT code
//                            or type feedback kept for a program that runs for a second;
//   --no-expose-wasm         lite mode turns WebAssembly off anyway; saying so keeps V8 from
//                            printing a warning on every start.
// A test (test/package/node-flags.test.ts) holds the wrapper to this list.
export const NODE_FLAGS = ['--no-expose-wasm', '--lite-mode', '--max-semi-space-size=1'];
