import type { DocumentNode, ExecutionResult, GraphQLError, GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';
import type { GatewayContext } from './context';
import type { OperationRecorder } from './apollo';

export interface KnownOperationsOptions {
  schema: GraphQLSchema;
  /** The same function Apollo formats errors with. */
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** Metrics, the operation's log line and the end of its span, as Apollo's plugin records them. */
  record: OperationRecorder;
  /** Sees the raw errors first, as Apollo's didEncounterErrors hook does (to log gateway bugs). */
  onErrors: (errors: readonly GraphQLError[], context: GatewayContext) => void;
  /** How many distinct operations are remembered; the least recently run is forgotten first. Default 500. */
  limit?: number;
  /** Longer documents are never remembered (bounds memory at limit × this). Default 16 KB. */
  maxQueryLength?: number;
}

interface PostBody {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/**
 * Operations that Apollo has already parsed, validated (every rule, the Graph-call limit and production's
 * no-introspection rule included) and resolved for a JSON POST, run again without Apollo, compiled to a
 * function by graphql-jit. Apollo's request pipeline costs more CPU per request than the execution itself,
 * and graphql-js's interpreter walks the document on every run; clients send the same few documents over
 * and over: what is decided per document is decided once, and reused.
 * The caller is authenticated before either path runs (the context is built first). Anything that is
 * not plainly a repeat of such an operation (a new document, extensions such as APQ, variables that do
 * not coerce) is answered by Apollo as before.
 */
export class KnownOperations {
  private readonly documents: LRUCache<string, { query: CompiledQuery; name: string | undefined }>;
  private readonly maxQueryLength: number;

  constructor(private readonly options: KnownOperationsOptions) {
    this.documents = new LRUCache({ max: options.limit ?? 500 });
    this.maxQueryLength = options.maxQueryLength ?? 16_384;
  }

  /** `resolvedName` is the operation's own name, which Apollo reports even when the request named none. */
  remember(query: string, operationName: string | null | undefined, document: DocumentNode, resolvedName: string | null | undefined): void {
    if (query.length > this.maxQueryLength) return;
    const key = keyOf(query, operationName);
    if (this.documents.has(key)) return;
    const compiled = compileQuery(this.options.schema, document, operationName ?? undefined);
    if (!isCompiledQuery(compiled)) return; // graphql-jit declined it: Apollo keeps answering it
    this.documents.set(key, { query: compiled, name: resolvedName ?? undefined });
  }

  /** The response body, or undefined when Apollo must answer (nothing has run then). */
  async run(body: unknown, context: GatewayContext): Promise<string | undefined> {
    if (!isPostBody(body)) return undefined;
    const known = this.documents.get(keyOf(body.query, body.operationName));
    if (!known) return undefined;
    const started = performance.now();
    const result: ExecutionResult = await known.query.query(undefined, context, body.variables ?? {});
    // No `data`: the request failed before any resolver ran (variables that do not coerce); Apollo
    // answers those with its own status code.
    if (!('data' in result)) return undefined;
    if (result.errors) this.options.onErrors(result.errors, context);
    const errors = result.errors?.map((error) => this.options.formatError(normalized(error), error));
    this.options.record(context, known.name, errors, started);
    // Apollo's field order and trailing newline, so both paths answer byte for byte alike.
    return `${JSON.stringify(errors ? { errors, data: result.data } : { data: result.data })}\n`;
  }
}

function keyOf(query: string, operationName: string | null | undefined): string {
  return `${operationName ?? ''}\n${query}`;
}

function isPostBody(body: unknown): body is PostBody {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const { query, operationName, variables, extensions } = body as Record<string, unknown>;
  return (
    typeof query === 'string' &&
    extensions === undefined &&
    (operationName === undefined || operationName === null || typeof operationName === 'string') &&
    (variables === undefined || variables === null || (typeof variables === 'object' && !Array.isArray(variables)))
  );
}

/** What Apollo hands formatError: the error's JSON with a code, INTERNAL_SERVER_ERROR when it has none. */
function normalized(error: GraphQLError): GraphQLFormattedError {
  const formatted = error.toJSON();
  return { ...formatted, extensions: { ...formatted.extensions, code: formatted.extensions?.code ?? 'INTERNAL_SERVER_ERROR' } };
}
