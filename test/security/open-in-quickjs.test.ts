// The router side of sealed secrets runs where routers run: bundled for platform neutral (as the
// QuickJS bundle is) and evaluated inside a real QuickJS engine, openLinkSecrets opens keys sealed
// by node (and by the reference age implementation) and refuses a stranger's identity.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { build } from 'esbuild';
import { getQuickJS } from 'quickjs-emscripten';
import * as age from 'age-encryption';
import { encryptAgeArmored } from '../../agent/secrets/age-encrypt.ts';
import { formatIdentity, parseIdentity, parseRecipient } from '../../agent/secrets/age-keys.ts';
import { ROOT } from '../validate/validate-support.ts';

async function bundle(): Promise<string> {
  const r = await build({
    stdin: {
      contents: `export { openLinkSecrets } from './agent/secrets/open-link-secrets.ts'; export { parseIdentityFile } from './agent/secrets/age-keys.ts';`,
      resolveDir: ROOT,
      loader: 'ts',
    },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    target: 'es2020',
    logLevel: 'silent',
  });
  return r.outputFiles[0]!.text;
}

test('openLinkSecrets inside QuickJS opens what node and the reference implementation sealed', async () => {
  const me = parseIdentity(formatIdentity(new Uint8Array(randomBytes(32))));
  const peer = parseIdentity(formatIdentity(new Uint8Array(randomBytes(32))));
  const stranger = parseIdentity(formatIdentity(new Uint8Array(randomBytes(32))));
  const pskA = new Uint8Array(randomBytes(32));
  const pskB = new Uint8Array(randomBytes(32));
  const sealedA = await encryptAgeArmored(pskA, [peer.publicKey, me.publicKey], async (n) => new Uint8Array(randomBytes(n)));
  const e = new age.Encrypter();
  e.addRecipient(me.recipient);
  const sealedB = age.armor.encode(await e.encrypt(pskB));
  const state = {
    schema: 1,
    router: 'r1',
    links: [
      { peer: 'r2', sealedPresharedKey: sealedA },
      { peer: 'r3', sealedPresharedKey: sealedB },
      { peer: 'r4' },
    ],
  };
  const input = { state, me: `# public key: ${me.recipient}\n${formatIdentity(me.secret)}\n`, stranger: formatIdentity(stranger.secret) };

  const QuickJS = await getQuickJS();
  const runtime = QuickJS.newRuntime();
  const code = await bundle();
  runtime.setModuleLoader((name) => (name === 'dlan-secrets' ? code : { error: new Error(`no module ${name}`) }));
  const vm = runtime.newContext();
  try {
    vm.setProp(vm.global, '__in', vm.newString(JSON.stringify(input)));
    const evaluated = vm.evalCode(
      `import { openLinkSecrets, parseIdentityFile } from 'dlan-secrets';
       const input = JSON.parse(globalThis.__in);
       const opened = openLinkSecrets(input.state, 'r1', parseIdentityFile(input.me, 'age.key'));
       let refused = '';
       try { openLinkSecrets(input.state, 'r1', parseIdentityFile(input.stranger, 'other.key')); } catch (e) { refused = String(e.message); }
       globalThis.__out = JSON.stringify({ opened, refused, hasCrypto: typeof globalThis.crypto });`,
      'open-probe.js',
      { type: 'module' },
    );
    vm.unwrapResult(evaluated).dispose();
    runtime.executePendingJobs();
    const out = vm.getProp(vm.global, '__out');
    const got = JSON.parse(vm.getString(out)) as { opened: Record<string, string>; refused: string; hasCrypto: string };
    out.dispose();
    assert.equal(got.hasCrypto, 'undefined', 'QuickJS has no WebCrypto: opening needs none');
    assert.deepEqual(got.opened, { r2: Buffer.from(pskA).toString('base64'), r3: Buffer.from(pskB).toString('base64') });
    assert.match(got.refused, /cannot open the sealed preshared key of 2 links/);
    assert.match(got.refused, /link r1–r2: it was not sealed for this identity/);
    assert.ok(parseRecipient(me.recipient));
  } finally {
    vm.dispose();
    runtime.dispose();
  }
});
