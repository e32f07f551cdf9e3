import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { IMPORT_FORMATS, IMPORT_KINDS, type ImportFormat, type ImportKind, type ImportStatus } from '../import.types.js';

export class ImportAcceptedDto {
  @ApiProperty({ format: 'uuid' }) id: string;
}

export class ImportUploadDocDto {
  @ApiProperty({ enum: IMPORT_KINDS }) kind: ImportKind;
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: validate and report what would change, write nothing' }) dryRun?: string;
  @ApiProperty({ type: 'string', format: 'binary', description: '.xlsx or .csv (UTF-8, with or without BOM; "," or ";" separated)' }) file: unknown;
}

export class ImportCountsDto {
  @ApiProperty({ description: 'data rows read (the template example row excluded)' }) total: number;
  @ApiProperty({ description: 'rows that created or changed an entity (for a dry run: would have)' }) applied: number;
  @ApiProperty() created: number;
  @ApiProperty() updated: number;
  @ApiProperty({ description: 'valid rows identical to what is stored' }) unchanged: number;
  @ApiProperty({ description: 'rows refused; see rejections' }) rejected: number;
}

export class ImportRejectionDto {
  @ApiProperty({ description: 'spreadsheet row number; the header is row 1' }) row: number;
  @ApiProperty({ description: 'the column header as typed in the file' }) column: string;
  @ApiPropertyOptional() value?: string;
  @ApiProperty() reason: string;
}

export class ImportDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: IMPORT_KINDS }) kind: ImportKind;
  @ApiProperty() dryRun: boolean;
  @ApiProperty({ enum: ['queued', 'running', 'done', 'failed'] }) status: ImportStatus;
  @ApiProperty() fileName: string;
  @ApiProperty({ nullable: true, type: String, description: 'why a failed import could not run' }) failureReason: string | null;
  @ApiProperty({ type: ImportCountsDto, nullable: true }) counts: ImportCountsDto | null;
  @ApiProperty({ type: [Number], description: 'row numbers applied (created or changed)' }) appliedRows: number[];
  @ApiProperty({ type: [ImportRejectionDto] }) rejections: ImportRejectionDto[];
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) startedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) finishedAt: string | null;
}

export class TemplateQueryDto {
  @ApiPropertyOptional({ enum: IMPORT_FORMATS, default: 'xlsx' })
  @IsOptional()
  @IsIn(IMPORT_FORMATS)
  format?: ImportFormat;
}
