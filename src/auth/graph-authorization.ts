import type { IncomingHttpHeaders } from 'node:http';
import type { GraphAuthMode } from '../config';
import { ErrorCode, GatewayError } from '../errors';

/** Given a caller's request headers, how to authorize this request's Graph calls. */
export type GraphAuthorization = (headers: IncomingHttpHeaders) => () => Promise<string>;

/** What the gateway sends to its embedded emulator: a placeholder, never a real credential. */
const EMULATOR_TOKEN = 'Bearer emulator-mode-no-real-credential';

export function graphAuthorization(mode: GraphAuthMode): GraphAuthorization {
  switch (mode) {
    case 'emulator':
      return () => async () => EMULATOR_TOKEN;
    case 'passthrough':
      return (headers) => async () => {
        const value = headers.authorization;
        if (!value || !/^Bearer [\w.~+/-]+=*$/i.test(value)) {
          throw new GatewayError(
            ErrorCode.UNAUTHENTICATED,
            'Send your Microsoft Graph access token as "Authorization: Bearer <token>".',
          );
        }
        return value;
      };
  }
}
