// TCP connect scan (plain JS, run inside dlan-client): prints {"<host>": [open ports]} as JSON.
// usage: node tcp-scan.mjs FIRST_PORT LAST_PORT TIMEOUT_MS HOST...
import net from 'node:net';

const [first, last, timeoutMs, ...hosts] = process.argv.slice(2);
const from = Number(first);
const to = Number(last);
const timeout = Number(timeoutMs);
const CONCURRENCY = 3000;

const jobs = hosts.flatMap((h) => Array.from({ length: to - from + 1 }, (_, i) => [h, from + i]));
const open = Object.fromEntries(hosts.map((h) => [h, []]));

function probe(host, port) {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (isOpen) => {
      s.destroy();
      if (isOpen) open[host].push(port);
      resolve();
    };
    s.setTimeout(timeout, () => done(false));
    s.on('connect', () => done(true));
    s.on('error', () => done(false));
  });
}

let next = 0;
async function worker() {
  while (next < jobs.length) {
    const [h, p] = jobs[next++];
    await probe(h, p);
  }
}
await Promise.all(Array.from({ length: CONCURRENCY }, worker));
for (const h of hosts) open[h].sort((a, b) => a - b);
console.log(JSON.stringify(open));
