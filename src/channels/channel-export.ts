import type { ExportColumn } from '../common/http/spreadsheet-export.js';
import type { ChannelDto } from './dto/channel.dto.js';

export const PLATFORM_LABELS: Record<string, string> = {
  facebook_page: 'Trang Facebook',
  facebook_group: 'Nhóm Facebook',
  zalo_group: 'Nhóm Zalo',
  zalo_oa: 'Zalo OA',
  mocha_group: 'Nhóm Mocha',
  website: 'Trang web',
};

/** Columns of the channel export (Vietnamese headers). */
export const CHANNEL_EXPORT_COLUMNS: ExportColumn<ChannelDto>[] = [
  { header: 'Mã', width: 14, value: (c) => c.code },
  { header: 'Tên kênh', width: 40, value: (c) => c.name },
  { header: 'Nền tảng', width: 18, value: (c) => PLATFORM_LABELS[c.platform] ?? c.platform },
  { header: 'Đường dẫn', width: 50, value: (c) => c.url },
  { header: 'Mã đơn vị', width: 14, value: (c) => c.organisation.code },
  { header: 'Đơn vị', width: 40, value: (c) => c.organisation.name },
  { header: 'Số người theo dõi', width: 16, value: (c) => c.audienceSize },
  { header: 'Quản trị viên', width: 40, value: (c) => c.admins.map((a) => a.fullName).join(', ') },
  { header: 'Mã quản trị viên', width: 30, value: (c) => c.admins.map((a) => a.code).join(', ') },
  { header: 'Đang hoạt động', width: 14, value: (c) => (c.active ? 'Có' : 'Không') },
];
