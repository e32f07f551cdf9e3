import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { TASK_ID_PATTERN } from '../../tasks/task-scope.js';

export class RejectTaskDto {
  @ApiProperty({ description: 'Why the proof is not accepted; shown to the collaborator', minLength: 3, maxLength: 1000, example: 'Ảnh chụp không thấy bài viết trong nhóm' })
  @IsString()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @MinLength(3)
  @MaxLength(1000)
  reason: string;
}

export class BulkApproveDto {
  @ApiProperty({ description: 'Task ids (decimal strings), at most 200', type: [String], example: ['101', '102'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @Matches(TASK_ID_PATTERN, { each: true, message: 'each value in taskIds must be a task id' })
  taskIds: string[];
}

export class ReviewQueueQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  campaignId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'An organisation and its subtree' })
  @IsOptional()
  @IsUUID()
  organisationId?: string;
}

export class ProofImageInfoDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '/api/v1/tasks/101/proof' }) url: string;
  @ApiProperty({ example: 'image/webp' }) contentType: string;
  @ApiProperty() width: number;
  @ApiProperty() height: number;
  @ApiProperty() bytes: number;
  @ApiProperty({ description: 'SHA-256 (hex) of the stored image' }) checksum: string;
  @ApiProperty({ description: 'How many other tasks were proved with the same picture' }) duplicateCount: number;
  @ApiProperty({ description: 'The same picture was used as proof for another task' }) duplicate: boolean;
}

export class TaskProofStateDto {
  @ApiProperty({ example: '101' }) taskId: string;
  @ApiProperty({ format: 'uuid' }) campaignId: string;
  @ApiProperty({ enum: ['pending', 'done', 'unable', 'expired'] }) status: string;
  @ApiProperty() late: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) completedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) proofUrl: string | null;
  @ApiProperty({ nullable: true, type: String }) note: string | null;
  @ApiProperty({ enum: ['not_required', 'pending', 'approved', 'rejected'] }) reviewStatus: string;
  @ApiProperty({ nullable: true, type: String, description: 'Why the last review rejected the completion' }) reviewReason: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) reviewedAt: string | null;
  @ApiProperty({ nullable: true, type: ProofImageInfoDto }) proofImage: ProofImageInfoDto | null;
}

class NamedRefDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
}

class ItemRefDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() url: string;
  @ApiProperty() title: string;
}

class CompletedByDto {
  @ApiProperty({ format: 'uuid' }) collaboratorId: string;
  @ApiProperty() fullName: string;
}

export class ReviewQueueItemDto {
  @ApiProperty() taskId: string;
  @ApiProperty({ format: 'uuid' }) campaignId: string;
  @ApiProperty() campaignTitle: string;
  @ApiProperty({ type: ItemRefDto }) item: ItemRefDto;
  @ApiProperty({ format: 'uuid' }) organisationId: string;
  @ApiProperty() organisationName: string;
  @ApiProperty() platform: string;
  @ApiProperty({ type: NamedRefDto, nullable: true }) channel: NamedRefDto | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) collaboratorId: string | null;
  @ApiProperty({ type: CompletedByDto, nullable: true }) completedBy: CompletedByDto | null;
  @ApiProperty({ format: 'date-time' }) completedAt: string;
  @ApiProperty({ format: 'date-time' }) deadline: string;
  @ApiProperty() late: boolean;
  @ApiProperty({ nullable: true, type: String }) proofUrl: string | null;
  @ApiProperty({ nullable: true, type: String }) note: string | null;
  @ApiProperty({ nullable: true, type: ProofImageInfoDto }) proofImage: ProofImageInfoDto | null;
  @ApiProperty() duplicate: boolean;
}

export class ReviewQueuePageDto {
  @ApiProperty({ type: [ReviewQueueItemDto] }) items: ReviewQueueItemDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

class SkippedTaskDto {
  @ApiProperty() taskId: string;
  @ApiProperty({ enum: ['NOT_FOUND', 'TASK_NOT_AWAITING_REVIEW'] }) reason: string;
}

export class BulkApproveResultDto {
  @ApiProperty({ type: [String] }) approved: string[];
  @ApiProperty({ type: [SkippedTaskDto] }) skipped: SkippedTaskDto[];
}
