// `uninstall` takes the schedule away with what dlan owns (issue #12 item 11): it used to leave
// the cron line and the service, so the next run rebuilt the whole mesh. On a stock OpenWrt tree
// (the uci test double as DLAN_UCI): init in cron mode, uninstall, no cron line left, the
// package's service section says enabled '0' (its init script would write the line back), and
// uninstall says what it did.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseUciFile } from '../../agent/settings/uci-file.ts';
import { makeStockRoot, useUciDoubleDirectly } from '../backend-openwrt/support/openwrt-root.ts';
import { ConfigRepo } from './support/config-repo.ts';
import { fakeBackend } from './support/fake-backend.ts';
import { Router } from './support/harness.ts';


test('uninstall removes the cron line and disables the service, and says so', { timeout: 120_000 }, async () => {
  useUciDoubleDirectly();
  try {
    const r = new Router(fakeBackend(), { root: makeStockRoot() });
    const crontab = join(r.root, 'etc/crontabs/root');
    mkdirSync(join(r.root, 'etc/crontabs'), { recursive: true });
    writeFileSync(crontab, '0 3 * * * /usr/bin/backup\n');
    const repo = new ConfigRepo();
    assert.equal((await r.cli('init', '--repo', repo.url, '--router', 'solo', '--schedule', 'cron')).code, 0);
    assert.match(readFileSync(crontab, 'utf8'), /dlan-agent sync/);

    const u = await r.cli('uninstall');
    assert.equal(u.code, 0, u.stderr);
    assert.equal(readFileSync(crontab, 'utf8'), '0 3 * * * /usr/bin/backup\n', 'only the dlan-agent lines are gone');
    const service = parseUciFile(readFileSync(join(r.root, 'etc/config/dlan-agent'), 'utf8')).find((s) => s.type === 'service');
    assert.equal(service?.options.enabled, '0', 'the init script will not write the cron line back');
    assert.match(u.stderr, /schedule removed .*crontabs\/root.*\/etc\/init\.d\/dlan-agent stop; \/etc\/init\.d\/dlan-agent disable/);
  } finally {
    delete process.env.DLAN_UCI;
  }
});
