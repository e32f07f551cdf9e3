/**
 * The "latest results" block of bench/README.md, rebuilt from every results file present: for
 * each scale and scenario the newest result wins, so `--only search` does not erase the others.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TARGETS } from '../targets.js';
import type { ScenarioResult, TargetMark } from '../types.js';

export const START_MARKER = '<!-- bench:latest:start -->';
export const END_MARKER = '<!-- bench:latest:end -->';

export interface RunFile {
  scale: string;
  /** province | national | national-<N>; older files have only `scale`. */
  label?: string;
  at: string;
  command?: string;
  dataset?: unknown;
  results: ScenarioResult[];
  charts?: string[];
}

/**
 * Every run file under `dir` (`<timestamp>-<label>.json`, not committed) and under `dir/latest`
 * (one committed file per scale and scenario, see `writeLatest`), oldest first.
 */
export function readRuns(dir: string): RunFile[] {
  const files = [dir, join(dir, LATEST_DIR)].filter((d) => existsSync(d)).flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.json')).map((f) => join(d, f)));
  return files
    .map((f) => {
      try {
        return JSON.parse(readFileSync(f, 'utf8')) as RunFile;
      } catch {
        return null;
      }
    })
    .filter((r): r is RunFile => r !== null && Array.isArray(r.results))
    .sort((a, b) => a.at.localeCompare(b.at));
}

/** Sub-directory of bench/results holding the newest result per scale and scenario (committed). */
export const LATEST_DIR = 'latest';

/**
 * Keeps each successful result as `dir/latest/<label>--<scenario>.json` (replacing an older one
 * of the same scale and scenario). These files are committed: each engineer's branch carries the
 * figures of the scenarios they ran, branches merge without conflicts (one file per scenario), and
 * `npm run bench:readme` rebuilds the README block from all of them. A failed run keeps the last
 * good result. Returns the files written.
 */
export function writeLatest(dir: string, run: RunFile): string[] {
  const latestDir = join(dir, LATEST_DIR);
  mkdirSync(latestDir, { recursive: true });
  const written: string[] = [];
  for (const result of run.results) {
    if (result.summary.startsWith('FAILED')) continue;
    const label = run.label ?? run.scale;
    const file = join(latestDir, `${label}--${result.name}.json`);
    if (existsSync(file)) {
      try {
        const existing = JSON.parse(readFileSync(file, 'utf8')) as RunFile;
        if (existing.at > run.at) continue; // a newer result is already there
      } catch {
        // unreadable: replace it
      }
    }
    const { charts: _charts, ...rest } = run;
    writeFileSync(file, `${JSON.stringify({ ...rest, results: [result] }, null, 2)}\n`);
    written.push(file);
  }
  return written;
}

interface Latest {
  scale: string;
  at: string;
  command?: string;
  result: ScenarioResult;
}

export function latestResults(runs: readonly RunFile[]): Latest[] {
  // The newest good result per scale and scenario; a failed run shows only where nothing succeeded.
  const byKey = new Map<string, Latest>();
  for (const run of runs) {
    for (const result of run.results) {
      const key = `${run.label ?? run.scale}/${result.name}`;
      if (result.summary.startsWith('FAILED') && byKey.has(key) && !byKey.get(key)!.result.summary.startsWith('FAILED')) continue;
      byKey.set(key, { scale: run.label ?? run.scale, at: run.at, command: run.command, result });
    }
  }
  return [...byKey.values()].sort((a, b) => a.result.name.localeCompare(b.result.name) || a.scale.localeCompare(b.scale));
}

function mark(m: TargetMark): string {
  const verdict = m.met ? 'PASS' : 'SHORT';
  return m.atTargetScale === false ? `${verdict} (indicative: below target scale)` : `**${verdict}**`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function renderLatestBlock(runs: readonly RunFile[], chartFiles: readonly string[]): string {
  const latest = latestResults(runs);
  const lines: string[] = [START_MARKER, ''];
  if (latest.length === 0) {
    lines.push('_No results yet: run `npm run bench`._', '', END_MARKER);
    return lines.join('\n');
  }
  lines.push('### Targets', '', '| Target | Mark | Measured | Run |', '|---|---|---|---|');
  for (const target of TARGETS) {
    const marks = latest.flatMap((l) => (l.result.targets ?? []).filter((t) => t.id === target.id).map((t) => ({ t, l })));
    // Prefer a mark taken at the target's scale, then the newest.
    marks.sort((a, b) => Number(b.t.atTargetScale !== false) - Number(a.t.atTargetScale !== false) || b.l.at.localeCompare(a.l.at));
    const best = marks[0];
    if (!best) lines.push(`| ${cell(target.description)} | not measured yet | — | scenario \`${target.scenario}\` |`);
    else lines.push(`| ${cell(target.description)} | ${mark(best.t)} | ${cell(best.t.measured)} | ${best.l.scale}, ${best.l.at.slice(0, 16).replace('T', ' ')} UTC |`);
  }
  lines.push('', '### Scenarios', '', '| Scenario | Scale | When (UTC) | Load avg | Ratio to baseline | Result |', '|---|---|---|---|---|---|');
  for (const l of latest) {
    const ratio = l.result.ratio === undefined ? '' : l.result.ratio.toFixed(2);
    const load = typeof l.result.figures.loadAverage === 'number' ? String(l.result.figures.loadAverage) : '';
    lines.push(`| ${l.result.name} | ${l.scale} | ${l.at.slice(0, 16).replace('T', ' ')} | ${load} | ${ratio} | ${cell(l.result.summary)} |`);
  }
  const notes = latest.filter((l) => l.result.note);
  if (notes.length) {
    lines.push('', '### Notes', '');
    for (const l of notes) lines.push(`- **${l.result.name}** (${l.scale}): ${cell(l.result.note!)}`);
  }
  const curves = latest.flatMap((l) => (l.result.curves ?? []).map((c) => ({ c, l })));
  if (curves.length) {
    lines.push('', '### Cost curves', '', '| Curve | Scale | Points (size → value) | Growth |', '|---|---|---|---|');
    for (const { c, l } of curves) {
      const pts = c.points.map((p) => `${p.size.toLocaleString('en')} → ${p.value}`).join(', ');
      lines.push(`| ${cell(c.name)} | ${l.scale} | ${pts} | ${c.growth} (exponent ${Number.isNaN(c.exponent) ? 'n/a' : c.exponent.toFixed(2)}) |`);
    }
  }
  if (chartFiles.length) {
    lines.push('', '### Charts', '');
    for (const f of [...chartFiles].sort()) lines.push(`- [${f}](${f})`);
  }
  lines.push('', END_MARKER);
  return lines.join('\n');
}

/** Replaces the block between the markers (appending it when the markers are missing). */
export function replaceBlock(readme: string, block: string): string {
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (start === -1 || end === -1 || end < start) return `${readme.trimEnd()}\n\n## Latest results\n\n${block}\n`;
  return readme.slice(0, start) + block + readme.slice(end + END_MARKER.length);
}

export function updateReadme(readmePath: string, block: string): void {
  const current = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : '# Benchmarks\n';
  writeFileSync(readmePath, replaceBlock(current, block));
}
