import { ApiProperty, ApiPropertyOptional, IntersectionType, OmitType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { ListQueryDto, SEARCH_TRUNCATED_DESCRIPTION } from '../../common/http/list-query.dto.js';
import { ExportFormatDto } from '../../common/http/spreadsheet-export.js';
import { ORGANISATION_KINDS, type OrganisationKind } from '../organisation.entity.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.normalize('NFC').trim() : value);
const CODE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export class CreateOrganisationDto {
  @ApiProperty({ example: 'SYT', description: 'Unique; letters, digits, `.`, `_`, `-`' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(40)
  @Matches(CODE, { message: 'code may contain letters, digits, ".", "_" and "-" only' })
  code: string;

  @ApiProperty({ example: 'Đảng bộ Sở Y tế' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  name: string;

  @ApiPropertyOptional({ example: 'Sở Y tế', nullable: true })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  shortName?: string | null;

  @ApiProperty({ enum: ORGANISATION_KINDS })
  @IsIn(ORGANISATION_KINDS)
  kind: OrganisationKind;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'Absent or null: a root' })
  @IsOptional()
  @IsUUID()
  parentId?: string | null;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'A collaborator of this organisation or its subtree' })
  @IsOptional()
  @IsUUID()
  secretaryCollaboratorId?: string | null;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class UpdateOrganisationDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(40)
  @Matches(CODE, { message: 'code may contain letters, digits, ".", "_" and "-" only' })
  code?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  name?: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  shortName?: string | null;

  @ApiPropertyOptional({ enum: ORGANISATION_KINDS })
  @IsOptional()
  @IsIn(ORGANISATION_KINDS)
  kind?: OrganisationKind;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'Moves the organisation with its whole subtree; null makes it a root' })
  @ValidateIf((_o, v) => v !== null && v !== undefined)
  @IsUUID()
  parentId?: string | null;

  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  @ValidateIf((_o, v) => v !== null && v !== undefined)
  @IsUUID()
  secretaryCollaboratorId?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ description: 'The version you edited (or send If-Match: W/"<version>")' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class OrganisationListQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: ORGANISATION_KINDS })
  @IsOptional()
  @IsIn(ORGANISATION_KINDS)
  kind?: OrganisationKind;

  @ApiPropertyOptional({ format: 'uuid', description: 'Direct children of this organisation' })
  @IsOptional()
  @IsUUID()
  parentId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'This organisation and everything under it' })
  @IsOptional()
  @IsUUID()
  subtreeOf?: string;
}

export class OrganisationExportQueryDto extends IntersectionType(OmitType(OrganisationListQueryDto, ['limit', 'cursor'] as const), ExportFormatDto) {}

export class OrganisationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) shortName: string | null;
  @ApiProperty({ enum: ORGANISATION_KINDS }) kind: OrganisationKind;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) parentId: string | null;
  @ApiProperty({ type: [String], description: 'Ids from the root down to this organisation, itself included' }) ancestors: string[];
  @ApiProperty() depth: number;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) secretaryCollaboratorId: string | null;
  @ApiProperty() active: boolean;
  @ApiProperty() isDemo: boolean;
  @ApiProperty({ description: 'Send back on PATCH (or as If-Match) for optimistic concurrency' }) version: number;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}

export class OrganisationPageDto {
  @ApiProperty({ type: [OrganisationDto] }) items: OrganisationDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
  @ApiPropertyOptional({ description: SEARCH_TRUNCATED_DESCRIPTION }) truncated?: boolean;
}
