// Codegen plugin: the persisted-documents manifest, `{ sha256(document): document }`, one entry per operation.
// The document is exactly what `print()` makes of the TypedDocumentNode in generated.ts (the operation, then
// the fragments it uses), so a frontend's text or APQ hash of a generated document is found here.
const { createHash } = require('node:crypto');
const { Kind, print, visit } = require('graphql');

function plugin(_schema, documents) {
  const definitions = documents.flatMap(({ document }) => (document ? document.definitions : []));
  const fragments = new Map(
    definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION).map((fragment) => [fragment.name.value, fragment]),
  );
  const manifest = {};
  for (const operation of definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION)) {
    const text = print({ kind: Kind.DOCUMENT, definitions: [operation, ...usedFragments(operation, fragments)] });
    manifest[createHash('sha256').update(text).digest('hex')] = text;
  }
  const sorted = Object.fromEntries(Object.entries(manifest).sort(([a], [b]) => a.localeCompare(b)));
  return JSON.stringify(sorted, null, 2) + '\n';
}

/** The fragments an operation spreads, directly or through other fragments, in first-use order. */
function usedFragments(root, fragments) {
  const used = new Map();
  const walk = (node) =>
    visit(node, {
      FragmentSpread(spread) {
        const fragment = fragments.get(spread.name.value);
        if (!fragment || used.has(fragment.name.value)) return;
        used.set(fragment.name.value, fragment);
        walk(fragment);
      },
    });
  walk(root);
  return [...used.values()];
}

module.exports = { plugin };
