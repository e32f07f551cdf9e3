import autocannon from 'autocannon';

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

export interface LoadOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A string or an object (sent as JSON with content-type application/json). */
  body?: string | Record<string, unknown>;
  headers?: Record<string, string>;
  connections?: number;
  seconds?: number;
  /** Per-request setup (e.g. a different task id each time); see autocannon's `requests`. */
  requests?: autocannon.Request[];
}

/**
 * Drives `url` with autocannon (in THIS process: start the server under test with startServer(),
 * which runs it in a child) for a bounded time. Defaults: 50 connections, 5 s.
 */
export async function runLoad(url: string, options: LoadOptions = {}): Promise<LoadResult> {
  const headers = { ...options.headers };
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    if (typeof options.body !== 'string') headers['content-type'] ??= 'application/json';
  }
  const result = await autocannon({
    url,
    method: options.method ?? 'GET',
    headers,
    body,
    connections: options.connections ?? 50,
    duration: options.seconds ?? 5,
    requests: options.requests,
  });
  return summarise(result);
}

/** autocannon's own options, for scenarios that set them directly (e.g. per-request setup). */
export async function load(options: autocannon.Options): Promise<LoadResult> {
  return summarise(await autocannon({ connections: 50, duration: 5, ...options }));
}

function summarise(result: autocannon.Result): LoadResult {
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}
