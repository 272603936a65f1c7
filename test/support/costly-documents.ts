/**
 * Documents built to cost a GraphQL server CPU out of proportion to their size: the attacks the document bounds
 * (src/graphql/cost/document-bounds.ts) and the Graph-call count answer. Used by the end-to-end test and by
 * `npm run bench -- --documents`, which measures what each costs.
 */

export const SESSION_READ = (ids: { catalogId: string; resourceId: string; uploadSessionId: string }) =>
  `uploadSession(catalogId: "${ids.catalogId}", resourceId: "${ids.resourceId}", uploadSessionId: "${ids.uploadSessionId}") { id }`;

/** `depth + 1` fragments, each spreading the one before twice: 2 KB of text at depth 39, 2^40 fields once expanded. */
export function fragmentDoubling(bottom: string, depth = 39): string {
  let text = `query { ...F${depth} }\nfragment F0 on Query { ${bottom} }\n`;
  for (let k = 1; k <= depth; k++) text += `fragment F${k} on Query { ...F${k - 1} ...F${k - 1} a${k}: __typename }\n`;
  return text;
}

/** The doubling with inline fragments: the text doubles with each level. */
export function inlineDoubling(bottom: string, depth: number): string {
  let selection = bottom;
  for (let k = 0; k < depth; k++) selection = `... on Query { ${selection} } ... on Query { ${selection} }`;
  return `query { ${selection} }`;
}

/** One field written `times` times in one selection set: OverlappingFieldsCanBeMerged compares every pair. */
export const repeatedField = (field: string, times: number) => `{${` ${field}`.repeat(times)} }`;

/** `times` distinct aliases of one field. */
export const distinctAliases = (field: string, times: number) => `{${Array.from({ length: times }, (_, i) => ` a${i}: ${field}`).join('')} }`;

/** `fragments` fragments of `perFragment` same-named fields, all spread in one selection set: every pair of fragments is compared. */
export function fragmentPairs(field: string, fragments: number, perFragment: number): string {
  let text = `query ($c: ID!) { ${Array.from({ length: fragments }, (_, i) => `...F${i}`).join(' ')} }\n`;
  for (let i = 0; i < fragments; i++) text += `fragment F${i} on Query { ${`${field} `.repeat(perFragment)}}\n`;
  return text;
}
