import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../agent/load/load-config.ts';
import { renderMeshGraph } from '../../agent/render/graph/render-mesh-graph.ts';

const text = readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'reference', 'dlan.yaml'), 'utf8');
const loaded = loadConfig([{ path: 'dlan.yaml', text }]);
if (!loaded.ok) throw new Error('reference invalid');

test('mermaid: arrows from the dialing router, both ways between the hubs, services attached', () => {
  const m = renderMeshGraph(loaded.config, 'mermaid');
  assert.match(m, /^flowchart LR\n/);
  assert.match(m, /\n {2}r1 -->\|"cost 10"\| r4\n/);
  assert.match(m, /\n {2}r4 <-->\|"cost 10"\| r5\n/);
  assert.match(m, /\n {2}r2 -->\|"cost 5"\| r3\n/, 'r2 dials r3 on the home LAN');
  assert.doesNotMatch(m, /r4 -->\|[^|]*\| r1/);
  assert.match(m, /svc_dns_game\(\["dns-game: udp 27015"\]\)\n {2}svc_dns_game -\.- r4\n/);
  assert.match(m, /r4\["r4 \(id 4\)<br\/>203\.0\.113\.4"\]/);
});

test('dot: the same mesh for graphviz', () => {
  const d = renderMeshGraph(loaded.config, 'dot');
  assert.match(d, /^digraph dlan \{/);
  assert.match(d, /"r4" -> "r5" \[label="cost 10", dir=both\];/);
  assert.match(d, /"r1" -> "r4" \[label="cost 10"\];/);
  assert.match(d, /"svc:web" -> "r5" \[style=dashed, arrowhead=none\];/);
  assert.equal(d.trim().endsWith('}'), true);
});

test('roaming clients: an arrow to the home router, a dotted one to a separate egress', () => {
  const dir = join(import.meta.dirname, '..', '..', 'examples', 'roaming-client');
  const r = loadConfig([{ path: 'dlan.yaml', text: readFileSync(join(dir, 'dlan.yaml'), 'utf8') }]);
  if (!r.ok) throw new Error('roaming-client example invalid');
  const m = renderMeshGraph(r.config, 'mermaid');
  assert.match(m, /\n {2}client_phone\[\/"phone \(client \d+\)<br\/>10\.1\.2\.\d+"\/\]\n {2}client_phone -->\|"home"\| cloud\n {2}client_phone -\.->\|"internet"\| office\n/);
  assert.match(m, /\n {2}client_laptop -->\|"home"\| cloud\n/);
  assert.doesNotMatch(m, /client_laptop -\.->/, 'the laptop sends only mesh traffic');
  assert.doesNotMatch(m, /client_tablet -\.->/, "the tablet's egress is its home: one arrow");
  const d = renderMeshGraph(r.config, 'dot');
  assert.match(d, /"client:phone" -> "office" \[label="internet", style=dotted\];/);
  assert.match(d, /"client:tablet" \[shape=parallelogram, label="tablet \(client \d+\)\\n10\.1\.2\.\d+"\];/);
  assert.equal(renderMeshGraph(loaded.config, 'mermaid').includes('client_'), false, 'no client nodes without clients');
});
