// Role process: the no-GraphQL floor. JSON in, one keep-alive undici.request PATCH, the gateway's own mapping
// function, JSON out: what answering the seed mutation costs with no GraphQL at all.
import { createServer } from 'node:http';
import { request } from 'undici';
import { parseSessionKey } from '../src/graph/odata/ids';
import { toUploadSession } from '../src/graph/upload-sessions/upload-session';
import { announce, loopbackUrl, roleArgument } from './announce';
import { PATCH_BODY, SESSION_PATH } from './seed';

const upstream = roleArgument(0, 'the upstream URL');

type SessionIds = Parameters<typeof parseSessionKey>[0];

async function complete(key: SessionIds, authorization: string | undefined): Promise<unknown> {
  const response = await request(upstream + SESSION_PATH, {
    method: 'PATCH',
    headers: { authorization, accept: 'application/json', 'content-type': 'application/json' },
    body: PATCH_BODY,
  });
  return toUploadSession(await response.body.json(), parseSessionKey(key));
}

const server = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (body += chunk));
  req.on('end', () => {
    complete(JSON.parse(body) as SessionIds, req.headers.authorization).then(
      (session) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ data: { completeUploadSession: session } }));
      },
      (error: unknown) => {
        res.statusCode = 502;
        res.end(JSON.stringify({ error: String(error) }));
      },
    );
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => announce(loopbackUrl(server)));
