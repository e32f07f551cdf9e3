/// <reference types="vite/client" />
import type { ActorKey, RouteEntry } from '../../authz/route-matrix.types.js';

/**
 * The authorization matrix's entries (one per live route, enforced by the matrix runner) double as
 * seeds: each builds a request that reaches its route's handler with real ids. The fuzzers mutate
 * those, so a new route — which must get a matrix entry — is fuzzed without touching this suite.
 */
const files = import.meta.glob<{ entries: RouteEntry[] }>('../../authz/entries/*.entries.ts', { eager: true });
export const seeds: RouteEntry[] = Object.values(files).flatMap((module) => module.entries);

const isSuccess = (expected: number | number[]) => [expected].flat().some((s) => s >= 200 && s < 300);

/** The caller that gets furthest into a route (a success), so fuzzed input reaches the service. */
export function deepestActor(entry: RouteEntry): ActorKey {
  const order: ActorKey[] = ['admin', 'secretaryA', 'collaboratorA', 'secretaryB', 'anonymous'];
  return order.find((actor) => isSuccess(entry.expect[actor])) ?? 'admin';
}

export function splitRoute(route: string): { method: string; path: string } {
  const [method, path] = route.split(' ') as [string, string];
  return { method, path };
}
