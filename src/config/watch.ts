import { ConfigError, integer, list, text, url, type Env } from './read';
import type { GraphAuthMode, GraphCredentialConfig } from './graph';
import { Secret } from './secret';

export interface WatchConfig {
  /** WATCH: the resources whose reviews are read; empty when nothing is watched. */
  readonly targets: readonly WatchTarget[];
  readonly intervalMs: number;
  /** UPLOAD_DEADLINE_NEAR this long before a review's upload deadline. */
  readonly deadlineWarningMs: number;
  /** WEBHOOK_URL and its secret; undefined when events are not POSTed anywhere. */
  readonly webhook: WebhookConfig | undefined;
}

/** One WATCH entry; ids lower-cased, so every replica derives the same keys and event ids from it. */
export interface WatchTarget {
  /** The tenant the resource is read in: the entry's prefix, else the gateway's home tenant ('' when it has none, as in emulator mode). */
  readonly tenantId: string;
  readonly catalogId: string;
  readonly resourceId: string;
  /** The entry as written (lower-cased): the metric label, bounded by the configuration. */
  readonly label: string;
}

export interface WebhookConfig {
  readonly url: URL;
  /** `whsec_` + base64, as the Standard Webhooks libraries take it. */
  readonly secret: Secret;
  readonly retryMs: number;
}

/** More would make the per-resource metric series and one poll's Graph calls unbounded in practice. */
const MAX_TARGETS = 50;
const GUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const ENTRY = new RegExp(`^(?:(${GUID}):)?(${GUID})/(${GUID})$`, 'i');
/** The Standard Webhooks spec: a secret of 24 to 64 random bytes, base64, after `whsec_`. */
const WEBHOOK_SECRET = /^whsec_([A-Za-z0-9+/]+={0,2})$/;

export function readWatchConfig(env: Env, graph: { auth: GraphAuthMode; credential: GraphCredentialConfig | undefined }): WatchConfig {
  const targets = watchTargets(env, graph);
  const webhook = webhookConfig(env);
  if (webhook && targets.length === 0) throw new ConfigError('WEBHOOK_URL', 'is set but WATCH is not: nothing would ever be delivered');
  return {
    targets,
    intervalMs: integer(env, 'WATCH_INTERVAL_S', 60, 1, 86_400) * 1000,
    deadlineWarningMs: integer(env, 'WATCH_DEADLINE_WARNING_MIN', 30, 1, 119) * 60_000,
    webhook,
  };
}

function watchTargets(env: Env, graph: { auth: GraphAuthMode; credential: GraphCredentialConfig | undefined }): WatchTarget[] {
  const entries = list(env, 'WATCH');
  if (entries.length === 0) return [];
  // Only the gateway's own identity may read reviews it was not asked about by a caller.
  if (graph.auth !== 'app' && graph.auth !== 'emulator') {
    throw new ConfigError('WATCH', `needs GRAPH_AUTH=app or emulator (the gateway reads the reviews with its own identity), not ${graph.auth}`);
  }
  if (entries.length > MAX_TARGETS) throw new ConfigError('WATCH', `names ${entries.length} resources; at most ${MAX_TARGETS}`);
  const home = graph.credential && 'tenantId' in graph.credential ? graph.credential.tenantId.toLowerCase() : '';
  const seen = new Set<string>();
  return entries.map((entry) => {
    const match = ENTRY.exec(entry);
    if (!match) throw new ConfigError('WATCH', `entries must be catalogId/resourceId (GUIDs), optionally tenantId: before them, got "${entry}"`);
    const [, tenant, catalogId, resourceId] = match.map((part) => part?.toLowerCase());
    // The Graph credential is the home tenant's: tokens for another tenant need AUTH_TENANTS (contract, "Many tenants").
    if (tenant !== undefined && graph.auth === 'app' && tenant !== home) {
      throw new ConfigError('WATCH', `names tenant ${tenant}, but the gateway gets Graph tokens only in its home tenant AZURE_TENANT_ID (${home || 'none'})`);
    }
    const target = { tenantId: tenant ?? home, catalogId: catalogId!, resourceId: resourceId! };
    const key = `${target.tenantId}:${target.catalogId}/${target.resourceId}`;
    if (seen.has(key)) throw new ConfigError('WATCH', `names ${entry} twice`);
    seen.add(key);
    return { ...target, label: entry.toLowerCase() };
  });
}

function webhookConfig(env: Env): WebhookConfig | undefined {
  const target = url(env, 'WEBHOOK_URL', { httpOnLoopback: true });
  const secret = text(env, 'WEBHOOK_SECRET');
  const retryMs = integer(env, 'WEBHOOK_RETRY_S', 3600, 1, 7 * 86_400) * 1000;
  if (!target) {
    if (secret !== undefined) throw new ConfigError('WEBHOOK_SECRET', 'is set but WEBHOOK_URL is not');
    return undefined;
  }
  if (secret === undefined) throw new ConfigError('WEBHOOK_SECRET', 'must be set with WEBHOOK_URL (whsec_ followed by base64), to sign every delivery');
  const bytes = WEBHOOK_SECRET.exec(secret)?.[1];
  const length = bytes === undefined ? 0 : Buffer.from(bytes, 'base64').length;
  if (length < 24 || length > 64) throw new ConfigError('WEBHOOK_SECRET', 'must be whsec_ followed by the base64 of 24 to 64 random bytes (Standard Webhooks)');
  return { url: target, secret: new Secret(secret), retryMs };
}
