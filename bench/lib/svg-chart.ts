/**
 * A tiny SVG chart writer (line and bar charts) for cost curves and baseline comparisons: no
 * dependencies, deterministic output, readable in any browser or on GitHub.
 */

export interface LineSeries {
  name: string;
  points: Array<{ x: number; y: number }>;
}

export type ChartSpec =
  | { kind: 'line'; title: string; xLabel: string; yLabel: string; series: LineSeries[]; logX?: boolean; logY?: boolean }
  | { kind: 'bar'; title: string; yLabel: string; bars: Array<{ label: string; value: number }> };

const WIDTH = 640;
const HEIGHT = 400;
const PAD = { left: 70, right: 20, top: 40, bottom: 60 };
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Compact tick label: 1.2k, 5M, 0.35. */
export function formatTick(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${trim(value / 1e6)}M`;
  if (abs >= 1e3) return `${trim(value / 1e3)}k`;
  return trim(value);
}

function trim(value: number): string {
  return Number(value.toPrecision(3)).toString();
}

/** About `count` round tick values covering [min, max] (the first ≤ min, the last ≥ max). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  const last = Math.ceil(max / step - 1e-9) * step;
  for (let t = Math.floor(min / step + 1e-9) * step; t <= last + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) ticks.push(10 ** e);
  return ticks;
}

function frame(title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

export function renderChart(spec: ChartSpec): string {
  return spec.kind === 'line' ? renderLine(spec) : renderBar(spec);
}

function renderLine(spec: Extract<ChartSpec, { kind: 'line' }>): string {
  const all = spec.series.flatMap((s) => s.points);
  if (all.length === 0) return frame(spec.title, [`<text x="${WIDTH / 2}" y="${HEIGHT / 2}" text-anchor="middle">no data</text>`]);
  const xs = all.map((p) => p.x);
  const ys = all.map((p) => p.y);
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const axis = (values: number[], log: boolean | undefined, zeroBased: boolean) => {
    const positive = values.filter((v) => v > 0);
    const useLog = Boolean(log) && positive.length === values.length;
    const lo = useLog ? Math.min(...positive) : zeroBased ? Math.min(0, ...values) : Math.min(...values);
    let hi = Math.max(...values);
    if (hi === lo) hi = lo + (lo === 0 ? 1 : Math.abs(lo));
    const ticks = useLog ? logTicks(lo, hi) : niceTicks(lo, hi);
    const min = useLog ? Math.min(lo, ticks[0]!) : Math.min(lo, ticks[0]!);
    const max = Math.max(hi, ticks[ticks.length - 1]!);
    const scale = (v: number) =>
      useLog ? (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min)) : (v - min) / (max - min);
    return { scale, ticks };
  };
  const xAxis = axis(xs, spec.logX, false);
  const yAxis = axis(ys, spec.logY, true);
  const px = (x: number) => PAD.left + xAxis.scale(x) * plotW;
  const py = (y: number) => PAD.top + plotH - yAxis.scale(y) * plotH;
  const body: string[] = [];
  body.push(`<rect x="${PAD.left}" y="${PAD.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`);
  for (const t of yAxis.ticks) {
    const y = py(t).toFixed(1);
    body.push(`<line x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${y}" y2="${y}" stroke="#eee"/>`);
    body.push(`<text x="${PAD.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${formatTick(t)}</text>`);
  }
  for (const t of xAxis.ticks) {
    const x = px(t).toFixed(1);
    body.push(`<line x1="${x}" x2="${x}" y1="${PAD.top}" y2="${PAD.top + plotH}" stroke="#eee"/>`);
    body.push(`<text x="${x}" y="${PAD.top + plotH + 16}" text-anchor="middle">${formatTick(t)}</text>`);
  }
  body.push(`<text x="${PAD.left + plotW / 2}" y="${HEIGHT - 22}" text-anchor="middle">${escapeXml(spec.xLabel)}${spec.logX ? ' (log)' : ''}</text>`);
  body.push(
    `<text x="16" y="${PAD.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 16 ${PAD.top + plotH / 2})">${escapeXml(spec.yLabel)}${spec.logY ? ' (log)' : ''}</text>`,
  );
  spec.series.forEach((series, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const points = [...series.points].sort((a, b) => a.x - b.x);
    body.push(
      `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points.map((p) => `${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(' ')}"/>`,
    );
    for (const p of points) body.push(`<circle cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="3.5" fill="${colour}"><title>${formatTick(p.x)}: ${trim(p.y)}</title></circle>`);
    body.push(`<rect x="${PAD.left + 10}" y="${PAD.top + 8 + i * 18}" width="12" height="12" fill="${colour}"/>`);
    body.push(`<text x="${PAD.left + 28}" y="${PAD.top + 18 + i * 18}">${escapeXml(series.name)}</text>`);
  });
  return frame(spec.title, body);
}

function renderBar(spec: Extract<ChartSpec, { kind: 'bar' }>): string {
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const max = Math.max(0, ...spec.bars.map((b) => b.value));
  const ticks = niceTicks(0, max || 1);
  const top = Math.max(max, ticks[ticks.length - 1]!) || 1;
  const body: string[] = [`<rect x="${PAD.left}" y="${PAD.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`];
  for (const t of ticks) {
    const y = (PAD.top + plotH - (t / top) * plotH).toFixed(1);
    body.push(`<line x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${y}" y2="${y}" stroke="#eee"/>`);
    body.push(`<text x="${PAD.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${formatTick(t)}</text>`);
  }
  const slot = plotW / Math.max(1, spec.bars.length);
  spec.bars.forEach((bar, i) => {
    const h = (bar.value / top) * plotH;
    const x = PAD.left + i * slot + slot * 0.15;
    body.push(`<rect x="${x.toFixed(1)}" y="${(PAD.top + plotH - h).toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${h.toFixed(1)}" fill="${COLOURS[i % COLOURS.length]}"/>`);
    body.push(`<text x="${(x + slot * 0.35).toFixed(1)}" y="${(PAD.top + plotH - h - 4).toFixed(1)}" text-anchor="middle">${trim(bar.value)}</text>`);
    body.push(`<text x="${(x + slot * 0.35).toFixed(1)}" y="${PAD.top + plotH + 16}" text-anchor="middle">${escapeXml(bar.label)}</text>`);
  });
  body.push(
    `<text x="16" y="${PAD.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 16 ${PAD.top + plotH / 2})">${escapeXml(spec.yLabel)}</text>`,
  );
  return frame(spec.title, body);
}
