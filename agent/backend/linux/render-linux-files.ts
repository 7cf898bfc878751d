// Every file the Linux backend writes for one router, with the service each one feeds. Pure: the
// same state and options always give the same bytes.
import type { DesiredState } from '../../slice/desired-state.ts';
import { renderBirdConf } from '../../render/bird/render-bird-conf.ts';
import { underRoot } from '../../base/dlan-paths.ts';
import { LINUX_FILES, LINUX_RUNTIME } from './linux-paths.ts';
import { renderDnsmasqFiles } from './render-dnsmasq-conf.ts';
import { renderNftRuleset } from './render-nftables.ts';
import { renderNginxMain } from './render-nginx-main.ts';
import { renderAuthorizedKeys, renderSshdDropIn } from './render-ssh-files.ts';

/**
 * What a changed file needs: `dnsmasq` restart (main file), `dnsmasq-hosts` a SIGHUP (re-read
 * hosts and dhcp-hosts files), `bird` configure, `nginx` reload, `nftables` a `nft -f`, `sshd` reload.
 */
export type FileRole = 'dnsmasq' | 'dnsmasq-hosts' | 'bird' | 'nginx' | 'nftables' | 'sshd';

export interface RenderedFile {
  /** Absolute path as on the router (without the --root prefix). */
  path: string;
  content: string;
  mode: number;
  role: FileRole;
}

export interface LinuxRenderOptions {
  /** The --root folder: paths written *inside* files point below it too. */
  root: string;
  /** ngx_stream_module.so when present on this machine, else null. */
  nginxStreamModule: string | null;
}

export function renderLinuxFiles(state: DesiredState, opts: LinuxRenderOptions): RenderedFile[] {
  const r = (p: string) => underRoot(opts.root, p);
  const dnsmasq = renderDnsmasqFiles(state, { hosts: r(LINUX_FILES.dnsmasqHosts), dhcpHosts: r(LINUX_FILES.dnsmasqDhcpHosts), leases: r(LINUX_FILES.dnsmasqLeases) });
  const files: RenderedFile[] = [
    { path: LINUX_FILES.nftRuleset, content: renderNftRuleset(state), mode: 0o644, role: 'nftables' },
    { path: LINUX_FILES.dnsmasqConf, content: dnsmasq.conf, mode: 0o644, role: 'dnsmasq' },
    { path: LINUX_FILES.dnsmasqHosts, content: dnsmasq.hosts, mode: 0o644, role: 'dnsmasq-hosts' },
    { path: LINUX_FILES.dnsmasqDhcpHosts, content: dnsmasq.dhcpHosts, mode: 0o644, role: 'dnsmasq-hosts' },
    { path: LINUX_FILES.birdConf, content: renderBirdConf(state), mode: 0o644, role: 'bird' },
    {
      path: LINUX_FILES.nginxConf,
      content: renderNginxMain(state, { streamModule: opts.nginxStreamModule, pidFile: r(LINUX_RUNTIME.nginxPid), errorLog: `${r(LINUX_FILES.nginxLogDir)}/nginx-error.log` }),
      mode: 0o644,
      role: 'nginx',
    },
  ];
  if (state.ssh !== null) {
    files.push({ path: LINUX_FILES.sshdDropIn, content: renderSshdDropIn(), mode: 0o644, role: 'sshd' });
    files.push({ path: LINUX_FILES.authorizedKeys, content: renderAuthorizedKeys(state.ssh), mode: 0o600, role: 'sshd' });
  }
  return files;
}
