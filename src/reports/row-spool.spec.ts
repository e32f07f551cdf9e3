import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RowSpool } from './row-spool.js';

describe('row spool', () => {
  const dir = mkdtempSync(join(tmpdir(), 'outreach-spool-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives back every row in the order written, and removes its file', async () => {
    const spool = new RowSpool<{ n: number; name: string; at: string | null }>(join(dir, 'a.jsonl'));
    const rows = Array.from({ length: 5000 }, (_, n) => ({ n, name: `Nguyễn Văn ${n}\n"quoted"`, at: n % 2 ? null : new Date(n).toISOString() }));
    for (const r of rows) await spool.write(r);
    await expect(async () => {
      for await (const _ of spool.read()) break;
    }).rejects.toThrow(/before end/);
    await spool.end();
    const back = [];
    for await (const r of spool.read()) back.push(r);
    expect(back).toEqual(rows);
    await spool.remove();
    expect(existsSync(spool.path)).toBe(false);
  });

  it('gives up beyond its limit: file deleted, nothing to read', async () => {
    const spool = new RowSpool<{ n: number }>(join(dir, 'b.jsonl'), 3);
    for (let n = 0; n < 10; n++) await spool.write({ n });
    await spool.end();
    expect(spool.overflowed).toBe(true);
    expect(existsSync(spool.path)).toBe(false);
    await expect(async () => {
      for await (const _ of spool.read()) break;
    }).rejects.toThrow(/overflowed/);
  });
});
