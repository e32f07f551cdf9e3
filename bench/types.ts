import type { EnvOverrides } from '../src/common/core.module.js';

export interface BenchContext {
  scale: 'province' | 'national';
  /** Duration of each load phase, in seconds. */
  seconds: number;
  /** Environment pointing the app at the bench's own database and Redis prefix. */
  env: EnvOverrides;
}

export interface ScenarioResult {
  name: string;
  figures: Record<string, unknown>;
  /** Measured against the same-run baseline (higher is better unless `summary` says otherwise). */
  ratio?: number;
  target?: { description: string; met: boolean };
  summary: string;
}
