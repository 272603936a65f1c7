// Role process: the lean upstream. It answers every PATCH (and GET) of the seed session with 200 and the
// completed session, so each variant makes exactly one upstream call per mutation and always takes the success
// path; the emulator keeps state and would answer a second completion with 409, sending the gateway down its
// PATCH-then-GET path.
import { createServer } from 'node:http';
import { announce, loopbackUrl } from './announce';
import { SESSION_PATH, UPSTREAM_BASE_PATH, UPSTREAM_SESSION } from './seed';

const FULL_PATH = UPSTREAM_BASE_PATH + SESSION_PATH;
let served = 0;

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const ok = req.url === FULL_PATH && (req.method === 'PATCH' || req.method === 'GET');
    res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json', 'request-id': `bench-${++served}` });
    res.end(ok ? UPSTREAM_SESSION : '{"error":{"code":"NotFound","message":"no such path"}}');
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => announce(loopbackUrl(server, UPSTREAM_BASE_PATH)));
