import { Body, Controller, Delete, Get, Headers, HttpCode, Logger, Param, Patch, Post, Query, Res, UseInterceptors } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor } from '../common/auth/actor.js';
import { CurrentActor } from '../common/auth/current-actor.decorator.js';
import { RequirePermission } from '../common/auth/require-permission.decorator.js';
import { EtagInterceptor } from '../common/http/etag.interceptor.js';
import { allPages, sendExport } from '../common/http/spreadsheet-export.js';
import { UuidParamPipe } from '../common/http/uuid-param.pipe.js';
import { expectedVersion } from '../common/http/versioning.js';
import { requestRef } from '../common/logging/request-logging.js';
import { COLLABORATOR_EXPORT_COLUMNS } from './collaborator-export.js';
import { CollaboratorService } from './collaborator.service.js';
import {
  CollaboratorDto,
  CollaboratorExportQueryDto,
  CollaboratorListQueryDto,
  CollaboratorPageDto,
  CreateCollaboratorDto,
  UpdateCollaboratorDto,
} from './dto/collaborator.dto.js';

const IF_MATCH = { name: 'if-match', required: false, description: 'W/"<version>" from the ETag; a stale one answers 412' };

@ApiTags('collaborators')
@Controller('collaborators')
@UseInterceptors(EtagInterceptor)
export class CollaboratorController {
  private readonly logger = new Logger(CollaboratorController.name);

  constructor(private readonly collaborators: CollaboratorService) {}

  @Get()
  @RequirePermission('collaborators.read')
  @ApiOperation({ summary: 'List people in your scope (search, organisation subtree, tag, active; cursor paging)' })
  @ApiOkResponse({ type: CollaboratorPageDto })
  list(@CurrentActor() actor: Actor, @Query() query: CollaboratorListQueryDto): Promise<CollaboratorPageDto> {
    return this.collaborators.list(actor, query);
  }

  @Get('export')
  @RequirePermission('collaborators.read')
  @ApiOperation({ summary: 'The list as .xlsx or .csv (same filters and scope), streamed' })
  @ApiProduces('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv')
  export(@CurrentActor() actor: Actor, @Query() query: CollaboratorExportQueryDto, @Res() reply: FastifyReply): Promise<void> {
    const { format, ...filters } = query;
    const pages = allPages((cursor) => this.collaborators.list(actor, { ...filters, cursor, limit: 200 }, { exhaustive: true }));
    return sendExport(reply, { format, filename: 'cong-tac-vien', sheetName: 'Cộng tác viên', columns: COLLABORATOR_EXPORT_COLUMNS, pages }, (error) =>
      this.logger.error({ ...requestRef(actor.requestId), err: error }, 'Collaborator export failed mid-stream'),
    );
  }

  @Post()
  @RequirePermission('collaborators.write')
  @ApiOperation({ summary: 'Add a person to an organisation in your scope (phone as typed, stored E.164)' })
  @ApiCreatedResponse({ type: CollaboratorDto })
  @ApiConflictResponse({ description: 'COLLABORATOR_CODE_TAKEN' })
  create(@CurrentActor() actor: Actor, @Body() body: CreateCollaboratorDto): Promise<CollaboratorDto> {
    return this.collaborators.create(actor, body);
  }

  @Get(':id')
  @RequirePermission('collaborators.read')
  @ApiOperation({ summary: 'One person (a collaborator account sees only itself)' })
  @ApiOkResponse({ type: CollaboratorDto })
  @ApiNotFoundResponse({ description: 'No such person in your scope' })
  get(@CurrentActor() actor: Actor, @Param('id', new UuidParamPipe('Collaborator')) id: string): Promise<CollaboratorDto> {
    return this.collaborators.get(actor, id);
  }

  @Patch(':id')
  @RequirePermission('collaborators.write')
  @ApiOperation({ summary: 'Update (send `version` or If-Match)' })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: CollaboratorDto })
  @ApiConflictResponse({ description: 'VERSION_CONFLICT or COLLABORATOR_CODE_TAKEN' })
  update(
    @CurrentActor() actor: Actor,
    @Param('id', new UuidParamPipe('Collaborator')) id: string,
    @Body() body: UpdateCollaboratorDto,
    @Headers('if-match') ifMatch?: string,
  ): Promise<CollaboratorDto> {
    return this.collaborators.update(actor, id, body, expectedVersion(body.version, ifMatch, true));
  }

  @Delete(':id')
  @HttpCode(200)
  @RequirePermission('collaborators.write')
  @ApiOperation({ summary: 'Deactivate (history keeps pointing at the person)' })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: CollaboratorDto })
  deactivate(
    @CurrentActor() actor: Actor,
    @Param('id', new UuidParamPipe('Collaborator')) id: string,
    @Headers('if-match') ifMatch?: string,
  ): Promise<CollaboratorDto> {
    return this.collaborators.deactivate(actor, id, expectedVersion(undefined, ifMatch, false));
  }
}
