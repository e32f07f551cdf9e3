export interface Answer {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

/** Signs that internals reached a client: stack frames, library names, driver errors. */
const LEAKS = /\bat [\w$.<>]+ \(|\.(?:ts|js):\d+:\d+|node_modules|QueryFailedError|TypeError|ReferenceError|duplicate key value|violates .* constraint|syntax error at or near|pg_catalog/;

/**
 * What the abuse suite demands of every answer: below 500, a 4xx is an RFC 9457 problem document,
 * and nothing internal shows. Returns why a response fails, or undefined.
 */
export function badAnswer(res: Answer): string | undefined {
  if (res.statusCode >= 500) return `status ${res.statusCode}: ${res.body.slice(0, 300)}`;
  if (res.statusCode >= 400 && !String(res.headers['content-type']).startsWith('application/problem+json')) {
    return `status ${res.statusCode} without problem+json (${res.headers['content-type']}): ${res.body.slice(0, 200)}`;
  }
  if (res.statusCode >= 400 && LEAKS.test(res.body)) return `status ${res.statusCode} leaks internals: ${res.body.slice(0, 300)}`;
  return undefined;
}
