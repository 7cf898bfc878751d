// `dlan-agent init` on a router that has the package's /etc/config/dlan-agent (a conffile, mode
// 0600, every option explained in a comment, `option mode 'daemon'`): init sets the agent's
// options in place and keeps the comments, the file's mode and the chosen service mode, unless
// --schedule says otherwise.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openwrtBackend } from '../../agent/backend/openwrt/openwrt-backend.ts';
import { createNodeHost, createNodeLog } from '../../agent/host/node-host.ts';
import { loadSettings } from '../../agent/settings/settings-file.ts';
import { Router } from './support/harness.ts';

const packaged = readFileSync(join(import.meta.dirname, '..', '..', 'openwrt-package', 'files', 'dlan-agent.config'), 'utf8');
const SIGNER = 'admin@example.net ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFyMCnoBSxjY+HUFWOoFZkLP0YJA3vQqmJJt42ZQ4bsN';

function packagedRouter(): { r: Router; cfg: string } {
  const r = new Router(openwrtBackend);
  mkdirSync(join(r.root, 'etc/config'), { recursive: true });
  writeFileSync(join(r.root, 'etc/openwrt_release'), "DISTRIB_ID='OpenWrt'\n");
  const cfg = join(r.root, 'etc/config/dlan-agent');
  writeFileSync(cfg, packaged);
  chmodSync(cfg, 0o600);
  return { r, cfg };
}

const comments = (text: string) => text.split('\n').filter((l) => /^\s*# /.test(l));

test('init keeps the packaged settings file: its comments, mode 0600 and daemon mode', async () => {
  const { r, cfg } = packagedRouter();
  const init = await r.cli('init', '--repo', 'https://git.example.net/net/mesh.git', '--router', 'r1', '--verify', 'ssh', '--allowed-signer', SIGNER);
  assert.equal(init.code, 0, init.stderr);
  const text = readFileSync(cfg, 'utf8');
  assert.deepEqual(comments(text), comments(packaged), 'every explaining comment is still there');
  assert.equal(statSync(cfg).mode & 0o777, 0o600);
  assert.match(text, /^\toption mode 'daemon'$/m, 'the service mode the router had');
  // The options sit where the file documents them.
  assert.match(text, /# Git URL of the config repo \(https, ssh or file\)\. Required\.\n\toption repo 'https:\/\/git\.example\.net\/net\/mesh\.git'\n/);
  assert.match(text, /\toption verify 'ssh'\n/);
  assert.match(text, /\tlist allowed_signers '[^']+'\n/);
  const loaded = await loadSettings(createNodeHost({ log: createNodeLog({ minLevel: 'error' }) }), r.root);
  assert.ok(loaded.ok, loaded.ok ? '' : loaded.errors.join('\n'));
  assert.equal(loaded.settings.repo, 'https://git.example.net/net/mesh.git');
  assert.equal(loaded.settings.router, 'r1');
  assert.deepEqual(loaded.settings.allowedSigners, [SIGNER]);
  assert.equal(loaded.settings.interval, 300, 'options init was not given keep their value');

  // Run again with a changed option: one line changes, nothing else.
  const again = await r.cli('init', '--interval', '600');
  assert.equal(again.code, 0, again.stderr);
  assert.equal(readFileSync(cfg, 'utf8'), text.replace("option interval '300'", "option interval '600'"));
});

test('init --schedule cron switches the service mode; without --schedule the chosen mode stays', async () => {
  const { r, cfg } = packagedRouter();
  assert.equal((await r.cli('init', '--repo', 'https://git.example.net/net/mesh.git', '--router', 'r1', '--schedule', 'cron')).code, 0);
  assert.match(readFileSync(cfg, 'utf8'), /^\toption mode 'cron'$/m);
  assert.match(readFileSync(join(r.root, 'etc/crontabs/root'), 'utf8'), /dlan-agent sync --jitter/);
  assert.equal((await r.cli('init', '--router', 'r2')).code, 0);
  assert.match(readFileSync(cfg, 'utf8'), /^\toption mode 'cron'$/m, 'kept: not told otherwise');
  assert.equal(statSync(cfg).mode & 0o777, 0o600);
});

test('init on a settings file uci cannot read: the error names the file, line and reason, and the file stays as it was', async () => {
  const { r, cfg } = packagedRouter();
  const broken = `${packaged}\nconfig agent 'main'\n\toption repo 'https://unterminated\n`;
  writeFileSync(cfg, broken);
  const init = await r.cli('init', '--repo', 'https://git.example.net/net/mesh.git', '--router', 'r1');
  assert.equal(init.code, 1);
  assert.match(init.stderr, new RegExp(`dlan-agent init: ${cfg.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: EOF with unterminated ' at line \\d+, byte \\d+\\n`));
  assert.equal(readFileSync(cfg, 'utf8'), broken);
});
