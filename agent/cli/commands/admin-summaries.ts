// One-line summaries of the admin-side commands, shared by the commands themselves and by the
// stand-ins the QuickJS build uses in their place (build/qjs-stubs), so `--help` is the same text
// in both builds.
export const ADMIN_SUMMARIES = {
  seal: "create or rotate the links' preshared keys, sealed for their two routers (admin side)",
  review: 'show what a config change does to every router (for pull requests)',
  graph: 'draw the mesh (routers, links, who dials whom, services) as Mermaid or DOT',
  'client-config': "print a roaming VPN client's wg-quick file (without its private key)",
} as const;
