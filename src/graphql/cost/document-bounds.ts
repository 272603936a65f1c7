import { Kind, parse, visit, type DocumentNode, type SelectionNode } from 'graphql';
import { LRUCache } from 'lru-cache';

/**
 * How large a document the gateway parses and validates. graphql-js's parse is linear, but some of its
 * validation rules are not: OverlappingFieldsCanBeMerged compares every pair of fields that share a response
 * name, so 2 KB of `{ q{a} q{a} … }` costs ~100 ms, and 700 KB of aliases ~0.5 s. The figures behind
 * these numbers are in docs/errors.md ("Document bounds"); the largest document the gateway's own clients
 * send (the console's introspection query) is about 300 tokens and 60 fields.
 */
export const DOCUMENT_BOUNDS = {
  /** Lexical tokens in one document (Apollo's `parseOptions.maxTokens`: parsing stops there). */
  maxTokens: 2_000,
  /** Fields as written (a fragment's fields once, however often it is spread). */
  maxFields: 200,
  /** Fields given an alias. */
  maxAliases: 50,
  /** Fields with one response name in one selection set (its inline fragments included). */
  maxSameResponseName: 20,
} as const;

/** Why a document is refused before validation, or `undefined` when it is within the bounds. */
export function exceedsBounds(document: DocumentNode, bounds = DOCUMENT_BOUNDS): string | undefined {
  let fields = 0;
  let aliases = 0;
  let repeated: string | undefined;
  visit(document, {
    Field(field) {
      fields += 1;
      if (field.alias) aliases += 1;
    },
    SelectionSet(selectionSet) {
      repeated ??= repeatedResponseName(selectionSet.selections, bounds.maxSameResponseName);
    },
  });
  if (fields > bounds.maxFields) return `The document selects ${fields} fields; at most ${bounds.maxFields} are accepted.`;
  if (aliases > bounds.maxAliases) return `The document has ${aliases} aliases; at most ${bounds.maxAliases} are accepted.`;
  if (repeated) return `The document selects "${repeated}" more than ${bounds.maxSameResponseName} times in one selection set.`;
  return undefined;
}

function repeatedResponseName(selections: readonly SelectionNode[], max: number): string | undefined {
  const seen = new Map<string, number>();
  const walk = (list: readonly SelectionNode[]): string | undefined => {
    for (const selection of list) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const found = walk(selection.selectionSet.selections);
        if (found) return found;
      } else if (selection.kind === Kind.FIELD) {
        const name = (selection.alias ?? selection.name).value;
        const times = (seen.get(name) ?? 0) + 1;
        if (times > max) return name;
        seen.set(name, times);
      }
    }
    return undefined;
  };
  return walk(selections);
}

/**
 * Whether a document's text is within the bounds: the reason to refuse it, or `undefined` (also when it does not
 * parse: Apollo then answers with its own syntax error, parsing with the same token bound). It runs in the
 * handler, before Apollo: Apollo offers no hook between parsing and validation that can refuse (an error
 * thrown there answers 500). Documents found within the bounds are remembered, so a repeated document
 * (a typed client's) is parsed once here, as Apollo parses it once.
 */
export function createDocumentBounds(bounds = DOCUMENT_BOUNDS): (query: string) => string | undefined {
  const withinBounds = new LRUCache<string, true>({ max: 1_000, maxSize: 4_000_000, sizeCalculation: (_, query) => query.length || 1 });
  return (query) => {
    // get, not has: a hit refreshes the document's place, so the documents in use stay cached.
    if (withinBounds.get(query)) return undefined;
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: bounds.maxTokens, noLocation: true });
    } catch {
      return undefined;
    }
    const reason = exceedsBounds(document, bounds);
    if (reason === undefined) withinBounds.set(query, true);
    return reason;
  };
}
