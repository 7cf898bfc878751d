// FNV-1a, 32 bits, as 8 hex digits: a short, dependency-free, stable digest for change detection
// (the nft ruleset comment, a plan's fingerprint, the render record). Not for security.
export function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}
