// Where the Linux backend keeps each file, relative to the machine's `/` (the `--root` folder in
// tests and in the lab). Daemon configs live where Debian's packages read them (dnsmasq's conf-dir,
// bird's /etc/bird), dlan's own pieces under /etc/dlan, named from the one table.
import * as DLAN_PATHS from '../../base/dlan-paths.ts';

export const LINUX_FILES = {
  dnsmasqConf: '/etc/dnsmasq.d/dlan.conf',
  /**
   * Static records (addn-hosts) and static leases (dhcp-hostsfile), both re-read on SIGHUP — by
   * dnsmasq after it dropped root, hence a world-readable folder of their own (/etc/dlan may be
   * 0700 to guard the key; /etc/dnsmasq.d would parse them as config files).
   */
  dnsmasqHosts: '/etc/dlan-dnsmasq/hosts',
  dnsmasqDhcpHosts: '/etc/dlan-dnsmasq/dhcp-hosts',
  dnsmasqLeases: '/var/lib/misc/dnsmasq.leases',
  birdConf: '/etc/bird/bird.conf',
  /** Main config of dlan's private nginx instance (stream services, stub_status). */
  nginxConf: DLAN_PATHS.nginxConf,
  nginxLogDir: '/var/log/dlan',
  nftRuleset: DLAN_PATHS.nftRuleset,
  sshdDropIn: '/etc/ssh/sshd_config.d/dlan.conf',
  authorizedKeys: '/root/.ssh/authorized_keys',
  wireguardKey: DLAN_PATHS.wireguardKey,
  appliedState: DLAN_PATHS.linuxAppliedState,
  originals: DLAN_PATHS.originals,
  serviceTable: DLAN_PATHS.serviceTable,
  scratch: DLAN_PATHS.linuxScratch,
} as const;

/**
 * Runtime files, below `--root` like everything else dlan writes or names (a `--root` tree on a
 * machine that is not the router must not drop pid or log files into the host's /run).
 */
export const LINUX_RUNTIME = {
  nginxPid: '/run/dlan-nginx.pid',
  /** wireguard-go's own messages (its foreground mode logs to stdout), per interface. */
  wireguardGoLog: (name: string) => `/run/dlan-wireguard-go-${name}.log`,
} as const;

export const NGINX_STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';

/** Folders nginx needs and does not create: its log folder and the one of its pid file. */
export const NGINX_FOLDERS = [LINUX_FILES.nginxLogDir, LINUX_RUNTIME.nginxPid.slice(0, LINUX_RUNTIME.nginxPid.lastIndexOf('/'))];
