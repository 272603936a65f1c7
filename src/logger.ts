import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type { LogLevel } from './config';

/**
 * Paths pino blanks in every line: credentials must not depend on each call site remembering.
 * Only these shapes are logged by the gateway; anything header-like goes through here.
 * LOG_REDACT adds more paths (pino's syntax, e.g. `*.headers["x-api-key"]`).
 */
const REDACT = [
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["set-cookie"]',
  'cookie',
  '*.cookie',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'clientSecret',
  '*.clientSecret',
];

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
  // Asynchronous writes to stdout: a line per operation must not cost a write syscall on the request
  // path. pino flushes what is buffered when the process exits (process.exit included).
  return pino(options, destination ?? pino.destination({ dest: 1, sync: false }));
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
