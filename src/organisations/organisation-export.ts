import type { ExportColumn } from '../common/http/spreadsheet-export.js';
import type { OrganisationDto } from './dto/organisation.dto.js';

export const ORGANISATION_KIND_LABELS: Record<string, string> = {
  bloc_committee: 'Đảng bộ Khối',
  grassroots_committee: 'Đảng bộ cơ sở',
  grassroots_cell: 'Chi bộ cơ sở',
  affiliated_cell: 'Chi bộ trực thuộc',
  staff_office: 'Cơ quan tham mưu',
};

/** Columns of the organisation export (Vietnamese headers, as offices read them). */
export function organisationExportColumns(parentCodes: Map<string, string>): ExportColumn<OrganisationDto>[] {
  return [
    { header: 'Mã', width: 14, value: (o) => o.code },
    { header: 'Tên', width: 48, value: (o) => o.name },
    { header: 'Tên viết tắt', width: 20, value: (o) => o.shortName },
    { header: 'Loại', width: 20, value: (o) => ORGANISATION_KIND_LABELS[o.kind] ?? o.kind },
    { header: 'Mã đơn vị cấp trên', width: 18, value: (o) => (o.parentId ? (parentCodes.get(o.parentId) ?? o.parentId) : null) },
    { header: 'Cấp', width: 6, value: (o) => o.depth },
    { header: 'Đang hoạt động', width: 14, value: (o) => (o.active ? 'Có' : 'Không') },
    { header: 'Mã hệ thống', width: 38, value: (o) => o.id },
  ];
}
