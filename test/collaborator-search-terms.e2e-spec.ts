/**
 * The collaborator search's index condition (migration 1764500000000-CollaboratorSearchTerms):
 * `f_search_terms(search) @@ f_search_query(q)` must hold for every row the exact filter (the
 * folded substring LIKE) accepts, so adding it never loses a match. Checked against the LIKE alone
 * for every substring of awkward names (diacritics, double spaces, punctuation, LIKE
 * metacharacters, words longer than the indexed affixes, codes with spaces), read through the GIN
 * index (sequential scans off), and after inserts and updates.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlParams } from '../src/common/auth/scope.js';
import { foldedSearch } from '../src/common/database/search.js';
import { databaseUrl, dropDatabase } from './support/postgres.js';
import { createTestDatabase } from './support/test-app.js';

const ORG = 'a0000000-0000-4000-8000-000000000001';

const PEOPLE: Array<[code: string, fullName: string]> = [
  ['NC-0000123', 'Nguyễn Văn An'],
  ['NC-0000124', 'Đặng  Văn   Đức'],
  ['NC-0000125', 'Lê Thị Ngọc-Ánh'],
  ['NC-0000126', "O'Brien Phương"],
  ['NC-0000127', 'Trần Thị Hương\\Nhi'],
  ['NC-0000128', 'Hoàng 50% Lan_Anh'],
  ['NC-0000129', 'Nghiêng Nguyệt Trường Khuyến'],
  ['NC-0000130', 'Aaaaaaaaaaaa Bbbbbbbbbbbbbb Ccccccccccc'],
  ['NC-0000131', 'X'],
  ['AB 12', 'Ｆｕｌｌ％ Width'],
  ['NC-0000133', 'Phạm Ngọc Thu Thủy'],
  ['NC-0000134', 'Võ Văn Văn'],
];

/** Every substring (1–24 characters) of each person's name and code as typed, plus a few by hand. */
function queries(): string[] {
  const out = new Set<string>(['nguyen van', 'van an nc', 'an nc-000012', 'thi', 'a', 'an', '%', '_', '\\', "o'b", 'x nc', 'zzz', 'ngoc thu thuy nc-0000133', 'aaaaaaaaaaaa bbbbbbbbbbbbbb c']);
  for (const [code, name] of PEOPLE) {
    const text = `${name} ${code}`;
    for (let start = 0; start < text.length; start++) {
      for (let len = 1; len <= 24 && start + len <= text.length; len++) out.add(text.slice(start, start + len));
    }
  }
  return [...out].filter((q) => q.trim().length > 0);
}

describe('collaborator search terms (the GIN condition beside the exact LIKE)', () => {
  let dbName: string;
  let client: pg.Client;

  const find = async (q: string, terms: boolean): Promise<string[]> => {
    const params = new SqlParams();
    const where = foldedSearch('c.search', q, params, { terms });
    const { rows } = await client.query<{ code: string }>(`SELECT c.code FROM collaborator c WHERE ${where} ORDER BY c.code`, params.values);
    return rows.map((r) => r.code);
  };

  beforeAll(async () => {
    dbName = await createTestDatabase();
    client = new pg.Client({ connectionString: databaseUrl(dbName) });
    await client.connect();
    await client.query(`INSERT INTO organisation (id, code, name, kind, ancestors, depth) VALUES ($1, 'ORG', 'Org', 'bloc_committee', ARRAY[$1]::uuid[], 0)`, [ORG]);
    for (const [code, fullName] of PEOPLE) await client.query(`INSERT INTO collaborator (code, organisation_id, full_name) VALUES ($1, $2, $3)`, [code, ORG, fullName]);
    // Read through the index, so a term missing from it (not only from the function) would show.
    await client.query(`SET enable_seqscan = off`);
  });
  afterAll(async () => {
    await client?.end();
    if (dbName) await dropDatabase(dbName);
  });

  it('reads the terms index for a search', async () => {
    const params = new SqlParams();
    const where = foldedSearch('c.search', 'pham ngoc', params, { terms: true });
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN SELECT c.code FROM collaborator c WHERE ${where}`, params.values);
    expect(rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('collaborator_search_terms_idx');
  });

  it('finds with the index condition exactly what the LIKE alone finds, for every substring of every name', async () => {
    const all = queries();
    expect(all.length).toBeGreaterThan(1000);
    const differences: string[] = [];
    let matched = 0;
    for (const q of all) {
      const [exact, indexed] = [await find(q, false), await find(q, true)];
      if (exact.length > 0) matched++;
      if (JSON.stringify(exact) !== JSON.stringify(indexed)) differences.push(`${JSON.stringify(q)}: LIKE ${exact.join(',')} / index ${indexed.join(',')}`);
    }
    expect(differences).toEqual([]);
    // the substrings do find their people (the comparison is not between two empty lists)
    expect(matched).toBeGreaterThan(all.length * 0.9);
  });

  it('matches diacritics, case and partial syllables as before; LIKE metacharacters and full-width forms match literally', async () => {
    expect(await find('Pham Ngoc Thu Th', true)).toEqual(['NC-0000133']);
    expect(await find('văn', true)).toEqual(['NC-0000123', 'NC-0000124', 'NC-0000134']);
    expect(await find('guyệt trườ', true)).toEqual(['NC-0000129']);
    expect(await find('uyen', true)).toEqual(['NC-0000123', 'NC-0000129']);
    expect(await find('50%', true)).toEqual(['NC-0000128']);
    expect(await find('%', true)).toEqual(['AB 12', 'NC-0000128']);
    expect(await find('n_a', true)).toEqual(['NC-0000128']);
    expect(await find('van_an', true)).toEqual([]); // '_' is no wildcard: "Văn An" is not found
    expect(await find('full%', true)).toEqual(['AB 12']);
    expect(await find('width ab 1', true)).toEqual(['AB 12']);
  });

  it('keeps the index current on insert and update', async () => {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO collaborator (code, organisation_id, full_name) VALUES ('NC-NEW', $1, 'Lý Bích Ngân') RETURNING id`,
      [ORG],
    );
    expect(await find('ly bich ngan', true)).toEqual(['NC-NEW']);
    await client.query(`UPDATE collaborator SET full_name = 'Lý Bích Ngọc' WHERE id = $1`, [rows[0]!.id]);
    expect(await find('ly bich ngan', true)).toEqual([]);
    expect(await find('bich ngoc nc-n', true)).toEqual(['NC-NEW']);
    await client.query(`UPDATE collaborator SET code = 'NC-RENAMED' WHERE id = $1`, [rows[0]!.id]);
    expect(await find('ngoc nc-re', true)).toEqual(['NC-RENAMED']);
  });
});
