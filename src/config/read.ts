import { accessSync, constants, existsSync } from 'node:fs';

/** The environment as config reads it: nothing else in the gateway reads process.env. */
export type Env = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`Configuration error: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

export function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function required(env: Env, name: string, why: string): string {
  const value = text(env, name);
  if (value === undefined) throw new ConfigError(name, `must be set ${why}`);
  return value;
}

export function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = text(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (raw !== 'true' && raw !== 'false') throw new ConfigError(name, `must be true or false, got "${raw}"`);
  return raw === 'true';
}

export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

export function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

export function list(env: Env, name: string): string[] {
  return (text(env, name) ?? '').split(',').map((item) => item.trim()).filter(Boolean);
}

export interface UrlRules {
  /** Schemes allowed anywhere; default https only. */
  protocols?: readonly string[];
  /**
   * Plain http allowed for loopback hosts only (local emulators, test authorities): a bearer token must
   * never cross a network in clear text.
   */
  httpOnLoopback?: boolean;
  /** No query, fragment or credentials (a base URL that paths are appended to). */
  bare?: boolean;
}

/** The one URL reader: every URL variable is parsed and checked here, by the rules its use needs. */
export function url(env: Env, name: string, rules: UrlRules = {}): URL | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  const parsed = URL.canParse(raw) ? new URL(raw) : undefined;
  if (!parsed) throw new ConfigError(name, `is not a URL: "${raw}"`);
  const protocols = rules.protocols ?? ['https:'];
  const loopbackHttp = rules.httpOnLoopback && parsed.protocol === 'http:' && isLoopback(parsed.hostname);
  if (!protocols.includes(parsed.protocol) && !loopbackHttp) {
    const allowed = protocols.map((protocol) => `${protocol}`).join(' or ');
    throw new ConfigError(name, `must be an ${allowed} URL${rules.httpOnLoopback ? ' (http: only for a loopback host)' : ''}, got "${raw}"`);
  }
  if (rules.bare && (parsed.search || parsed.hash || parsed.username || parsed.password)) {
    throw new ConfigError(name, 'must not carry a query, fragment or credentials');
  }
  return parsed;
}

export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

export function readableFile(env: Env, name: string): string {
  const path = text(env, name)!;
  try {
    accessSync(path, constants.R_OK);
  } catch {
    throw new ConfigError(name, `names a file that cannot be read: "${path}"`);
  }
  return path;
}

export function existingFile(env: Env, name: string): string | undefined {
  const path = text(env, name);
  if (path !== undefined && !existsSync(path)) throw new ConfigError(name, `names no file: "${path}"`);
  return path;
}
