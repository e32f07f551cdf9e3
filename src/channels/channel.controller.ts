import { Body, Controller, Delete, Get, Headers, HttpCode, Logger, Param, Patch, Post, Put, Query, Res, UseInterceptors } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor } from '../common/auth/actor.js';
import { CurrentActor } from '../common/auth/current-actor.decorator.js';
import { RequirePermission } from '../common/auth/require-permission.decorator.js';
import { EtagInterceptor } from '../common/http/etag.interceptor.js';
import { allPages, sendExport } from '../common/http/spreadsheet-export.js';
import { UuidParamPipe } from '../common/http/uuid-param.pipe.js';
import { expectedVersion } from '../common/http/versioning.js';
import { requestRef } from '../common/logging/request-logging.js';
import { CHANNEL_EXPORT_COLUMNS } from './channel-export.js';
import { ChannelService } from './channel.service.js';
import { ChannelDto, ChannelExportQueryDto, ChannelListQueryDto, ChannelPageDto, CreateChannelDto, SetChannelAdminsDto, UpdateChannelDto } from './dto/channel.dto.js';

const IF_MATCH = { name: 'if-match', required: false, description: 'W/"<version>" from the ETag; a stale one answers 412' };

@ApiTags('channels')
@Controller('channels')
@UseInterceptors(EtagInterceptor)
export class ChannelController {
  private readonly logger = new Logger(ChannelController.name);

  constructor(private readonly channels: ChannelService) {}

  @Get()
  @RequirePermission('channels.read')
  @ApiOperation({ summary: 'List channels in your scope (a collaborator: those it administers)' })
  @ApiOkResponse({ type: ChannelPageDto })
  list(@CurrentActor() actor: Actor, @Query() query: ChannelListQueryDto): Promise<ChannelPageDto> {
    return this.channels.list(actor, query);
  }

  @Get('export')
  @RequirePermission('channels.read')
  @ApiOperation({ summary: 'The list as .xlsx or .csv (same filters and scope), streamed' })
  @ApiProduces('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv')
  export(@CurrentActor() actor: Actor, @Query() query: ChannelExportQueryDto, @Res() reply: FastifyReply): Promise<void> {
    const { format, ...filters } = query;
    const pages = allPages((cursor) => this.channels.list(actor, { ...filters, cursor, limit: 200 }, { exhaustive: true }));
    return sendExport(reply, { format, filename: 'kenh', sheetName: 'Kênh', columns: CHANNEL_EXPORT_COLUMNS, pages }, (error) =>
      this.logger.error({ ...requestRef(actor.requestId), err: error }, 'Channel export failed mid-stream'),
    );
  }

  @Post()
  @RequirePermission('channels.write')
  @ApiOperation({ summary: 'Register a channel (URL normalised per platform)' })
  @ApiCreatedResponse({ type: ChannelDto })
  @ApiConflictResponse({ description: 'CHANNEL_URL_TAKEN, naming the existing channel and its organisation' })
  create(@CurrentActor() actor: Actor, @Body() body: CreateChannelDto): Promise<ChannelDto> {
    return this.channels.create(actor, body);
  }

  @Get(':id')
  @RequirePermission('channels.read')
  @ApiOperation({ summary: 'One channel with its administrators' })
  @ApiOkResponse({ type: ChannelDto })
  @ApiNotFoundResponse({ description: 'No such channel in your scope' })
  get(@CurrentActor() actor: Actor, @Param('id', new UuidParamPipe('Channel')) id: string): Promise<ChannelDto> {
    return this.channels.get(actor, id);
  }

  @Patch(':id')
  @RequirePermission('channels.write')
  @ApiOperation({ summary: 'Update (send `version` or If-Match)' })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: ChannelDto })
  @ApiConflictResponse({ description: 'VERSION_CONFLICT, CHANNEL_URL_TAKEN or CHANNEL_CODE_TAKEN' })
  update(
    @CurrentActor() actor: Actor,
    @Param('id', new UuidParamPipe('Channel')) id: string,
    @Body() body: UpdateChannelDto,
    @Headers('if-match') ifMatch?: string,
  ): Promise<ChannelDto> {
    return this.channels.update(actor, id, body, expectedVersion(body.version, ifMatch, true));
  }

  @Put(':id/admins')
  @RequirePermission('channels.write')
  @ApiOperation({ summary: 'Set the collaborators who administer the channel (active members of its organisation or sub-units)' })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: ChannelDto })
  @ApiUnprocessableEntityResponse({ description: 'CHANNEL_ADMIN_OUTSIDE: some ids are not active members of the channel organisation subtree' })
  setAdmins(
    @CurrentActor() actor: Actor,
    @Param('id', new UuidParamPipe('Channel')) id: string,
    @Body() body: SetChannelAdminsDto,
    @Headers('if-match') ifMatch?: string,
  ): Promise<ChannelDto> {
    return this.channels.setAdmins(actor, id, body.collaboratorIds, expectedVersion(body.version, ifMatch, false));
  }

  @Delete(':id')
  @HttpCode(200)
  @RequirePermission('channels.write')
  @ApiOperation({ summary: 'Deactivate (history keeps pointing at it)' })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: ChannelDto })
  deactivate(
    @CurrentActor() actor: Actor,
    @Param('id', new UuidParamPipe('Channel')) id: string,
    @Headers('if-match') ifMatch?: string,
  ): Promise<ChannelDto> {
    return this.channels.deactivate(actor, id, expectedVersion(undefined, ifMatch, false));
  }
}
