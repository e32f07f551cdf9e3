import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { TALLY_COLUMNS, TALLY_COUNTS_SQL, TALLY_DAY_SQL } from '../../migrations/1764180000000-ReportTallies.js';
import { TALLY_MONTH_SQL } from '../../migrations/1764500000001-ReportRollups.js';

export interface TallyMismatch {
  table: string;
  key: Record<string, unknown>;
  tally: Record<string, number>;
  direct: Record<string, number>;
}

export interface ConsistencyResult {
  consistent: boolean;
  checkedAt: string;
  tables: Array<{ table: string; tallyRows: number; mismatches: number }>;
  /** Up to 20 differing keys, for a human to read. */
  sample: TallyMismatch[];
  repaired?: boolean;
}

const TABLES = [
  { table: 'report_org_tally', keys: ['period_day', 'campaign_id', 'organisation_id', 'platform'], where: 'TRUE' },
  // The same counts per unit and month, and per person and month (migration ReportRollups), read by the organisation and per-collaborator reports.
  { table: 'report_org_month', keys: ['organisation_id', 'period_month'], where: 'TRUE' },
  { table: 'report_collaborator_tally', keys: ['period_day', 'campaign_id', 'organisation_id', 'collaborator_id', 'platform'], where: 'collaborator_id IS NOT NULL' },
  { table: 'report_collaborator_month', keys: ['collaborator_id', 'period_month'], where: 'collaborator_id IS NOT NULL' },
] as const;

/** Keys computed from a task's columns: the local day of its deadline, and that day's month. */
const KEY_SQL: Record<string, string> = { period_day: TALLY_DAY_SQL, period_month: TALLY_MONTH_SQL };
const keyExpression = (k: string) => KEY_SQL[k] ?? k;

/**
 * Proves the tallies equal a direct count over share_task (the one scan of every task, run on
 * demand by an admin, not per report), and rebuilds them when they do not.
 */
@Injectable()
export class ReportConsistencyService {
  constructor(private readonly dataSource: DataSource) {}

  async check(manager: EntityManager = this.dataSource.manager): Promise<ConsistencyResult> {
    const tables: ConsistencyResult['tables'] = [];
    const sample: TallyMismatch[] = [];
    for (const { table, keys, where } of TABLES) {
      const keyList = keys.join(', ');
      const direct = `SELECT ${keys.map((k) => `${keyExpression(k)} AS ${k}`).join(', ')}, ${TALLY_COUNTS_SQL}
                        FROM share_task WHERE ${where} GROUP BY ${keys.map((_, i) => i + 1).join(', ')}`;
      // Summed over shards (a key may have several rows); all-zero counts are equivalent to absent rows.
      const stored = `SELECT ${keyList}, ${TALLY_COLUMNS.map((c) => `sum(${c}) AS ${c}`).join(', ')} FROM ${table}
                       GROUP BY ${keyList} HAVING ${TALLY_COLUMNS.map((c) => `sum(${c}) <> 0`).join(' OR ')}`;
      const rows: Array<Record<string, unknown>> = await manager.query(
        `SELECT ${keys.map((k) => `coalesce(s.${k}, d.${k}) AS ${k}`).join(', ')},
                ${TALLY_COLUMNS.map((c) => `coalesce(s.${c}, 0) AS s_${c}, coalesce(d.${c}, 0) AS d_${c}`).join(', ')}
           FROM (${stored}) s FULL JOIN (${direct}) d USING (${keyList})
          WHERE ${TALLY_COLUMNS.map((c) => `coalesce(s.${c}, 0) <> coalesce(d.${c}, 0)`).join(' OR ')}`,
      );
      const [{ n }] = await manager.query(`SELECT count(*)::int AS n FROM ${table}`);
      tables.push({ table, tallyRows: n, mismatches: rows.length });
      for (const r of rows.slice(0, 20 - sample.length)) {
        sample.push({
          table,
          key: Object.fromEntries(keys.map((k) => [k, r[k]])),
          tally: Object.fromEntries(TALLY_COLUMNS.map((c) => [c, Number(r[`s_${c}`])])),
          direct: Object.fromEntries(TALLY_COLUMNS.map((c) => [c, Number(r[`d_${c}`])])),
        });
      }
    }
    return { consistent: tables.every((t) => t.mismatches === 0), checkedAt: new Date().toISOString(), tables, sample };
  }

  /**
   * Rebuilds every tally from share_task (into shard 0 where the table is sharded). SHARE lock on share_task: task writes wait for the
   * rebuild (seconds at 10M tasks), so nothing changes between the count and the swap.
   */
  async repair(): Promise<ConsistencyResult> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`LOCK TABLE share_task IN SHARE MODE`);
      for (const { table, keys, where } of TABLES) {
        await manager.query(`DELETE FROM ${table}`);
        await manager.query(
          `INSERT INTO ${table} (${keys.join(', ')}, ${TALLY_COLUMNS.join(', ')})
           SELECT ${keys.map(keyExpression).join(', ')}, ${TALLY_COUNTS_SQL}
             FROM share_task WHERE ${where} GROUP BY ${keys.map((_, i) => i + 1).join(', ')}`,
        );
      }
    });
    return { ...(await this.check()), repaired: true };
  }
}
