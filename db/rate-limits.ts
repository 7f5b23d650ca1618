import { QueryTypes, Sequelize } from 'sequelize';

export interface RateLimitCount {
  /** Hits (or bytes) in the current window, this one included. */
  hits: number;
  /** Until the window ends. */
  ttlMs: number;
}

/**
 * Counters in fixed windows, in PostgreSQL so that every API process counts together.
 * Each hit also deletes a few counters whose window is long over, so the table stays the
 * size of the traffic of one window without a timer.
 */
export function rateLimitCounters(sequelize: Sequelize) {
  return {
    /** Adds `amount` (a request, or bytes for a quota) to the key's count in the current window. */
    async hit(key: string, windowMs: number, amount = 1): Promise<RateLimitCount> {
      const [row] = await sequelize.query<{ hits: string; ttl_ms: string }>(
        `WITH swept AS (
           DELETE FROM rate_limit_counters WHERE key IN (
             SELECT key FROM rate_limit_counters WHERE resets_at < now() - interval '1 minute' AND key <> :key LIMIT 2))
         INSERT INTO rate_limit_counters AS c (key, hits, resets_at)
         VALUES (:key, :amount, now() + :windowMs * interval '1 millisecond')
         ON CONFLICT (key) DO UPDATE SET
           hits = CASE WHEN c.resets_at <= now() THEN :amount ELSE c.hits + :amount END,
           resets_at = CASE WHEN c.resets_at <= now() THEN EXCLUDED.resets_at ELSE c.resets_at END
         RETURNING hits, ceil(extract(epoch FROM resets_at - now()) * 1000) AS ttl_ms`,
        { type: QueryTypes.SELECT, replacements: { key, windowMs, amount } },
      );
      return { hits: Number(row!.hits), ttlMs: Math.max(0, Number(row!.ttl_ms)) };
    },
    /** The count without adding to it; zero once the window is over. */
    async peek(key: string): Promise<RateLimitCount> {
      const [row] = await sequelize.query<{ hits: string; ttl_ms: string }>(
        `SELECT hits, ceil(extract(epoch FROM resets_at - now()) * 1000) AS ttl_ms
         FROM rate_limit_counters WHERE key = :key AND resets_at > now()`,
        { type: QueryTypes.SELECT, replacements: { key } },
      );
      return row ? { hits: Number(row.hits), ttlMs: Math.max(0, Number(row.ttl_ms)) } : { hits: 0, ttlMs: 0 };
    },
    async clear(key: string): Promise<void> {
      await sequelize.query('DELETE FROM rate_limit_counters WHERE key = :key', { replacements: { key } });
    },
  };
}

export type RateLimitCounters = ReturnType<typeof rateLimitCounters>;

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/**
 * A store for @fastify/rate-limit on those counters: the global limit's counters are
 * named `api:`, a route's after its method and path.
 */
export function postgresRateLimitStore(counters: RateLimitCounters) {
  return class PostgresRateLimitStore {
    private readonly prefix: string;

    /** The plugin makes the global store with its options, and route stores through `child`. */
    constructor(prefix: unknown) {
      this.prefix = typeof prefix === 'string' ? prefix : 'api:';
    }

    incr(key: string, callback: Callback, timeWindow: number) {
      counters.hit(this.prefix + key, timeWindow).then(
        ({ hits, ttlMs }) => callback(null, { current: hits, ttl: ttlMs }),
        (error: Error) => callback(error),
      );
    }

    read(key: string, callback: Callback) {
      counters.peek(this.prefix + key).then(
        ({ hits, ttlMs }) => callback(null, { current: hits, ttl: ttlMs }),
        (error: Error) => callback(error),
      );
    }

    /** Called with the route's merged limit options, which carry the route as `routeInfo`. */
    child(routeOptions: { method?: unknown; url?: unknown; routeInfo?: { method?: unknown; url?: unknown } }) {
      const route = routeOptions.routeInfo ?? routeOptions;
      return new PostgresRateLimitStore(`${String(route.method ?? '')} ${String(route.url ?? '')}:`);
    }
  };
}
