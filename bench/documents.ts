// `npm run bench -- --documents`: the CPU one document costs the gateway before anything runs (the bounds check,
// then Apollo's parse and graphql-js's validation, then the Graph-call count), for documents built to be
// expensive, within the bounds and beyond them. In-process and single-threaded: no load generator is involved.
import 'reflect-metadata';
import { getOperationAST, parse, specifiedRules, validate } from 'graphql';
import { createDocumentBounds, DOCUMENT_BOUNDS } from '../src/graphql/cost/document-bounds';
import { countGraphCalls } from '../src/graphql/cost/graph-call-limit';
import { buildGatewaySchema } from '../src/graphql/schema/schema';
import { distinctAliases, fragmentDoubling, fragmentPairs, inlineDoubling, repeatedField, SESSION_READ } from '../test/support/costly-documents';
import { KEY } from './seed';

const SESSION = SESSION_READ(KEY);
const VARIABLE_SESSION = 'uploadSession(catalogId: $c, resourceId: $c, uploadSessionId: $c) { id }';
const RUNS = 7;

const CORPUS: [string, string][] = [
  ['fragment doubling, 40 levels (__typename)', fragmentDoubling('__typename')],
  ['fragment doubling, 40 levels (session read)', fragmentDoubling(SESSION)],
  ['inline doubling, 6 levels', inlineDoubling(SESSION, 6)],
  ['inline doubling, 12 levels (880 KB)', inlineDoubling(SESSION, 12)],
  ['q{a} ×400 (2 KB)', repeatedField('q{a}', 400)],
  ['session read ×20, one response name', repeatedField(`s: ${SESSION}`, 20)],
  ['session read ×21, one response name', repeatedField(`s: ${SESSION}`, 21)],
  ['__typename ×20 in 9 nested sets', `{ ${Array.from({ length: 9 }, (_, i) => `a${i}: ${SESSION.replace('{ id }', `{ files { ${'name '.repeat(20)}} }`)}`).join(' ')} }`],
  ['aliases ×50 of __typename', distinctAliases('__typename', 50)],
  ['aliases ×40 of the session read', distinctAliases(SESSION, 40)],
  ['aliases ×40,000 (700 KB)', distinctAliases('__typename', 40_000)],
  ['10 fragments × 15 same fields, spread together', fragmentPairs(VARIABLE_SESSION, 10, 15)],
  ['8 fragments × 12 same fields (within bounds)', fragmentPairs(VARIABLE_SESSION, 8, 12)],
  ['20 fragments × 5 unknown fields', fragmentPairs('x{y}', 20, 5)],
];

export function runDocumentsBench(print: (line: string) => void): void {
  const schema = buildGatewaySchema();
  print(`bounds: ${JSON.stringify(DOCUMENT_BOUNDS)}; each document ${RUNS} times, median CPU ms (user + system)`);
  let worstServed = 0;
  for (const [name, query] of CORPUS) {
    const samples: number[] = [];
    let verdict = '';
    for (let run = 0; run < RUNS; run++) {
      const bounds = createDocumentBounds(); // a fresh cache: the first sight of a document, the costly one
      const start = process.cpuUsage();
      verdict = judge(schema, bounds, query);
      const used = process.cpuUsage(start);
      samples.push((used.user + used.system) / 1000);
    }
    const ms = samples.sort((a, b) => a - b)[RUNS >> 1]!;
    if (!verdict.startsWith('refused')) worstServed = Math.max(worstServed, ms);
    print(`${name.padEnd(48)} ${String(query.length).padStart(7)} B ${ms.toFixed(2).padStart(8)} ms  ${verdict}`);
  }
  print(`worst document let through to execution: ${worstServed.toFixed(2)} ms`);
}

/** What the gateway does with one document before running it, and what it decided. */
function judge(schema: ReturnType<typeof buildGatewaySchema>, bounds: (query: string) => string | undefined, query: string): string {
  const reason = bounds(query);
  if (reason) return `refused: ${reason}`;
  let document;
  try {
    document = parse(query, { maxTokens: DOCUMENT_BOUNDS.maxTokens });
  } catch (error) {
    return `refused: ${(error as Error).message}`;
  }
  const errors = validate(schema, document, specifiedRules);
  if (errors.length > 0) return `refused: ${errors.length} validation errors`;
  const calls = countGraphCalls(schema, document, getOperationAST(document)!, { c: KEY.catalogId });
  return `validated; ${calls} Graph calls counted`;
}
