import type { ExportColumn } from '../common/http/spreadsheet-export.js';
import type { CollaboratorDto } from './dto/collaborator.dto.js';

/** Columns of the collaborator export; headers as offices type them (the import reads them back). */
export const COLLABORATOR_EXPORT_COLUMNS: ExportColumn<CollaboratorDto>[] = [
  { header: 'Mã', width: 14, value: (c) => c.code },
  { header: 'Họ và tên', width: 30, value: (c) => c.fullName },
  { header: 'Số điện thoại', width: 16, value: (c) => c.phone },
  { header: 'Email', width: 30, value: (c) => c.email },
  { header: 'Chức vụ', width: 24, value: (c) => c.position },
  { header: 'Mã đơn vị', width: 14, value: (c) => c.organisation.code },
  { header: 'Đơn vị', width: 40, value: (c) => c.organisation.name },
  { header: 'Nhãn', width: 30, value: (c) => c.tags.join(', ') },
  { header: 'Ngày tham gia', width: 14, value: (c) => c.joinedOn },
  { header: 'Đang hoạt động', width: 14, value: (c) => (c.active ? 'Có' : 'Không') },
];
