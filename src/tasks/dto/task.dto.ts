import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';

export const TASK_STATUSES = ['pending', 'done', 'unable', 'expired'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export class CompleteTaskDto {
  /** Checked against the task's platform by the service (PROOF_URL_INVALID / PROOF_PLATFORM_MISMATCH). */
  @ApiProperty({ description: 'URL of the post that proves the share' }) @IsString() @MinLength(1) @MaxLength(10_000)
  proofUrl: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000)
  note?: string;
}

export class ReasonDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(2000)
  reason: string;
}

export class ListTasksQuery {
  @ApiPropertyOptional({ enum: TASK_STATUSES }) @IsOptional() @IsIn(TASK_STATUSES)
  status?: TaskStatus;

  @ApiPropertyOptional() @IsOptional() @IsUUID()
  campaignId?: string;

  @ApiPropertyOptional() @IsOptional() @IsUUID()
  organisationId?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ default: 50 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit?: number;
}
