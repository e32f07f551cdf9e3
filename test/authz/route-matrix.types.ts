import type { TestContext } from '../support/test-app.js';
import type { createTwoUnitWorld } from '../support/fixtures.js';

/**
 * The authorization matrix: every route of the live route table has one entry (in
 * `test/authz/entries/<feature>.entries.ts`), stating what each kind of caller gets. The runner
 * (`authorization-matrix.e2e-spec.ts`) fails for a route with no entry, so nothing ships unprotected.
 */
export const ACTORS = ['anonymous', 'collaboratorA', 'secretaryA', 'secretaryB', 'admin'] as const;
export type ActorKey = (typeof ACTORS)[number];

/** The two-unit world (see fixtures.ts): unit A (with a sub-cell) and unit B under one root. */
export type MatrixWorld = Awaited<ReturnType<typeof createTwoUnitWorld>>;

export interface MatrixRequest {
  /** The concrete URL, path parameters filled in (query string allowed). */
  url: string;
  payload?: unknown;
  headers?: Record<string, string>;
}

export interface RouteEntry {
  /** Exactly as the route table prints it: `METHOD /path/:param`, e.g. `GET /api/v1/organisations/:id`. */
  route: string;
  /**
   * Builds the request, called afresh for each actor so a write can target a fresh row. The rows
   * should belong to unit A (or its sub-cell), so secretaryA is "same unit" and secretaryB "another unit".
   */
  request: (world: MatrixWorld, ctx: TestContext) => Promise<MatrixRequest> | MatrixRequest;
  /** Expected HTTP status for each caller (several allowed where more than one is right). */
  expect: Record<ActorKey, number | number[]>;
}
