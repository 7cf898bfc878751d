// The Linux backend's service table for a lab router (<root>/etc/dlan/services.json): how to
// start, reload, stop and check dnsmasq, bird and dlan's nginx without systemd. Every command runs
// inside the router's holder (private /run), so the pid files and sockets below never collide
// between routers. Config paths are the backend's (agent/backend/linux/linux-paths.ts) below
// the router's --root. No sshd runs in the lab: `sshd` is left out (changes written, nothing run).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabRouter } from './topology.ts';
import { LINUX_RUNTIME } from '../agent/backend/linux/linux-paths.ts';

export const BIRD_SOCKET = '/run/bird/bird.ctl';
const BIRD_PID = '/run/bird/bird.pid';
const DNSMASQ_PID = '/run/dnsmasq/dnsmasq.pid';

export function labServiceTable(r: LabRouter): Record<string, Record<string, string[]>> {
  const under = (p: string) => join(r.root, p);
  const dnsmasqConf = under('etc/dnsmasq.d/dlan.conf');
  const birdConf = under('etc/bird/bird.conf');
  const nginxConf = under('etc/dlan/nginx/nginx.conf');
  return {
    dnsmasq: {
      // forks; --conf-file only: the host's /etc/dnsmasq.conf is not this router's
      start: ['dnsmasq', `--conf-file=${dnsmasqConf}`, `--pid-file=${DNSMASQ_PID}`],
      reload: ['pkill', '-HUP', '-F', DNSMASQ_PID],
      stop: ['pkill', '-TERM', '-F', DNSMASQ_PID],
      check: ['pgrep', '-F', DNSMASQ_PID],
    },
    bird: {
      start: ['bird', '-c', birdConf, '-s', BIRD_SOCKET, '-P', BIRD_PID],
      reload: ['birdc', '-s', BIRD_SOCKET, 'configure'],
      stop: ['birdc', '-s', BIRD_SOCKET, 'down'],
      check: ['birdc', '-s', BIRD_SOCKET, 'show', 'status'],
    },
    nginx: {
      start: ['nginx', '-c', nginxConf],
      reload: ['nginx', '-c', nginxConf, '-s', 'reload'],
      stop: ['nginx', '-c', nginxConf, '-s', 'quit'],
      check: ['pgrep', '-F', under(LINUX_RUNTIME.nginxPid)],
    },
  };
}

/** Writes the table and the folders the daemons write into. */
export function writeLabServiceTable(r: LabRouter): void {
  for (const d of ['etc/dlan', 'var/lib/misc', 'var/log/dlan', 'run']) mkdirSync(join(r.root, d), { recursive: true });
  writeFileSync(join(r.root, 'etc/dlan/services.json'), `${JSON.stringify(labServiceTable(r), null, 2)}\n`);
}
