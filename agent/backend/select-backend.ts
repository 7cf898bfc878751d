// Which backend runs on this machine: `--backend openwrt|linux` when given, otherwise OpenWrt when
// `<root>/etc/openwrt_release` exists (every OpenWrt image has it), Linux (Debian) otherwise.
import type { Host } from '../host/host.ts';
import type { Backend, BackendName } from './backend.ts';
import { createLinuxBackend, linuxBackend } from './linux/linux-backend.ts';
import { openwrtBackend } from './openwrt/openwrt-backend.ts';

export class BackendChoiceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackendChoiceError';
  }
}

export async function detectBackend(host: Host, root: string): Promise<BackendName> {
  const release = await host.files.stat(`${root.replace(/\/+$/, '')}/etc/openwrt_release`);
  return release !== null ? 'openwrt' : 'linux';
}

export function backendNamed(name: string): Backend {
  if (name === 'openwrt') return openwrtBackend;
  if (name === 'linux') return linuxBackend;
  throw new BackendChoiceError(`unknown backend ${JSON.stringify(name)} (use openwrt or linux)`);
}

/** `netns`: run the Linux backend's programs in that network namespace (`--netns`, setting `netns`). */
export async function selectBackend(host: Host, root: string, explicit?: string, netns?: string | null): Promise<Backend> {
  const backend = backendNamed(explicit ?? (await detectBackend(host, root)));
  if (!netns) return backend;
  if (backend.name !== 'linux') throw new BackendChoiceError('netns is for the Linux backend only');
  return createLinuxBackend({ netns });
}
