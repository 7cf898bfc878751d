// Stand-in for the network-namespace wrapper in the QuickJS bundle: namespaces belong to the
// Linux backend (`--netns`, setting `netns`), which Debian routers run under node; the router
// bundle carries only the OpenWrt backend. A `netns` setting there is a clear error.
import type { Host } from '../../agent/host/host.ts';

export async function enterNetns(_host: Host, _name: string): Promise<Host> {
  throw new Error('the setting netns is for Linux routers: run the node build (dist/dlan-agent.js) there');
}
