import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsObject, IsOptional, IsUUID, ValidateNested } from 'class-validator';
import { CollaboratorReportQueryDto, ORGANISATION_KINDS } from './report-query.dto.js';

export const EXPORT_REPORTS = ['organisations', 'collaborators'] as const;
export type ExportReport = (typeof EXPORT_REPORTS)[number];
export const EXPORT_FORMATS = ['xlsx', 'csv', 'pdf'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The filters of the report being exported (same as its GET query). */
export class ExportFiltersDto extends CollaboratorReportQueryDto {
  @ApiPropertyOptional({ enum: ORGANISATION_KINDS })
  @IsOptional() @IsIn(ORGANISATION_KINDS)
  kind?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID('all')
  subtreeOf?: string;
}

export class CreateExportDto {
  @ApiProperty({ enum: EXPORT_REPORTS })
  @IsIn(EXPORT_REPORTS)
  report: ExportReport;

  @ApiProperty({ enum: EXPORT_FORMATS })
  @IsIn(EXPORT_FORMATS)
  format: ExportFormat;

  @ApiPropertyOptional({ type: ExportFiltersDto })
  @IsOptional() @IsObject() @ValidateNested() @Type(() => ExportFiltersDto)
  filters?: ExportFiltersDto;
}
