/**
 * Cost curves: run one measurement at 3+ sizes and describe how cost grows with work.
 * The growth exponent is the least-squares slope of log(cost) against log(size): ≈0 flat,
 * ≈1 linear, >1 worse than linear.
 */
import type { ChartSpec } from './svg-chart.js';

export interface CostPoint {
  size: number;
  value: number;
}

export interface CostCurve {
  name: string;
  /** What `size` counts, e.g. "collaborators". */
  sizeLabel: string;
  /** What `value` measures, e.g. "p50 ms". */
  valueLabel: string;
  points: CostPoint[];
  /** A second series measured at the same sizes (e.g. the raw-COPY baseline), charted beside it. */
  baseline?: { name: string; points: CostPoint[] };
  exponent: number;
  growth: 'flat' | 'sub-linear' | 'linear' | 'worse than linear';
}

export function growthExponent(points: readonly CostPoint[]): number {
  const usable = points.filter((p) => p.size > 0 && p.value > 0);
  if (usable.length < 2) return Number.NaN;
  const xs = usable.map((p) => Math.log(p.size));
  const ys = usable.map((p) => Math.log(p.value));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? Number.NaN : num / den;
}

export function classifyGrowth(exponent: number): CostCurve['growth'] {
  if (!(exponent >= 0.2)) return 'flat';
  if (exponent < 0.8) return 'sub-linear';
  if (exponent <= 1.2) return 'linear';
  return 'worse than linear';
}

export function costCurve(
  name: string,
  sizeLabel: string,
  valueLabel: string,
  points: CostPoint[],
  baseline?: CostCurve['baseline'],
): CostCurve {
  const exponent = growthExponent(points);
  return { name, sizeLabel, valueLabel, points, baseline, exponent, growth: classifyGrowth(exponent) };
}

/**
 * Runs `measure` at each size (ascending, at least 3) and returns the curve; `measure` returns the
 * cost at that size (and optionally a same-size baseline).
 */
export async function runCostCurve(
  name: string,
  labels: { size: string; value: string; baseline?: string },
  sizes: readonly number[],
  measure: (size: number) => Promise<number | { value: number; baseline: number }>,
): Promise<CostCurve> {
  if (sizes.length < 3) throw new RangeError(`a cost curve needs 3+ sizes, got ${sizes.length}`);
  const points: CostPoint[] = [];
  const base: CostPoint[] = [];
  for (const size of [...sizes].sort((a, b) => a - b)) {
    const out = await measure(size);
    if (typeof out === 'number') points.push({ size, value: out });
    else {
      points.push({ size, value: out.value });
      base.push({ size, value: out.baseline });
    }
  }
  return costCurve(name, labels.size, labels.value, points, base.length ? { name: labels.baseline ?? 'baseline', points: base } : undefined);
}

export function curveChart(curve: CostCurve): ChartSpec {
  const series = [{ name: `${curve.name} (growth ×size^${curve.exponent.toFixed(2)}: ${curve.growth})`, points: curve.points.map((p) => ({ x: p.size, y: p.value })) }];
  if (curve.baseline) series.push({ name: curve.baseline.name, points: curve.baseline.points.map((p) => ({ x: p.size, y: p.value })) });
  return { kind: 'line', title: curve.name, xLabel: curve.sizeLabel, yLabel: curve.valueLabel, series, logX: true };
}
