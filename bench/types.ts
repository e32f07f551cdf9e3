import type { EnvOverrides } from '../src/common/core.module.js';

export interface BenchContext {
  scale: 'province' | 'national';
  /** Duration of each load phase, in seconds. */
  seconds: number;
  /** Environment pointing the app at the bench's own database and Redis prefix. */
  env: EnvOverrides;
  /** Collaborators generated at this scale (national defaults to 5,000,000; `--collaborators N` lowers it). */
  collaborators?: number;
  /** Absolute URL of the bench database (same as `env.DATABASE_URL`). */
  databaseUrl?: string;
  /** Pool size the app uses; the `update` baseline server uses the same. */
  poolSize?: number;
  /** Writes an SVG chart next to the results file and returns its path (set by the runner). */
  chart?: (name: string, chart: import('./lib/svg-chart.js').ChartSpec) => string;
}

/** One target from issue 9, marked by the scenario that measures it. */
export interface TargetMark {
  /** Key into TARGETS in bench/targets.ts. */
  id: string;
  met: boolean;
  /** What was measured, e.g. "p50 12.3 ms at 5,000,000". */
  measured: string;
  /** false when measured below the target's scale (e.g. search at 500k, target at 5M): shown as indicative. */
  atTargetScale?: boolean;
}

export interface ScenarioResult {
  name: string;
  figures: Record<string, unknown>;
  /** Measured against the same-run baseline (higher is better unless `summary` says otherwise). */
  ratio?: number;
  target?: { description: string; met: boolean };
  summary: string;
  /** Targets (by id) this scenario marks; the README block shows PASS/SHORT from these. */
  targets?: TargetMark[];
  /** Cost curves this scenario measured (charted as SVG by the runner). */
  curves?: import('./lib/cost-curve.js').CostCurve[];
  /** Free text for the README: why a target was missed and what would fix it. */
  note?: string;
}
