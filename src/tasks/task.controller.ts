import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../common/auth/actor.js';
import { CurrentActor } from '../common/auth/current-actor.decorator.js';
import { RequirePermission } from '../common/auth/require-permission.decorator.js';
import { validateDto } from '../common/http/validate-dto.js';
import { readProofUpload } from '../proofs/proof-upload.js';
import { ProofService } from '../proofs/proof.service.js';
import { CompleteTaskDto, ListTasksQuery, ReasonDto } from './dto/task.dto.js';
import { TaskService } from './task.service.js';

@ApiTags('tasks')
@Controller()
export class TaskController {
  constructor(
    private readonly tasks: TaskService,
    private readonly proofs: ProofService,
  ) {}

  @Get('tasks')
  @RequirePermission('tasks.read')
  @ApiOperation({ summary: 'Tasks in the caller’s scope (collaborator: own; secretary: its subtree; admin: all), by id, cursor pagination' })
  list(@CurrentActor() actor: Actor, @Query() query: ListTasksQuery) {
    return this.tasks.list(actor, query);
  }

  @Get('me/tasks')
  @RequirePermission('tasks.read')
  @ApiOperation({ summary: 'The caller’s own tasks: open first, nearest deadline first, with the text to copy' })
  inbox(@CurrentActor() actor: Actor, @Query() query: ListTasksQuery) {
    return this.tasks.inbox(actor, query);
  }

  @Post('tasks/:id/complete')
  @HttpCode(200)
  @RequirePermission('tasks.complete')
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Makes retries safe: the same key answers the same completion' })
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody({
    description: 'JSON `{proofUrl, note?}`, or multipart with one `image` (JPEG, PNG or WebP screenshot, ≤ 5 MB) and an optional `note`',
    type: CompleteTaskDto,
  })
  @ApiOperation({ summary: 'Mark a share done with the URL of the post, or a screenshot where the post has no link (an already done task answers its completion)' })
  async complete(@CurrentActor() actor: Actor, @Param('id') id: string, @Req() request: FastifyRequest, @Headers('idempotency-key') key?: string) {
    if (request.isMultipart()) {
      // Zalo and Mocha group posts have no public link: a screenshot is the proof.
      const upload = await readProofUpload(request);
      return this.proofs.completeWithImage(actor, id, upload.image, upload.note);
    }
    const dto = await validateDto(CompleteTaskDto, request.body);
    return (await this.tasks.complete(actor, id, dto, key)).task;
  }

  @Post('tasks/:id/unable')
  @HttpCode(200)
  @RequirePermission('tasks.complete')
  @ApiOperation({ summary: 'Report that the share could not be made, and why' })
  unable(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: ReasonDto) {
    return this.tasks.unable(actor, id, dto.reason);
  }

  @Post('tasks/:id/reopen')
  @HttpCode(200)
  @RequirePermission('tasks.reopen')
  @ApiOperation({ summary: 'Undo a completion, an unable report or an expiry (admin or secretary; reason logged)' })
  reopen(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: ReasonDto) {
    return this.tasks.reopen(actor, id, dto.reason);
  }
}
