import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { PLATFORMS, type Platform } from '../../channels/platform.js';

export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'active', 'closed'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
export const ITEM_CATEGORIES = ['good_example', 'official_information', 'event', 'other'] as const;

export class CampaignTargetsDto {
  @ApiPropertyOptional({ type: [String], description: 'absent = every organisation' })
  @IsOptional() @IsArray() @ArrayMaxSize(10_000) @IsUUID('all', { each: true })
  organisationIds?: string[];

  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean()
  includeSubtree?: boolean;

  @ApiPropertyOptional({ enum: PLATFORMS, isArray: true, description: 'absent = all, [] = no channel tasks' })
  @IsOptional() @IsArray() @IsIn(PLATFORMS, { each: true })
  platforms?: Platform[];

  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean()
  personalShares?: boolean;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @MaxLength(64, { each: true })
  collaboratorTags?: string[];
}

export class CreateCampaignDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(300)
  title: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(10_000)
  description?: string;

  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true })
  startsAt?: string;

  @ApiProperty({ format: 'date-time' }) @IsISO8601({ strict: true })
  deadline: string;

  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean()
  reviewRequired?: boolean;

  @ApiProperty({ type: CampaignTargetsDto }) @ValidateNested() @Type(() => CampaignTargetsDto)
  targets: CampaignTargetsDto;
}

/** Before launch every field may change; after launch only `deadline`. */
export class UpdateCampaignDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(300)
  title?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(10_000)
  description?: string;

  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true })
  startsAt?: string;

  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true })
  deadline?: string;

  @ApiPropertyOptional() @IsOptional() @IsBoolean()
  reviewRequired?: boolean;

  @ApiPropertyOptional({ type: CampaignTargetsDto }) @IsOptional() @ValidateNested() @Type(() => CampaignTargetsDto)
  targets?: CampaignTargetsDto;
}

export class ListCampaignsQuery {
  @ApiPropertyOptional({ enum: CAMPAIGN_STATUSES }) @IsOptional() @IsIn(CAMPAIGN_STATUSES)
  status?: CampaignStatus;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ default: 50 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  limit?: number;
}

const URL_OPTIONS: NonNullable<Parameters<typeof IsUrl>[0]> = { protocols: ['http', 'https'], require_protocol: true, require_tld: true };

export class CreateItemDto {
  @ApiProperty() @IsString() @MaxLength(2048) @IsUrl(URL_OPTIONS)
  url: string;

  @ApiProperty() @IsString() @MinLength(1) @MaxLength(500)
  title: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000)
  caption?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional() @IsArray() @ArrayMaxSize(30) @IsString({ each: true }) @MaxLength(100, { each: true })
  hashtags?: string[];

  @ApiPropertyOptional({ enum: ITEM_CATEGORIES }) @IsOptional() @IsIn(ITEM_CATEGORIES)
  category?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) @MaxLength(2048, { each: true }) @IsUrl(URL_OPTIONS, { each: true })
  imageUrls?: string[];
}

/** The same fields and rules as creating, each optional. */
export class UpdateItemDto extends PartialType(CreateItemDto) {}
