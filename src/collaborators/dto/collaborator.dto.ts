import { ApiProperty, ApiPropertyOptional, IntersectionType, OmitType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { normaliseVietnamesePhone } from '../../directory/phone.util.js';
import { ListQueryDto, SEARCH_TRUNCATED_DESCRIPTION, toBoolean } from '../../common/http/list-query.dto.js';
import { ExportFormatDto } from '../../common/http/spreadsheet-export.js';
import { KNOWN_TAGS } from '../collaborator.entity.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.normalize('NFC').trim() : value);
const blankToNull = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? null : value);
/** As typed ("0905 123 456", "84-905-123-456") → E.164; unrecognisable input is kept so validation names it. */
const toE164 = ({ value }: { value: unknown }) => {
  const v = blankToNull(value);
  return typeof v === 'string' ? (normaliseVietnamesePhone(v) ?? v) : v;
};
const toEmail = ({ value }: { value: unknown }) => {
  const v = blankToNull(value);
  return typeof v === 'string' ? v.trim().toLowerCase() : v;
};
const toTags = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? [...new Set(value.map((t) => (typeof t === 'string' ? t.normalize('NFC').trim().toLowerCase() : t)))] : value;

const E164_VN = /^\+84\d{9,10}$/;
const PHONE_MESSAGE = 'phone must be a Vietnamese number, e.g. 0905 123 456 or +84905123456';
const CODE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export class CreateCollaboratorDto {
  @ApiProperty({ example: 'CTV-0001' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(40)
  @Matches(CODE, { message: 'code may contain letters, digits, ".", "_" and "-" only' })
  code: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  organisationId: string;

  @ApiProperty({ example: 'Nguyễn Văn An' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  fullName: string;

  @ApiPropertyOptional({ example: '0905 123 456', nullable: true, description: 'Accepted as typed; stored and returned as E.164' })
  @IsOptional()
  @Transform(toE164)
  @IsString()
  @Matches(E164_VN, { message: PHONE_MESSAGE })
  phone?: string | null;

  @ApiPropertyOptional({ example: 'an@example.org', nullable: true })
  @IsOptional()
  @Transform(toEmail)
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  position?: string | null;

  @ApiPropertyOptional({ type: [String], example: ['party_member'], description: `Known: ${KNOWN_TAGS.join(', ')}; others allowed` })
  @IsOptional()
  @Transform(toTags)
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(40, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ example: '2024-03-01', nullable: true })
  @IsOptional()
  @Transform(({ value }) => blankToNull(value))
  @Matches(DATE, { message: 'joinedOn must be a date, YYYY-MM-DD' })
  joinedOn?: string | null;

  @ApiPropertyOptional({ default: false, description: 'Keep off the public emulation board' })
  @IsOptional()
  @IsBoolean()
  boardOptOut?: boolean;
}

export class UpdateCollaboratorDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(40)
  @Matches(CODE, { message: 'code may contain letters, digits, ".", "_" and "-" only' })
  code?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Moves the person to another organisation (in your scope)' })
  @IsOptional()
  @IsUUID()
  organisationId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  fullName?: string;

  @ApiPropertyOptional({ nullable: true })
  @Transform(toE164)
  @ValidateIf((_o, v) => v !== null && v !== undefined)
  @IsString()
  @Matches(E164_VN, { message: PHONE_MESSAGE })
  phone?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @Transform(toEmail)
  @ValidateIf((_o, v) => v !== null && v !== undefined)
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  position?: string | null;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @Transform(toTags)
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(40, { each: true })
  tags?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ nullable: true })
  @Transform(({ value }) => blankToNull(value))
  @ValidateIf((_o, v) => v !== null && v !== undefined)
  @Matches(DATE, { message: 'joinedOn must be a date, YYYY-MM-DD' })
  joinedOn?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  boardOptOut?: boolean;

  @ApiPropertyOptional({ description: 'The version you edited (or send If-Match: W/"<version>")' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class CollaboratorListQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'People of this organisation (and its sub-units unless includeSubtree=false)' })
  @IsOptional()
  @IsUUID()
  organisationId?: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  includeSubtree?: boolean;

  @ApiPropertyOptional({ example: 'party_member' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsString()
  @MaxLength(40)
  tag?: string;
}

export class CollaboratorExportQueryDto extends IntersectionType(OmitType(CollaboratorListQueryDto, ['limit', 'cursor'] as const), ExportFormatDto) {}

export class OrganisationRefDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() code: string;
  @ApiProperty() name: string;
}

export class CollaboratorDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() code: string;
  @ApiProperty({ format: 'uuid' }) organisationId: string;
  @ApiProperty({ type: OrganisationRefDto }) organisation: OrganisationRefDto;
  @ApiProperty() fullName: string;
  @ApiProperty({ nullable: true, type: String, description: 'E.164; only to callers whose scope covers the person' }) phone: string | null;
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty({ nullable: true, type: String }) position: string | null;
  @ApiProperty({ type: [String] }) tags: string[];
  @ApiProperty() active: boolean;
  @ApiProperty({ nullable: true, type: String, example: '2024-03-01' }) joinedOn: string | null;
  @ApiProperty() boardOptOut: boolean;
  @ApiProperty() isDemo: boolean;
  @ApiProperty() version: number;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}

export class CollaboratorPageDto {
  @ApiProperty({ type: [CollaboratorDto] }) items: CollaboratorDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
  @ApiPropertyOptional({ description: SEARCH_TRUNCATED_DESCRIPTION }) truncated?: boolean;
}
