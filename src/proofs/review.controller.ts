import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor.js';
import { CurrentActor } from '../common/auth/current-actor.decorator.js';
import { RequirePermission } from '../common/auth/require-permission.decorator.js';
import { BulkApproveDto, BulkApproveResultDto, RejectTaskDto, ReviewQueuePageDto, ReviewQueueQueryDto, TaskProofStateDto } from './dto/review.dto.js';
import type { TaskProofState } from './proof.service.js';
import { type BulkApproveResult, type ReviewQueuePage, ReviewService } from './review.service.js';
import { ParseTaskIdPipe } from './task-id.pipe.js';

@ApiTags('reviews')
@Controller()
export class ReviewController {
  constructor(private readonly reviews: ReviewService) {}

  @Get('reviews')
  @RequirePermission('tasks.review')
  @ApiOperation({ summary: 'Completions awaiting review in your scope, oldest first, with their proof and a duplicate-image flag' })
  @ApiOkResponse({ type: ReviewQueuePageDto })
  async queue(@CurrentActor() actor: Actor, @Query() query: ReviewQueueQueryDto): Promise<ReviewQueuePage> {
    return this.reviews.queue(actor, { ...query, limit: query.limit ?? 50 });
  }

  @Post('reviews/approve')
  @HttpCode(200)
  @RequirePermission('tasks.review')
  @ApiOperation({
    summary: 'Approve a page of completions',
    description: 'Each task in your scope that awaits review is approved; the others are reported in `skipped` with the reason.',
  })
  @ApiOkResponse({ type: BulkApproveResultDto })
  async approveMany(@CurrentActor() actor: Actor, @Body() body: BulkApproveDto): Promise<BulkApproveResult> {
    return this.reviews.approveMany(actor, body.taskIds);
  }

  @Post('tasks/:id/approve')
  @HttpCode(200)
  @RequirePermission('tasks.review')
  @ApiOperation({ summary: 'Approve a completion awaiting review' })
  @ApiParam({ name: 'id', example: '101' })
  @ApiOkResponse({ type: TaskProofStateDto })
  @ApiNotFoundResponse({ description: 'No such task in your scope' })
  @ApiConflictResponse({ description: 'TASK_NOT_AWAITING_REVIEW' })
  async approve(@CurrentActor() actor: Actor, @Param('id', ParseTaskIdPipe) id: string): Promise<TaskProofState> {
    return this.reviews.approve(actor, id);
  }

  @Post('tasks/:id/reject')
  @HttpCode(200)
  @RequirePermission('tasks.review')
  @ApiOperation({ summary: 'Reject a completion: the task returns to `pending`, with the reason for the collaborator' })
  @ApiParam({ name: 'id', example: '101' })
  @ApiOkResponse({ type: TaskProofStateDto })
  @ApiNotFoundResponse({ description: 'No such task in your scope' })
  @ApiConflictResponse({ description: 'TASK_NOT_AWAITING_REVIEW' })
  async reject(@CurrentActor() actor: Actor, @Param('id', ParseTaskIdPipe) id: string, @Body() body: RejectTaskDto): Promise<TaskProofState> {
    return this.reviews.reject(actor, id, body.reason);
  }
}
