/**
 * Node flags of every launch of the API process: `npm run start:api`, `npm start` (src/cli/start.ts),
 * the Dockerfile, docker-compose.yml and the bench's API server (a test checks they agree).
 *
 * `--max-old-space-size=512`: without a limit, Node sizes the heap from the machine's memory (about
 * 4 GB here) and V8 then lets the old generation grow to several times what is live before it
 * collects: under 50 clients completing tasks the API's RSS climbed past 350 MB with about 70 MB
 * live. Under a 512 MB limit V8 collects earlier (its growth factor scales with the limit) and the
 * same load peaks below 200 MB (bench/README.md, complete), at no measurable CPU cost, while a
 * request that really needs memory still has several times the live heap to use. Raise it for
 * unusually large answers; the worker keeps Node's default.
 */
export const API_NODE_FLAGS: readonly string[] = ['--max-old-space-size=512'];
