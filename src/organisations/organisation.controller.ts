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
import {
  CreateOrganisationDto,
  OrganisationDto,
  OrganisationExportQueryDto,
  OrganisationListQueryDto,
  OrganisationPageDto,
  UpdateOrganisationDto,
} from './dto/organisation.dto.js';
import { requestRef } from '../common/logging/request-logging.js';
import { organisationExportColumns } from './organisation-export.js';
import { OrganisationService } from './organisation.service.js';

const IF_MATCH = { name: 'if-match', required: false, description: 'W/"<version>" from the ETag; a stale one answers 412' };

@ApiTags('organisations')
@Controller('organisations')
@UseInterceptors(EtagInterceptor)
export class OrganisationController {
  private readonly logger = new Logger(OrganisationController.name);

  constructor(private readonly organisations: OrganisationService) {}

  @Get()
  @RequirePermission('organisations.read')
  @ApiOperation({ summary: 'List organisations in your scope (search, kind, parent, subtree, active; cursor paging)' })
  @ApiOkResponse({ type: OrganisationPageDto })
  list(@CurrentActor() actor: Actor, @Query() query: OrganisationListQueryDto): Promise<OrganisationPageDto> {
    return this.organisations.list(actor, query);
  }

  @Get('export')
  @RequirePermission('organisations.read')
  @ApiOperation({ summary: 'The list as .xlsx or .csv (same filters and scope), streamed' })
  @ApiProduces('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv')
  export(@CurrentActor() actor: Actor, @Query() query: OrganisationExportQueryDto, @Res() reply: FastifyReply): Promise<void> {
    const { format, ...filters } = query;
    const parentCodes = new Map<string, string>();
    const pages = allPages(async (cursor) => {
      const page = await this.organisations.list(actor, { ...filters, cursor, limit: 200 }, { exhaustive: true });
      const missing = [...new Set(page.items.map((o) => o.parentId).filter((p): p is string => !!p && !parentCodes.has(p)))];
      if (missing.length) for (const [id, code] of await this.organisations.codesOf(missing)) parentCodes.set(id, code);
      return page;
    });
    return sendExport(reply, { format, filename: 'to-chuc', sheetName: 'Tổ chức', columns: organisationExportColumns(parentCodes), pages }, (error) =>
      this.logger.error({ ...requestRef(actor.requestId), err: error }, 'Organisation export failed mid-stream'),
    );
  }

  @Post()
  @RequirePermission('organisations.write')
  @ApiOperation({ summary: 'Create an organisation (ancestors and depth follow from the parent)' })
  @ApiCreatedResponse({ type: OrganisationDto })
  @ApiConflictResponse({ description: 'ORGANISATION_CODE_TAKEN, naming the existing organisation' })
  create(@CurrentActor() actor: Actor, @Body() body: CreateOrganisationDto): Promise<OrganisationDto> {
    return this.organisations.create(actor, body);
  }

  @Get(':id')
  @RequirePermission('organisations.read')
  @ApiOperation({ summary: 'One organisation (ETag carries its version)' })
  @ApiOkResponse({ type: OrganisationDto })
  @ApiNotFoundResponse({ description: 'No such organisation in your scope' })
  get(@CurrentActor() actor: Actor, @Param('id', new UuidParamPipe('Organisation')) id: string): Promise<OrganisationDto> {
    return this.organisations.get(actor, id);
  }

  @Patch(':id')
  @RequirePermission('organisations.write')
  @ApiOperation({ summary: 'Update; changing parentId moves the whole subtree (a cycle answers 409 ORGANISATION_CYCLE)' })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: OrganisationDto })
  @ApiConflictResponse({ description: 'VERSION_CONFLICT, ORGANISATION_CYCLE or ORGANISATION_CODE_TAKEN' })
  update(
    @CurrentActor() actor: Actor,
    @Param('id', new UuidParamPipe('Organisation')) id: string,
    @Body() body: UpdateOrganisationDto,
    @Headers('if-match') ifMatch?: string,
  ): Promise<OrganisationDto> {
    return this.organisations.update(actor, id, body, expectedVersion(body.version, ifMatch, true));
  }

  @Delete(':id')
  @HttpCode(200)
  @RequirePermission('organisations.write')
  @ApiOperation({ summary: 'Deactivate (history keeps pointing at it)' })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: OrganisationDto })
  deactivate(
    @CurrentActor() actor: Actor,
    @Param('id', new UuidParamPipe('Organisation')) id: string,
    @Headers('if-match') ifMatch?: string,
  ): Promise<OrganisationDto> {
    return this.organisations.deactivate(actor, id, expectedVersion(undefined, ifMatch, false));
  }
}
