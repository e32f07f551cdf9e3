import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { Transform } from 'class-transformer';
import { PERIODS, type PeriodKind } from '../report-period.util.js';

const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const DAY_MESSAGE = 'must be a date YYYY-MM-DD (a local day in Asia/Ho_Chi_Minh)';

/** Period filters shared by every report: a named period around `date`, or `from`/`to`. */
export class PeriodQueryDto {
  @ApiPropertyOptional({ enum: PERIODS, description: 'Calendar period (cut at midnight Asia/Ho_Chi_Minh; weeks start Monday) containing `date`' })
  @IsOptional() @IsIn(PERIODS)
  period?: PeriodKind;

  @ApiPropertyOptional({ example: '2026-11-26', description: 'Reference day for `period` (default: today)' })
  @IsOptional() @Matches(DAY, { message: `date ${DAY_MESSAGE}` })
  date?: string;

  @ApiPropertyOptional({ example: '2026-11-01', description: 'First local day (inclusive) of task deadlines' })
  @IsOptional() @Matches(DAY, { message: `from ${DAY_MESSAGE}` })
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-30', description: 'Last local day (inclusive) of task deadlines' })
  @IsOptional() @Matches(DAY, { message: `to ${DAY_MESSAGE}` })
  to?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID('all')
  campaignId?: string;
}

export const ORGANISATION_KINDS = ['bloc_committee', 'grassroots_committee', 'grassroots_cell', 'affiliated_cell', 'staff_office'] as const;

export class OrganisationReportQueryDto extends PeriodQueryDto {
  @ApiPropertyOptional({ enum: ORGANISATION_KINDS })
  @IsOptional() @IsIn(ORGANISATION_KINDS)
  kind?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only this organisation and its sub-units' })
  @IsOptional() @IsUUID('all')
  subtreeOf?: string;
}

export class CollaboratorReportQueryDto extends PeriodQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'People of this organisation and its sub-units' })
  @IsOptional() @IsUUID('all')
  organisationId?: string;
}

export class BoardQueryDto extends PeriodQueryDto {
  @ApiPropertyOptional({ default: 10, minimum: 1, maximum: 100 })
  @IsOptional() @Transform(({ value }) => (typeof value === 'string' ? Number(value) : value)) @IsInt() @Min(1) @Max(100)
  limit?: number;
}
