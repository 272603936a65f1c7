import type { IncomingHttpHeaders } from 'node:http';

/** The token of an `Authorization: Bearer <token>` header (RFC 6750's token68 syntax), or undefined. */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const match = /^Bearer ([\w.~+/-]+=*)$/i.exec(headers.authorization ?? '');
  return match?.[1];
}
