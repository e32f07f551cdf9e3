import { readFileSync } from 'node:fs';
import type pg from 'pg';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ: 100 on Linux x86-64). */
const TICKS_PER_SECOND = 100;

/** User + system CPU time a process has used so far (ms), or undefined once it is gone. */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at field 3; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

export interface CpuFigures {
  /** CPU the server process used meanwhile (ms). */
  serverMs: number;
  /** CPU its database connections (backends with its application_name) used meanwhile (ms). */
  databaseMs: number;
}

/**
 * CPU time a server and its Postgres backends spend while `during` runs: unlike requests per
 * second, the cost of a request in CPU time hardly depends on what else the shared machine is
 * doing, so it says what the throughput would be on a machine of its own. Backends are found by
 * `application_name` in the bench database (read through `monitor`), before and after; one that
 * starts meanwhile counts from zero, one that ends meanwhile is missed (pools keep theirs open).
 */
export async function measureCpu<T>(
  serverPid: number,
  monitor: pg.Client,
  applicationName: string,
  during: () => Promise<T>,
): Promise<{ result: T; cpu: CpuFigures }> {
  const backends = async () => {
    const { rows } = await monitor.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1',
      [applicationName],
    );
    return new Map(rows.map((r) => [r.pid, processCpuMs(r.pid) ?? 0]));
  };
  const serverBefore = processCpuMs(serverPid) ?? 0;
  const before = await backends();
  const result = await during();
  const serverAfter = processCpuMs(serverPid) ?? serverBefore;
  const after = await backends();
  let databaseMs = 0;
  for (const [pid, ms] of after) databaseMs += ms - (before.get(pid) ?? 0);
  return { result, cpu: { serverMs: serverAfter - serverBefore, databaseMs } };
}
