import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type { LogLevel } from './config';

/**
 * Paths pino blanks in every line: credentials must not depend on each call site remembering.
 * Full paths, no wildcards: pino's redactor clones what a wildcard may match on every line, which
 * cost more than the rest of the operation's log line. These are every place the gateway could put a
 * credential (header-like objects are logged as `headers`, `req.headers` or `res.headers`);
 * LOG_REDACT adds more paths, wildcards included (pino's syntax, e.g. `*.headers["x-api-key"]`).
 */
const REDACT = [
  'authorization',
  'cookie',
  'token',
  'accessToken',
  'clientSecret',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'err.headers.authorization',
];

/** The longest a log line waits in the buffer. */
const FLUSH_MS = 250;

export interface LoggerSettings {
  level: LogLevel;
  /** Paths blanked on top of the built-in ones. */
  redact?: readonly string[];
  /** Human-readable lines (pino-pretty, a dev dependency) instead of JSON; ignored when it is not installed. */
  pretty?: boolean;
}

export function createLogger(settings: LogLevel | LoggerSettings, destination?: DestinationStream): Logger {
  const { level, redact = [], pretty = false } = typeof settings === 'string' ? { level: settings } : settings;
  const options: LoggerOptions = {
    level,
    base: { service: 'upload-session-gateway', pid: process.pid },
    redact: { paths: [...REDACT, ...redact], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  if (pretty && !destination && prettyInstalled()) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } } });
  }
  // Asynchronous, batched writes to stdout: a line per operation must not cost a write of its own. Lines
  // leave in 16 KB batches, or within FLUSH_MS when fewer come; pino flushes what is left when the process
  // exits (process.exit included), and `logger.flush()` sends lifecycle lines at once. Each write to a pipe
  // wakes its reader, which costs about as much as the write (BENCHMARKS.md, "Measured choices in the code").
  return pino(options, destination ?? stdout());
}

function stdout(): DestinationStream {
  const stream = pino.destination({ dest: 1, sync: false, minLength: 16_384, maxWrite: 65_536, periodicFlush: FLUSH_MS });
  // The reader went away (a closed pipe): lines have nowhere to go. Left alone, the exit-time flush retries the
  // write forever (sonic-boom loops on EPIPE), so a SIGTERM would drain the gateway and then never exit.
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') stream.destroy();
  });
  return stream;
}

/** Production images install no dev dependencies: pretty output then quietly stays JSON. */
function prettyInstalled(): boolean {
  try {
    require.resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes what is buffered before the process exits. Asynchronously, so that a stdout whose reader is gone
 * fails (and is let go, above) instead of the exit-time synchronous flush retrying it forever; at most
 * `capMs`, as an exit must not wait on a slow reader either.
 */
export function flushLogs(logger: Logger, capMs = 1000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, capMs);
    logger.flush(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
