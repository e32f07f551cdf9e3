import { PLATFORMS, type Platform } from '../channels/platform.js';
import { foldVietnamese } from '../common/text/vietnamese.util.js';
import { ORGANISATION_KINDS, type OrganisationKind } from '../organisations/organisation.entity.js';
import type { ImportKind } from './import.types.js';

/** A column an import understands: the field it fills and the headers offices type for it. */
export interface ColumnSpec {
  field: string;
  /** Header of the downloadable template (Vietnamese). */
  label: string;
  /** Other accepted headers; the field name and label are always accepted. */
  aliases: readonly string[];
  required: boolean;
  example: string;
}

/** A free-text column whose content is ignored, except that the template's example row is skipped. */
export const NOTE_COLUMN: ColumnSpec = { field: 'note', label: 'Ghi chú', aliases: ['note', 'notes'], required: false, example: 'VÍ DỤ – xóa dòng này trước khi nhập' };
export const EXAMPLE_MARKERS = ['vi du', 'example'];

export const COLUMNS: Record<ImportKind, readonly ColumnSpec[]> = {
  organisations: [
    { field: 'code', label: 'Mã đơn vị', aliases: ['Mã', 'Mã tổ chức'], required: true, example: 'SYT' },
    { field: 'name', label: 'Tên đơn vị', aliases: ['Tên', 'Tên tổ chức'], required: true, example: 'Đảng bộ Sở Y tế' },
    { field: 'shortName', label: 'Tên viết tắt', aliases: ['short name'], required: false, example: 'Sở Y tế' },
    { field: 'kind', label: 'Loại', aliases: ['Loại đơn vị', 'Loại hình'], required: true, example: 'Đảng bộ cơ sở' },
    { field: 'parentCode', label: 'Mã đơn vị cấp trên', aliases: ['Đơn vị cấp trên', 'parent', 'Mã cấp trên'], required: false, example: 'KHOI' },
  ],
  collaborators: [
    { field: 'code', label: 'Mã CTV', aliases: ['Mã', 'Mã cộng tác viên'], required: true, example: 'CTV00001' },
    { field: 'fullName', label: 'Họ và tên', aliases: ['Họ tên', 'Tên', 'name', 'full name'], required: true, example: 'Nguyễn Văn An' },
    { field: 'phone', label: 'Số điện thoại', aliases: ['SĐT', 'Điện thoại', 'Di động', 'phone number'], required: false, example: '0905 123 456' },
    { field: 'email', label: 'Email', aliases: ['Thư điện tử', 'E-mail'], required: false, example: 'nguyenvanan@example.org' },
    { field: 'organisationCode', label: 'Mã đơn vị', aliases: ['Đơn vị', 'organisation', 'Tổ chức'], required: true, example: 'SYT' },
    { field: 'position', label: 'Chức vụ', aliases: ['Chức danh'], required: false, example: 'Chuyên viên' },
    { field: 'tags', label: 'Nhãn', aliases: ['Đối tượng', 'Phân loại'], required: false, example: 'Đảng viên, Công chức' },
    { field: 'joinedOn', label: 'Ngày tham gia', aliases: ['joined', 'Ngày vào'], required: false, example: '15/03/2024' },
  ],
  channels: [
    { field: 'code', label: 'Mã kênh', aliases: ['Mã'], required: true, example: 'KENH-SYT-01' },
    { field: 'organisationCode', label: 'Mã đơn vị', aliases: ['Đơn vị', 'organisation'], required: true, example: 'SYT' },
    { field: 'platform', label: 'Nền tảng', aliases: ['Loại kênh', 'Mạng xã hội'], required: true, example: 'Fanpage' },
    { field: 'name', label: 'Tên kênh', aliases: ['Tên'], required: true, example: 'Fanpage Sở Y tế' },
    { field: 'url', label: 'Đường dẫn', aliases: ['Link', 'Địa chỉ', 'URL'], required: true, example: 'https://facebook.com/soytephuyen' },
    { field: 'audienceSize', label: 'Số thành viên', aliases: ['Số người theo dõi', 'audience'], required: false, example: '1200' },
    { field: 'adminCodes', label: 'Quản trị viên', aliases: ['Mã quản trị viên', 'admins'], required: false, example: 'CTV00001, CTV00002' },
  ],
};

/** "Số điện thoại" / "so dien thoai" / "SoDienThoai" / "phone_number" all fold to one key. */
export function headerKey(header: string): string {
  return foldVietnamese(header).replace(/[^a-z0-9]/g, '');
}

export interface HeaderMapping {
  /** field → index of its column in the row. */
  index: Map<string, number>;
  /** field → the header as typed, for rejection messages. */
  header: Map<string, string>;
  missing: ColumnSpec[];
}

export function mapHeaders(kind: ImportKind, headers: readonly string[]): HeaderMapping {
  const keys = headers.map(headerKey);
  const index = new Map<string, number>();
  const header = new Map<string, string>();
  for (const spec of [...COLUMNS[kind], NOTE_COLUMN]) {
    const accepted = new Set([spec.field, spec.label, ...spec.aliases].map(headerKey));
    const i = keys.findIndex((k) => accepted.has(k));
    if (i === -1) continue;
    index.set(spec.field, i);
    header.set(spec.field, headers[i]!);
  }
  return { index, header, missing: COLUMNS[kind].filter((c) => c.required && !index.has(c.field)) };
}

function labelMap<T extends string>(entries: ReadonlyArray<readonly [T, readonly string[]]>): Map<string, T> {
  const map = new Map<string, T>();
  for (const [code, labels] of entries) for (const label of [code, ...labels]) map.set(headerKey(label), code);
  return map;
}

const ORGANISATION_KIND_LABELS = labelMap<OrganisationKind>([
  ['bloc_committee', ['Đảng bộ Khối', 'Đảng ủy Khối', 'bloc committee', 'Khối']],
  ['grassroots_committee', ['Đảng bộ cơ sở', 'Đảng ủy cơ sở', 'grassroots committee', 'Đảng bộ']],
  ['grassroots_cell', ['Chi bộ cơ sở', 'grassroots cell']],
  ['affiliated_cell', ['Chi bộ trực thuộc', 'affiliated cell', 'Chi bộ']],
  ['staff_office', ['Cơ quan tham mưu', 'Ban tham mưu', 'Ban', 'Văn phòng', 'staff office']],
]);

export function organisationKindOf(text: string): OrganisationKind | null {
  const kind = ORGANISATION_KIND_LABELS.get(headerKey(text));
  return kind && (ORGANISATION_KINDS as readonly string[]).includes(kind) ? kind : null;
}

const PLATFORM_LABELS = labelMap<Platform>([
  ['facebook_page', ['Fanpage', 'Trang Facebook', 'Facebook page', 'Facebook']],
  ['facebook_group', ['Nhóm Facebook', 'Group Facebook', 'Facebook group']],
  ['zalo_group', ['Nhóm Zalo', 'Group Zalo', 'Zalo group', 'Zalo']],
  ['zalo_oa', ['Zalo OA', 'Zalo Official Account', 'Trang Zalo']],
  ['mocha_group', ['Nhóm Mocha', 'Mocha', 'Mocha group']],
  ['website', ['Website', 'Trang thông tin điện tử', 'Trang web', 'Cổng thông tin']],
]);

export function platformOf(text: string): Platform | null {
  const platform = PLATFORM_LABELS.get(headerKey(text));
  return platform && (PLATFORMS as readonly string[]).includes(platform) ? platform : null;
}

/** Collaborator tags: the codes, and the Vietnamese words offices use for them. */
export const COLLABORATOR_TAGS = ['party_member', 'civil_servant', 'employee', 'union_member', 'youth_union_member', 'reporter', 'communicator'] as const;

const TAG_LABELS = labelMap<string>([
  ['party_member', ['Đảng viên', 'party member']],
  ['civil_servant', ['Công chức', 'Viên chức', 'Công chức, viên chức', 'Cán bộ', 'civil servant']],
  ['employee', ['Người lao động', 'Nhân viên', 'Lao động', 'employee']],
  ['union_member', ['Công đoàn viên', 'Đoàn viên công đoàn', 'Hội viên', 'union member']],
  ['youth_union_member', ['Đoàn viên', 'Đoàn viên thanh niên', 'youth union member']],
  ['reporter', ['Báo cáo viên', 'reporter']],
  ['communicator', ['Tuyên truyền viên', 'communicator']],
]);

/** Files repeat the same few labels thousands of times; fold each spelling once. */
const tagCache = new Map<string, string | null>();

export function tagOf(text: string): string | null {
  let tag = tagCache.get(text);
  if (tag === undefined) {
    tag = TAG_LABELS.get(headerKey(text)) ?? null;
    if (tagCache.size < 10_000) tagCache.set(text, tag);
  }
  return tag;
}
