// The host the probes of the router's network run on. With the setting `netns` (Linux) the
// router's interfaces, WireGuard and routes live in that namespace, and the backend runs its
// programs there; `wg show` run in the agent's own namespace would see no `wg0` (kernel
// WireGuard is per namespace), and the confirm check would skip WireGuard without a word.
import type { Host } from '../../host/host.ts';
import { enterNetns } from '../../backend/linux/netns-host.ts';

/** `host` itself, or a host whose programs run in namespace `netns` (an error when it does not exist). */
export function networkHost(host: Host, netns: string | null | undefined): Promise<Host> {
  return netns ? enterNetns(host, netns) : Promise.resolve(host);
}
