// Stand-in for the yaml package's writer (stringify/*) in the QuickJS bundle (~10 KB). The router
// only reads YAML: the config is parsed and turned into plain values (doc.toJS), and a mapping key
// that is not a plain scalar is refused before that (NON_STRING_KEY, agent/config/parse-yaml-file.ts),
// so the writer is never reached; Document.toString and friends stay in the node build. Should a
// future code path reach it, it fails loudly instead of writing something wrong.
const unused = () => {
  throw new Error('writing YAML is not part of the router (QuickJS) build');
};
export const createStringifyContext = unused;
export const stringify = unused;
export const stringifyCollection = unused;
export const stringifyDocument = unused;
export const stringifyPair = unused;
export const stringifyString = unused;
export const foldFlowLines = unused;
export const FOLD_BLOCK = 'block';
export const FOLD_FLOW = 'flow';
export const FOLD_QUOTED = 'quoted';
