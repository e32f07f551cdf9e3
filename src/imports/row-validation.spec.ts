import { describe, expect, it } from 'vitest';
import { mapHeaders } from './import-columns.js';
import type { CellValue } from './import.types.js';
import { looksLikeFormula, validateRow } from './row-validation.js';

const COLLABORATOR_HEADERS = ['Mã CTV', 'HỌ VÀ TÊN', 'so dien thoai', 'Email', 'Đơn vị', 'Chức vụ', 'Nhãn', 'Ngày tham gia', 'Ghi chú'];
const mapping = mapHeaders('collaborators', COLLABORATOR_HEADERS);
const row = (cells: CellValue[], n = 2) => validateRow('collaborators', { row: n, cells }, mapping);

describe('looksLikeFormula', () => {
  it.each(['=HYPERLINK("http://x","y")', '=1+1', '+cmd|calc', '-2+3*cmd', '@SUM(A1)', '\t=A1', ' =A1'])('flags %j', (text) => {
    expect(looksLikeFormula(text)).toBe(true);
  });
  it.each(['+84905123456', '-5', '+1.5', 'Nguyễn Văn An', 'a=b', '84-905-123-456', ''])('accepts %j', (text) => {
    expect(looksLikeFormula(text)).toBe(false);
  });
});

describe('validateRow (collaborators)', () => {
  it('normalises phone, e-mail, tags, dates and Unicode', () => {
    const decomposed = 'Nguye\u0302\u0303n Va\u0306n An';
    const result = row(['CTV1', decomposed, '0905 123 456', 'An@Example.org', 'SYT', 'Chuyên viên', 'đảng viên; Đoàn viên, Báo cáo viên', '05/01/2024', '']);
    expect(result).toEqual({
      ok: true,
      value: {
        row: 2,
        code: 'CTV1',
        fullName: 'Nguyễn Văn An',
        phone: '+84905123456',
        email: 'an@example.org',
        organisationRef: 'SYT',
        position: 'Chuyên viên',
        tags: ['party_member', 'reporter', 'youth_union_member'],
        joinedOn: '2024-01-05',
      },
    });
  });

  it('reads Excel dates as Date cells and as serial numbers', () => {
    const asDate = row(['C', 'A', null, null, 'U', null, null, new Date(Date.UTC(2023, 11, 31)), null]);
    const asSerial = row(['C', 'A', null, null, 'U', null, null, 45291, null]);
    expect(asDate.ok === true && asDate.value).toMatchObject({ joinedOn: '2023-12-31', tags: null, phone: null });
    expect(asSerial.ok === true && asSerial.value).toMatchObject({ joinedOn: '2023-12-31' });
  });

  it('reports every problem of a row with its column as typed', () => {
    const result = row(['bad code', '', '12345', 'not-mail', '', null, 'Thợ lặn', '31/02/2024', null], 7);
    expect(result.ok).toBe(false);
    const problems = result.ok === false ? result.problems : [];
    expect(problems.map((p) => p.column)).toEqual(['Mã CTV', 'HỌ VÀ TÊN', 'so dien thoai', 'Email', 'Đơn vị', 'Nhãn', 'Ngày tham gia']);
    expect(problems.every((p) => p.row === 7)).toBe(true);
  });

  it('refuses formula cells and formula-looking text', () => {
    const result = row(['C', { formula: 'HYPERLINK("x")' }, null, null, '@evil', null, null, null, null]);
    expect(result.ok === false && result.problems.map((p) => p.column)).toEqual(['HỌ VÀ TÊN', 'Đơn vị']);
  });

  it('skips the template example row', () => {
    expect(row(['C', 'A', null, null, 'U', null, null, null, 'Ví dụ – xóa dòng này'])).toEqual({ ok: 'skip' });
  });
});

describe('mapHeaders', () => {
  it('matches English or Vietnamese headers regardless of case and diacritics, and names what is missing', () => {
    expect([...mapHeaders('collaborators', COLLABORATOR_HEADERS).index.keys()].sort()).toEqual(
      ['code', 'email', 'fullName', 'joinedOn', 'note', 'organisationCode', 'phone', 'position', 'tags'].sort(),
    );
    expect(mapHeaders('channels', ['code', 'Nen tang', 'URL']).missing.map((c) => c.field)).toEqual(['organisationCode', 'name']);
    expect(mapHeaders('organisations', ['Mã', 'Tên', 'Loại', 'Mã đơn vị cấp trên']).missing).toEqual([]);
  });
});

describe('validateRow (organisations, channels)', () => {
  it('maps Vietnamese kind and platform labels', () => {
    const org = validateRow('organisations', { row: 2, cells: ['SYT', 'Đảng bộ Sở Y tế', 'Sở Y tế', 'Đảng bộ cơ sở', 'KHOI'] }, mapHeaders('organisations', ['Mã', 'Tên', 'Tên viết tắt', 'Loại', 'Mã đơn vị cấp trên']));
    expect(org.ok === true && org.value).toMatchObject({ kind: 'grassroots_committee', parentCode: 'KHOI' });
    const channelMapping = mapHeaders('channels', ['Mã kênh', 'Mã đơn vị', 'Nền tảng', 'Tên kênh', 'Đường dẫn', 'Số thành viên', 'Quản trị viên']);
    const channel = validateRow('channels', { row: 2, cells: ['K1', 'SYT', 'nhom zalo', 'Nhóm', 'https://zalo.me/g/abcd1234', '1.500', 'CTV1; CTV2'] }, channelMapping);
    expect(channel.ok === true && channel.value).toMatchObject({ platform: 'zalo_group', audienceSize: 1500, adminCodes: ['CTV1', 'CTV2'] });
  });
});
