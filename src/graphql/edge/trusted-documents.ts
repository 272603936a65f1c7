import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import builtInManifest from '../../client/persisted-documents.json';
import type { TrustedDocumentsMode } from '../../config';
import { PERSISTED_QUERY_NOT_IN_LIST } from './error-code';

/** A GraphQL request's parameters as they arrived: a POST body, or a GET's query string. */
export interface GraphQLRequestParams {
  body: unknown;
  search: string;
}

/** What a request asks to run: a document's text or its APQ hash; `runs` is false when it names neither. */
export interface OperationParams {
  query?: string;
  hash?: string;
  operationName?: string;
  runs: boolean;
}

export type TrustedDocumentsVerdict = { trusted: true; request: GraphQLRequestParams } | { trusted: false; message: string };

/** Apollo Router's code for the same refusal, so clients that know one know the other. */
export const NOT_IN_LIST = PERSISTED_QUERY_NOT_IN_LIST;

/**
 * Trusted documents: with `enforce` only documents of the persisted-documents manifest run, named by
 * their APQ hash or sent as identical text; `allow` runs everything and logs what is unknown; `off`
 * checks nothing. It runs before Apollo (and before the caller's token is checked), so a hash-only
 * request for a manifest document works on a cold
 * APQ cache (its text is filled in from the manifest), and an unknown hash cannot be registered by APQ.
 */
export type TrustedDocuments = (request: GraphQLRequestParams, operation: OperationParams) => TrustedDocumentsVerdict;

/** Distinct unknown documents `allow` remembers having warned about, per process; the least recently seen is forgotten first. */
const WARNED_LIMIT = 1000;
/** Texts up to this length are remembered as they are (no hashing per request); longer ones by their hash. */
const WARNED_TEXT_LIMIT = 16_384;

export function trustedDocuments(mode: TrustedDocumentsMode, manifestPath: string | undefined, logger: Logger): TrustedDocuments {
  if (mode === 'off') return (request) => ({ trusted: true, request });
  const manifest = new Map(Object.entries(manifestPath ? readManifest(manifestPath) : builtInManifest));
  // Every key is its document's sha256 (checked when read), so an identical text is a known document: no hashing per request.
  const documents = new Set(manifest.values());
  const warned = new LRUCache<string, true>({ max: WARNED_LIMIT });

  return (request, { query, hash, operationName, runs }) => {
    // Nothing to run (e.g. the landing page's GET): Apollo answers it, no document is executed.
    if (!runs) return { trusted: true, request };
    const text = query ?? (hash !== undefined ? manifest.get(hash) : undefined);
    if (text !== undefined && documents.has(text)) {
      return { trusted: true, request: query === undefined ? withQuery(request, text) : request };
    }
    if (mode === 'allow') {
      // Once per document, not per request: a busy client would otherwise double the log volume.
      const seen = query !== undefined && query.length <= WARNED_TEXT_LIMIT ? query : (hash ?? sha256(query!));
      if (!warned.get(seen)) {
        warned.set(seen, true);
        logger.warn({ operationName, documentHash: query !== undefined ? sha256(query) : hash }, 'document not in the trusted-documents manifest');
      }
      return { trusted: true, request };
    }
    return {
      trusted: false,
      message: 'This gateway runs only trusted documents (TRUSTED_DOCUMENTS=enforce), and this one is not in its persisted-documents manifest.',
    };
  };
}

function readManifest(path: string): Record<string, string> {
  const manifest: unknown = JSON.parse(readFileSync(path, 'utf8'));
  const valid =
    typeof manifest === 'object' && manifest !== null && !Array.isArray(manifest) && Object.values(manifest).every((document) => typeof document === 'string');
  if (!valid) throw new Error(`TRUSTED_DOCUMENTS_MANIFEST: ${path} is not a persisted-documents manifest ({ "<sha256>": "<document>" })`);
  const misnamed = Object.entries(manifest as Record<string, string>).find(([hash, document]) => sha256(document) !== hash);
  if (misnamed) throw new Error(`TRUSTED_DOCUMENTS_MANIFEST: ${path} names a document ${misnamed[0]}, which is not the sha256 of its text`);
  return manifest as Record<string, string>;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Read once per request: trusted documents and the caller check both decide on it. */
export function operationParams({ body, search }: GraphQLRequestParams): OperationParams {
  let fields: Record<string, unknown> = {};
  if (body !== undefined) {
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) fields = body as Record<string, unknown>;
  } else {
    const params = new URLSearchParams(search);
    fields = { query: params.get('query') ?? undefined, operationName: params.get('operationName') ?? undefined, extensions: jsonParam(params.get('extensions')) };
  }
  const extensions = fields.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined;
  const sha256Hash = extensions?.persistedQuery?.sha256Hash;
  const query = typeof fields.query === 'string' ? fields.query : undefined;
  const hash = typeof sha256Hash === 'string' ? sha256Hash : undefined;
  const operationName = typeof fields.operationName === 'string' ? fields.operationName : undefined;
  return { query, hash, operationName, runs: query !== undefined || hash !== undefined };
}

function withQuery({ body, search }: GraphQLRequestParams, query: string): GraphQLRequestParams {
  if (body !== undefined) return { body: { ...(body as Record<string, unknown>), query }, search };
  const params = new URLSearchParams(search);
  params.set('query', query);
  return { body, search: `?${params}` };
}

/** A query-string parameter's JSON; undefined when absent or not JSON (Apollo then refuses the request itself). */
function jsonParam(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
