import { Controller, Get, HttpCode, Param, Post, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../common/auth/actor.js';
import { CurrentActor } from '../common/auth/current-actor.decorator.js';
import { RequirePermission } from '../common/auth/require-permission.decorator.js';
import { TaskProofStateDto } from './dto/review.dto.js';
import { readProofUpload } from './proof-upload.js';
import { ProofService, type TaskProofState } from './proof.service.js';
import { ParseTaskIdPipe } from './task-id.pipe.js';

@ApiTags('proofs')
@Controller('tasks')
export class ProofController {
  constructor(private readonly proofs: ProofService) {}

  @Post(':id/proof-image')
  @HttpCode(200)
  @RequirePermission('tasks.complete')
  @ApiOperation({
    summary: 'Complete a task with a screenshot as proof',
    description:
      'For shares without a public link (Zalo and Mocha groups). multipart/form-data: one file in `image` (JPEG, PNG or WebP by content, ' +
      'at most 5 MB and PROOF_MAX_PIXELS pixels) and an optional `note`. The image is re-encoded (metadata such as EXIF location is dropped) ' +
      'and stored outside the database. The task becomes `done` (late after its deadline), awaiting review when its campaign requires it.',
  })
  @ApiParam({ name: 'id', example: '101' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['image'],
      properties: { image: { type: 'string', format: 'binary' }, note: { type: 'string', maxLength: 2000 } },
    },
  })
  @ApiOkResponse({ type: TaskProofStateDto })
  @ApiNotFoundResponse({ description: 'No such task in your scope' })
  async completeWithImage(@CurrentActor() actor: Actor, @Param('id', ParseTaskIdPipe) id: string, @Req() request: FastifyRequest): Promise<TaskProofState> {
    const upload = await readProofUpload(request);
    return this.proofs.completeWithImage(actor, id, upload.image, upload.note);
  }

  @Get(':id/proof')
  @RequirePermission('tasks.read')
  @ApiOperation({ summary: 'The proof image of a task', description: 'For the assignee, secretaries of the unit and admins; 404 for anyone else.' })
  @ApiParam({ name: 'id', example: '101' })
  @ApiProduces('image/webp')
  @ApiOkResponse({ description: 'The stored (re-encoded) image', content: { 'image/webp': { schema: { type: 'string', format: 'binary' } } } })
  @ApiNotFoundResponse({ description: 'No such task in your scope, or it has no proof image' })
  async proofImage(
    @CurrentActor() actor: Actor,
    @Param('id', ParseTaskIdPipe) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const image = await this.proofs.openProofImage(actor, id);
    void reply.header('cache-control', 'private, max-age=300').header('etag', `"${image.checksum}"`);
    return new StreamableFile(image.stream, { type: image.contentType, length: image.bytes, disposition: `inline; filename="task-${id}-proof.webp"` });
  }

  @Get(':id/review')
  @RequirePermission('tasks.read')
  @ApiOperation({ summary: "A task's completion and review: status, proof, and the reason of a rejection" })
  @ApiParam({ name: 'id', example: '101' })
  @ApiOkResponse({ type: TaskProofStateDto })
  @ApiNotFoundResponse({ description: 'No such task in your scope' })
  async reviewState(@CurrentActor() actor: Actor, @Param('id', ParseTaskIdPipe) id: string): Promise<TaskProofState> {
    return this.proofs.stateOf(actor, id);
  }
}
