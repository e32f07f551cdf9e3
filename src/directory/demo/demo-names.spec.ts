import { describe, expect, it } from 'vitest';
import { generateVietnameseName } from './demo-names.js';
import { mulberry32 } from './prng.js';

const FAMILIES = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý'];

describe('generateVietnameseName', () => {
  const rng = mulberry32(2024);
  const names = Array.from({ length: 5_000 }, () => generateVietnameseName(rng));

  it('produces "Family Middle Given" in NFC from the expected family names', () => {
    const bad = names.filter(({ fullName }) => {
      const parts = fullName.split(' ');
      return (
        parts.length !== 3 ||
        !FAMILIES.includes(parts[0]!) ||
        fullName.normalize('NFC') !== fullName ||
        parts[1] === parts[2] ||
        parts[0] === parts[2]
      );
    });
    expect(bad).toEqual([]);
  });

  it('uses every family name, with Nguyễn the most common by far', () => {
    const counts = new Map<string, number>();
    for (const { fullName } of names) counts.set(fullName.split(' ')[0]!, (counts.get(fullName.split(' ')[0]!) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([...FAMILIES].sort());
    const nguyen = counts.get('Nguyễn')! / names.length;
    expect(nguyen).toBeGreaterThan(0.3);
    expect(nguyen).toBeLessThan(0.46);
    for (const [family, n] of counts) if (family !== 'Nguyễn') expect(n).toBeLessThan(counts.get('Nguyễn')!);
  });

  it('keeps middle names consistent with gender (Thị only for women, Văn only for men)', () => {
    for (const { fullName, gender } of names) {
      const middle = fullName.split(' ')[1];
      if (middle === 'Thị') expect(gender).toBe('female');
      if (middle === 'Văn') expect(gender).toBe('male');
    }
    const women = names.filter((n) => n.gender === 'female').length / names.length;
    expect(women).toBeGreaterThan(0.45);
    expect(women).toBeLessThan(0.55);
  });

  it('gives a varied population', () => {
    expect(new Set(names.map((n) => n.fullName)).size).toBeGreaterThan(2_000);
  });
});
