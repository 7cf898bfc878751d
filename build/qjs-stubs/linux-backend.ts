// Stand-in for the Linux backend in the QuickJS bundle: QuickJS is how dlan-agent runs on OpenWrt
// 25.12+, and Debian routers run the node build, so the router bundle carries only the OpenWrt
// backend. Choosing `--backend linux` there is a clear error.
import type { Backend } from '../../agent/backend/backend.ts';

function refuse(): never {
  throw new Error('the QuickJS build carries only the OpenWrt backend: run the node build (dist/dlan-agent.js) on Linux routers');
}

export const createLinuxBackend = (): Backend => linuxBackend;

export const linuxBackend: Backend = {
  name: 'linux',
  render: () => refuse(),
  plan: async () => refuse(),
  snapshots: async () => refuse(),
  apply: async () => refuse(),
  restore: async () => refuse(),
  uninstall: async () => refuse(),
};
