import { APPLICATION_JSON, responseMediaType } from './media-type';
import type { HttpAnswer } from '../../http/graphql-request';
import type { RefusalCode } from './error-code';

export interface Refusal {
  status: number;
  code: RefusalCode;
  message: string;
  /** e.g. `www-authenticate` with a 401, `allow` with a 405. */
  headers?: ReadonlyMap<string, string>;
  /** Beside the code, e.g. `retryAfterSeconds`. */
  extensions?: Readonly<Record<string, unknown>>;
}

/**
 * A request refused before any operation ran, answered as a GraphQL error in the media type the client
 * asked for, so a GraphQL client reads the code (Apollo Client 4 loses it in `bodyText` otherwise).
 */
export function refusalAnswer(accept: string | undefined, { status, code, message, headers, extensions }: Refusal): HttpAnswer {
  const mediaType = responseMediaType(accept) ?? APPLICATION_JSON;
  return {
    status,
    headers: [['content-type', `${mediaType}; charset=utf-8`], ...(headers ?? [])],
    body: `${JSON.stringify({ errors: [{ message, extensions: { ...extensions, code } }] })}\n`,
  };
}
