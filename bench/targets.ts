/** The targets of issue 9, in the order the README lists them; scenarios mark them by id. */
export const TARGETS: ReadonlyArray<{ id: string; description: string; scenario: string }> = [
  { id: 'fanout-vs-copy', description: 'fan-out within 3× of raw COPY of the same rows', scenario: 'fanout, fanout-large' },
  { id: 'fanout-demo', description: 'demo campaign fanned out in < 5 s', scenario: 'fanout' },
  { id: 'fanout-memory', description: '5M tasks fanned out with flat worker memory (the worker process’s peak RSS at 5M ≤ 1.2× at 1M, and its rise above idle ≤ 10% of the rows’ size as COPY text)', scenario: 'fanout-large' },
  { id: 'complete-throughput', description: '`complete` ≥ 0.5× the one-UPDATE baseline route’s throughput', scenario: 'complete' },
  { id: 'complete-p99', description: '`complete` p99 < 50 ms at 50 connections', scenario: 'complete' },
  { id: 'complete-rss', description: 'API RSS < 300 MB under the `complete` load', scenario: 'complete' },
  { id: 'report-p50', description: 'organisation report p50 < 50 ms at 10M tasks', scenario: 'reports' },
  { id: 'report-growth', description: 'organisation report at 10M ≤ 2× its time at 100k', scenario: 'reports' },
  { id: 'search-p50', description: 'directory search p50 < 50 ms at 5M collaborators', scenario: 'search' },
  { id: 'import-10k', description: '10,000-row import < 10 s', scenario: 'import' },
  { id: 'export-4300', description: '4,300-row `.xlsx` export < 3 s', scenario: 'export' },
  { id: 'export-memory', description: 'per-collaborator export of 1,000,000 rows with flat memory (peak RSS ≤ 1.5× the 4,300-row export’s)', scenario: 'export' },
];
