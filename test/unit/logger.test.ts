import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  return { lines, sink };
}

it('blanks credentials by default and the paths LOG_REDACT adds, and writes JSON lines', () => {
  const { lines, sink } = capture();
  const logger = createLogger({ level: 'info', redact: ['*.headers["x-api-key"]'] }, sink);
  logger.info({ req: { headers: { authorization: 'Bearer secret-token', cookie: 'sid=1', 'x-api-key': 'k-123', accept: 'json' } } }, 'seen');

  const text = JSON.stringify(lines);
  expect(text).not.toContain('secret-token');
  expect(text).not.toContain('sid=1');
  expect(text).not.toContain('k-123');
  expect(lines[0]).toMatchObject({ level: 'info', msg: 'seen', req: { headers: { accept: 'json', authorization: '[redacted]', 'x-api-key': '[redacted]' } } });
});

it('blanks a credential wherever the gateway could log one', () => {
  const { lines, sink } = capture();
  const logger = createLogger({ level: 'info' }, sink);
  const secrets = { authorization: 'Bearer s-1', cookie: 'sid=s-2', token: 's-3', accessToken: 's-4', clientSecret: 's-5' };
  logger.info(secrets, 'top level');
  logger.info({ headers: { authorization: 'Bearer s-6', cookie: 's-7', 'set-cookie': 's-8' } }, 'headers');
  logger.info({ res: { headers: { 'set-cookie': 's-9' } }, err: { headers: { authorization: 'Bearer s-10' } } }, 'nested');
  logger.child({ token: 's-11' }).info('bindings');

  expect(lines).toHaveLength(4);
  expect(JSON.stringify(lines)).not.toMatch(/s-\d/);
});

it('honours the level', () => {
  const { lines, sink } = capture();
  const logger = createLogger({ level: 'warn' }, sink);
  logger.info('quiet');
  logger.warn('loud');
  expect(lines.map((line) => line.msg)).toEqual(['loud']);
});
