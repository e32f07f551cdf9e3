/**
 * `npm run bench:readme [-- --adopt <results file>…]`: rebuilds the latest-results block of
 * bench/README.md from every results file present (bench/results/*.json, not committed, and
 * bench/results/latest/*.json, committed: one per scale and scenario from every engineer's
 * runs). `--adopt` first keeps the results of the given run files under bench/results/latest
 * (e.g. a run made with --skip-readme before the latest files existed).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readRuns, renderLatestBlock, updateReadme, writeLatest, type RunFile } from './lib/readme.js';

const RESULTS_DIR = 'bench/results';
const CHARTS_DIR = 'bench/charts';
const README = 'bench/README.md';

const { values } = parseArgs({ options: { adopt: { type: 'string', multiple: true } } });
for (const file of values.adopt ?? []) {
  const run = JSON.parse(readFileSync(file, 'utf8')) as RunFile;
  for (const kept of writeLatest(RESULTS_DIR, run)) process.stdout.write(`kept ${kept}\n`);
}
const chartFiles = readdirSync(CHARTS_DIR).filter((f) => f.endsWith('.svg')).map((f) => `charts/${f}`);
const runs = readRuns(RESULTS_DIR);
updateReadme(README, renderLatestBlock(runs, chartFiles));
process.stdout.write(`updated ${README} from ${runs.length} run file(s)\n`);
