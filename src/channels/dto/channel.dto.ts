import { ApiProperty, ApiPropertyOptional, IntersectionType, OmitType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { ListQueryDto, SEARCH_TRUNCATED_DESCRIPTION, toBoolean } from '../../common/http/list-query.dto.js';
import { ExportFormatDto } from '../../common/http/spreadsheet-export.js';
import { MAX_URL_LENGTH } from '../channel-url.util.js';
import { type Platform, PLATFORMS } from '../platform.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.normalize('NFC').trim() : value);
const CODE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const MAX_CHANNEL_ADMINS = 50;

export class CreateChannelDto {
  @ApiPropertyOptional({ nullable: true, description: 'Optional unique code (imports upsert by it)' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(40)
  @Matches(CODE, { message: 'code may contain letters, digits, ".", "_" and "-" only' })
  code?: string | null;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  organisationId: string;

  @ApiProperty({ enum: PLATFORMS })
  @IsIn(PLATFORMS)
  platform: Platform;

  @ApiProperty({ example: 'Trang tin Sở Y tế' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  name: string;

  @ApiProperty({ example: 'https://m.facebook.com/soytephuyen/', description: 'Normalised per platform; unique' })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_URL_LENGTH)
  url: string;

  @ApiPropertyOptional({ nullable: true, minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2_000_000_000)
  audienceSize?: number | null;

  @ApiPropertyOptional({ nullable: true, description: 'When the audience was counted (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  audienceCountedAt?: string | null;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class UpdateChannelDto {
  @ApiPropertyOptional({ nullable: true })
  @ValidateIf((_o, v) => v !== null && v !== undefined)
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(40)
  @Matches(CODE, { message: 'code may contain letters, digits, ".", "_" and "-" only' })
  code?: string | null;

  @ApiPropertyOptional({ format: 'uuid', description: 'Hands the channel to another organisation in your scope' })
  @IsOptional()
  @IsUUID()
  organisationId?: string;

  @ApiPropertyOptional({ enum: PLATFORMS })
  @IsOptional()
  @IsIn(PLATFORMS)
  platform?: Platform;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_URL_LENGTH)
  url?: string;

  @ApiPropertyOptional({ nullable: true })
  @ValidateIf((_o, v) => v !== null && v !== undefined)
  @IsInt()
  @Min(0)
  @Max(2_000_000_000)
  audienceSize?: number | null;

  @ApiPropertyOptional({ nullable: true })
  @ValidateIf((_o, v) => v !== null && v !== undefined)
  @IsISO8601({ strict: true })
  audienceCountedAt?: string | null;

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

export class SetChannelAdminsDto {
  @ApiProperty({ type: [String], format: 'uuid', description: 'Replaces the set; active collaborators of the channel organisation or its sub-units' })
  @IsArray()
  @ArrayMaxSize(MAX_CHANNEL_ADMINS)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  collaboratorIds: string[];

  @ApiPropertyOptional({ description: 'The channel version you edited (or If-Match)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class ChannelListQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Channels of this organisation (and its sub-units unless includeSubtree=false)' })
  @IsOptional()
  @IsUUID()
  organisationId?: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  includeSubtree?: boolean;

  @ApiPropertyOptional({ enum: PLATFORMS })
  @IsOptional()
  @IsIn(PLATFORMS)
  platform?: Platform;

  @ApiPropertyOptional({ format: 'uuid', description: 'Channels this collaborator administers' })
  @IsOptional()
  @IsUUID()
  adminId?: string;
}

export class ChannelExportQueryDto extends IntersectionType(OmitType(ChannelListQueryDto, ['limit', 'cursor'] as const), ExportFormatDto) {}

export class ChannelOrganisationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() code: string;
  @ApiProperty() name: string;
}

/** An administrator as shown on a channel: no personal data. */
export class ChannelAdminDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() code: string;
  @ApiProperty() fullName: string;
}

export class ChannelDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ nullable: true, type: String }) code: string | null;
  @ApiProperty({ format: 'uuid' }) organisationId: string;
  @ApiProperty({ type: ChannelOrganisationDto }) organisation: ChannelOrganisationDto;
  @ApiProperty({ enum: PLATFORMS }) platform: Platform;
  @ApiProperty() name: string;
  @ApiProperty() url: string;
  @ApiProperty({ nullable: true, type: Number }) audienceSize: number | null;
  @ApiProperty({ nullable: true, type: Date }) audienceCountedAt: Date | null;
  @ApiProperty() active: boolean;
  @ApiProperty() isDemo: boolean;
  @ApiProperty({ type: [ChannelAdminDto] }) admins: ChannelAdminDto[];
  @ApiProperty() version: number;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}

export class ChannelPageDto {
  @ApiProperty({ type: [ChannelDto] }) items: ChannelDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
  @ApiPropertyOptional({ description: SEARCH_TRUNCATED_DESCRIPTION }) truncated?: boolean;
}
