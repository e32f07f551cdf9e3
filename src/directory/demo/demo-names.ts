/**
 * Plausible Vietnamese personal names for demo collaborators: family name, one middle name and a
 * given name, drawn per gender so that combinations like "Nguyễn Thị Hùng" do not appear.
 */
import { type Rng, pick, weightedPicker } from './prng.js';

// Rough national frequencies, nudged toward the south-central coast (Huỳnh, Võ, Phan more common).
const pickFamily = weightedPicker<string>([
  ['Nguyễn', 38],
  ['Trần', 11],
  ['Lê', 9.5],
  ['Phạm', 7],
  ['Phan', 4.5],
  ['Huỳnh', 3.5],
  ['Võ', 3.5],
  ['Hoàng', 2.5],
  ['Đặng', 2.1],
  ['Bùi', 2],
  ['Vũ', 1.5],
  ['Đỗ', 1.4],
  ['Hồ', 1.3],
  ['Ngô', 1.3],
  ['Dương', 1],
  ['Lý', 0.5],
]);

const pickMaleMiddle = weightedPicker<string>([
  ['Văn', 30],
  ['Minh', 10],
  ['Hữu', 8],
  ['Đức', 8],
  ['Quốc', 6],
  ['Thanh', 6],
  ['Công', 5],
  ['Đình', 5],
  ['Quang', 5],
  ['Tấn', 4],
  ['Xuân', 4],
  ['Ngọc', 3],
  ['Trung', 3],
  ['Nhật', 2],
  ['Anh', 2],
]);

const pickFemaleMiddle = weightedPicker<string>([
  ['Thị', 45],
  ['Ngọc', 10],
  ['Thanh', 6],
  ['Thu', 6],
  ['Kim', 5],
  ['Mỹ', 4],
  ['Hồng', 4],
  ['Minh', 3],
  ['Phương', 3],
  ['Bích', 3],
  ['Thùy', 3],
  ['Khánh', 2],
]);

const MALE_GIVEN = [
  'An', 'Bảo', 'Bình', 'Cường', 'Dũng', 'Duy', 'Đạt', 'Hải', 'Hiếu', 'Hoàng', 'Hùng', 'Huy', 'Khải', 'Khánh',
  'Khoa', 'Kiên', 'Lâm', 'Long', 'Lộc', 'Minh', 'Nam', 'Nghĩa', 'Nhân', 'Phong', 'Phúc', 'Phước', 'Quân',
  'Quang', 'Sơn', 'Tài', 'Tâm', 'Thắng', 'Thành', 'Thịnh', 'Tiến', 'Toàn', 'Trí', 'Trung', 'Tuấn', 'Tùng',
  'Việt', 'Vinh', 'Vũ',
] as const;

const FEMALE_GIVEN = [
  'Anh', 'Châu', 'Diễm', 'Dung', 'Duyên', 'Giang', 'Hà', 'Hạnh', 'Hằng', 'Hiền', 'Hoa', 'Huyền', 'Hương', 'Lan',
  'Liên', 'Linh', 'Loan', 'Ly', 'Mai', 'My', 'Nga', 'Ngân', 'Nhi', 'Nhung', 'Oanh', 'Phương', 'Quyên', 'Quỳnh',
  'Tâm', 'Thảo', 'Thư', 'Thủy', 'Trang', 'Trinh', 'Tuyết', 'Uyên', 'Vân', 'Vy', 'Xuân', 'Yến',
] as const;

export type DemoGender = 'male' | 'female';

export function generateVietnameseName(rng: Rng): { fullName: string; gender: DemoGender } {
  const gender: DemoGender = rng() < 0.5 ? 'male' : 'female';
  const family = pickFamily(rng);
  const middle = gender === 'male' ? pickMaleMiddle(rng) : pickFemaleMiddle(rng);
  const givenPool = gender === 'male' ? MALE_GIVEN : FEMALE_GIVEN;
  let given = pick(rng, givenPool);
  // "Minh Minh" or "Hoàng … Hoàng" reads as a data error, so draw again.
  while (given === middle || given === family) given = pick(rng, givenPool);
  return { fullName: `${family} ${middle} ${given}`, gender };
}
