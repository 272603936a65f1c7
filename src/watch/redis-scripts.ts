/**
 * The watcher's Redis keys and scripts. Every key carries the `{watch}` hash tag, so a Redis Cluster keeps
 * them in one slot and each script's keys stay together.
 */
const PREFIX = 'upload-session-gateway:{watch}:';

export const WATCH_KEYS = {
  lease: `${PREFIX}lease`,
  state: (topic: string) => `${PREFIX}state:${topic}`,
  /** A published event's id, kept a while after it was published: a second commit of it publishes nothing. */
  published: `${PREFIX}published:`,
  /** Pending webhook deliveries: a sorted set of ids by due time, and each delivery's record by id. */
  deliveriesDue: `${PREFIX}deliveries:due`,
  deliveries: `${PREFIX}deliveries`,
  channel: 'upload-session-gateway:watch:events',
} as const;

/**
 * Takes the lease when it is free, or renews it when this replica holds it (style.md item 21: `SET NX PX`,
 * renewed only by the holder). KEYS: lease. ARGV: token, ttl ms. Returns 1 when this replica holds it.
 */
export const ACQUIRE_OR_RENEW = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not holder and redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0`;

/** Released only by its holder: compare, then delete. KEYS: lease. ARGV: token. */
export const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * One poll's outcome, all at once, and only while this replica holds the lease (a replica that lost it in a
 * long pause cannot write an older state over a newer one): each event not published before is published to
 * every replica and, with webhooks, queued for delivery; then the resource's state is replaced. A poller that
 * dies anywhere before this script leaves nothing half done: the next holder reads the old state and finds
 * the same events, and an event published by a commit that got no answer is skipped the second time.
 * KEYS: lease, state, deliveries due, deliveries. ARGV: token, state JSON, channel, published prefix, kept ms,
 * webhooks ('1'/'0'), now ms, then per event: id, event JSON, delivery JSON. Returns the events published, or -1.
 */
export const COMMIT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local published = 0
for i = 8, #ARGV, 3 do
  if redis.call('SET', ARGV[4] .. ARGV[i], '1', 'NX', 'PX', ARGV[5]) then
    redis.call('PUBLISH', ARGV[3], ARGV[i + 1])
    if ARGV[6] == '1' then
      redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 2])
      redis.call('ZADD', KEYS[3], ARGV[7], ARGV[i])
    end
    published = published + 1
  end
end
redis.call('SET', KEYS[2], ARGV[2])
return published`;

/**
 * Due deliveries, each hidden until ARGV[2] so no other replica sends it meanwhile. KEYS: due, deliveries.
 * ARGV: now ms, hidden until ms, how many. Returns their records.
 */
export const TAKE_DUE = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local taken = {}
for _, id in ipairs(ids) do
  local record = redis.call('HGET', KEYS[2], id)
  if record then
    redis.call('ZADD', KEYS[1], ARGV[2], id)
    table.insert(taken, record)
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return taken`;
