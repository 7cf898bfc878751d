// Generators for the injection properties: configs whose every free-form string sits at the edge
// of what the schema allows (longest labels, `-`, `_`, `.`, digits, upper case where allowed, SSH
// comments full of shell and config punctuation), and the list of those strings with their paths,
// so that a test can swap any one of them for a hostile variant.
import fc from 'fast-check';

/** Characters that would be syntax in at least one target (UCI, bird, nginx, dnsmasq, nft, sshd). */
export const DANGER = [';', '{', '}', '"', "'", '\\', '\n', '\r', '\t', '\u0000', '\u001b', '\u007f', '`', ' ', '#', '$', '/', '=', ',', '[', ']', '*', '|', '&', '<', '>', '!', '\u202e'];
/** What an SSH key comment may not hold (it may hold spaces, `#`, `$`, `|`…: it is a comment). */
export const SSH_COMMENT_DANGER = [';', '{', '}', '"', "'", '\\', '\n', '\r', '\t', '\u0000', '\u001b', '\u007f', '`'];

const lower = 'abcdefghijklmnopqrstuvwxyz0123456789';
const pick = (chars: string) => fc.constantFrom(...chars.split(''));
const str = (chars: string, min: number, max: number) => fc.string({ unit: pick(chars), minLength: min, maxLength: max });

/** A DNS label: [a-z0-9] ends, `-` inside, 1..max characters. */
export const label = (max = 63) =>
  fc.oneof(pick(lower), fc.tuple(pick(lower), str(`${lower}-`, 0, max - 2), pick(lower)).map(([a, m, b]) => `${a}${m}${b}`));
const recordLabel = fc.tuple(pick(`${lower}ABCXYZ_`), str(`${lower}ABCXYZ_-`, 0, 20), pick(`${lower}ABCXYZ_`)).map(([a, m, b]) => `${a}${m}${b}`);
const device = fc.tuple(pick('abcdeABC019'), str('abcdeABC019_.-', 0, 14)).map(([a, b]) => `${a}${b}`);
const commentChar = fc.constantFrom(...' abcXYZ019#$%&()*+,-./:<=>?@[]^_|~!'.split(''));

export interface Field {
  /** YAML path as the loader prints it. */
  path: string;
  /** Where the value sits in the config object. */
  at: (string | number)[];
  value: string;
  /** Characters that must be refused in this field. */
  danger: string[];
}

export interface GeneratedConfig {
  config: Record<string, unknown>;
  fields: Field[];
}

const KEYS = ['r/fqVyIhTD3x75i1E7GC8RJqJQBnDKpyGOTlu8L9THY=', 'O0eQM2jqBhNqXjWRdQ0/EWBgHHEMAklQN5L4W/CvFGw='];

/** Two routers, a link, LAN with leases, records, services and SSH keys, all strings at the edge. */
export const edgeConfig: fc.Arbitrary<GeneratedConfig> = fc
  .record({
    domain: fc.array(label(20), { minLength: 1, maxLength: 3 }).map((ls) => ls.join('.')),
    names: fc.uniqueArray(label(20), { minLength: 2, maxLength: 2 }),
    wanA: device,
    lanA: device,
    wanB: device,
    leases: fc.uniqueArray(label(63), { minLength: 1, maxLength: 2 }),
    records: fc.array(fc.array(recordLabel, { minLength: 1, maxLength: 3 }).map((ls) => ls.join('.')), { maxLength: 3 }),
    service: fc.tuple(pick(lower), str(`${lower}_-`, 0, 31)).map(([a, b]) => `${a}${b}`),
    // The last label has a letter: an all-digit one makes the host read as an IPv4 address.
    endpointHost: fc.tuple(fc.array(label(20), { maxLength: 2 }), label(20).filter((l) => /[a-z]/.test(l))).map(([ls, last]) => [...ls, last].join('.')),
    comments: fc.array(fc.string({ unit: commentChar, minLength: 0, maxLength: 40 }), { minLength: 1, maxLength: 2 }),
    leaseTime: fc.constantFrom('12h', '30m', '1d', 'infinite', '3600', '2w'),
  })
  .filter((g) => g.wanA !== g.lanA)
  .map((g): GeneratedConfig => {
    const [a, b] = g.names as [string, string];
    const fields: Field[] = [];
    const f = (path: string, at: (string | number)[], value: string, danger = DANGER) => {
      fields.push({ path, at, value, danger });
      return value;
    };
    const config = {
      version: 1,
      domain: f('domain', ['domain'], g.domain),
      dns: {
        upstream: ['9.9.9.9'],
        records: g.records.map((name, i) => ({ name: f(`dns.records[${i}].name`, ['dns', 'records', i, 'name'], name), address: `10.9.0.${i + 1}` })),
      },
      admin: {
        ssh_keys: g.comments.map((c, i) => {
          const key = `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBkGqkp0bnGkSGrWhHPZ8JzT0pP8gJvv7JdQ9lJdQ7J${i}${c.trim() ? ` ${c.trim()}` : ''}`;
          return f(`admin.ssh_keys[${i}]`, ['admin', 'ssh_keys', i], key, SSH_COMMENT_DANGER);
        }),
        ssh_from_wan: true,
      },
      routers: {
        [a]: {
          id: 1,
          public_key: KEYS[0],
          wan: [{ device: f(`routers.${a}.wan[0].device`, ['routers', a, 'wan', 0, 'device'], g.wanA) }],
          lan: [
            {
              device: f(`routers.${a}.lan[0].device`, ['routers', a, 'lan', 0, 'device'], g.lanA),
              ipv4: '10.2.0.0/24',
              ipv6: 'fd79:2de7:db86::/64',
              dhcp: { lease_time: f(`routers.${a}.lan[0].dhcp.lease_time`, ['routers', a, 'lan', 0, 'dhcp', 'lease_time'], g.leaseTime) },
              leases: g.leases.flatMap((name, i) => [
                { mac: `52:54:00:5a:bf:0${i}`, host: 2 + i, name: f(`routers.${a}.lan[0].leases[${2 * i}].name`, ['routers', a, 'lan', 0, 'leases', 2 * i, 'name'], name) },
                { duid: `0001000126${i}c6a195254005abf0b`, host: 2 + i, name },
              ]),
            },
          ],
        },
        [b]: {
          id: 2,
          public_key: KEYS[1],
          endpoint: f(`routers.${b}.endpoint`, ['routers', b, 'endpoint'], `${g.endpointHost}:51821`),
          wan: [{ device: f(`routers.${b}.wan[0].device`, ['routers', b, 'wan', 0, 'device'], g.wanB), ipv4: '203.0.113.2/24', gateway_ipv4: '203.0.113.1' }],
        },
      },
      links: [[a, b]],
      services: [
        {
          name: f('services[0].name', ['services', 0, 'name'], g.service),
          protocol: 'tcp',
          routers: [b],
          listen: [f('services[0].listen[0]', ['services', 0, 'listen', 0], '8080'), '[::]:8080'],
          upstreams: [f('services[0].upstreams[0]', ['services', 0, 'upstreams', 0], '10.2.0.2:80'), '[fd79:2de7:db86::2]:80'],
          proxy_protocol: true,
        },
      ],
      monitoring: { nginx_status_port: 1337 },
    };
    return { config, fields };
  });

/** The config with the value at `at` replaced. */
export function withValue(config: Record<string, unknown>, at: (string | number)[], value: string): Record<string, unknown> {
  const copy = structuredClone(config);
  let cur: Record<string | number, unknown> = copy;
  for (const seg of at.slice(0, -1)) cur = cur[seg] as Record<string | number, unknown>;
  cur[at[at.length - 1]!] = value;
  return copy;
}
