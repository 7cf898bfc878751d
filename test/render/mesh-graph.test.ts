import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../agent/config/load-config.ts';
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
