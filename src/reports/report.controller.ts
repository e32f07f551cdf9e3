import { Body, Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { createReadStream } from 'node:fs';
import type { Actor } from '../common/auth/actor.js';
import { CurrentActor } from '../common/auth/current-actor.decorator.js';
import { RequirePermission } from '../common/auth/require-permission.decorator.js';
import { scopeOf } from '../common/auth/scope.js';
import { ValidationError } from '../common/errors/domain.error.js';
import { CreateExportDto } from './dto/create-export.dto.js';
import { BoardQueryDto, CollaboratorReportQueryDto, OrganisationReportQueryDto, PeriodQueryDto } from './dto/report-query.dto.js';
import { ReportConsistencyService } from './report-consistency.service.js';
import { ReportExportService } from './report-export.service.js';
import { ReportService } from './report.service.js';

/** A malformed id is a 400 problem, never a 500. */
const Uuid = new ParseUUIDPipe({
  version: 'all',
  exceptionFactory: () => new ValidationError([{ field: 'id', code: 'isUuid', message: 'id must be a UUID' }]),
});

@ApiTags('reports')
@Controller('reports')
export class ReportController {
  constructor(
    private readonly reports: ReportService,
    private readonly consistency: ReportConsistencyService,
    private readonly exports: ReportExportService,
  ) {}

  @Get('organisations')
  @RequirePermission('reports.read')
  @ApiOperation({ summary: 'Per organisation (own tasks and sub-units rolled up): counts, rates, rank among peers, change against the previous period' })
  organisations(@CurrentActor() actor: Actor, @Query() query: OrganisationReportQueryDto) {
    return this.reports.organisations(scopeOf(actor), query);
  }

  @Get('organisations/:id')
  @RequirePermission('reports.read')
  @ApiOperation({ summary: 'One unit: per campaign, per collaborator (open tasks and lateness), sub-units rolled up' })
  @ApiNotFoundResponse({ description: 'No such organisation in your scope' })
  organisation(@CurrentActor() actor: Actor, @Param('id', Uuid) id: string, @Query() query: PeriodQueryDto) {
    return this.reports.organisation(scopeOf(actor), id, query);
  }

  @Get('campaigns/:id')
  @RequirePermission('reports.read')
  @ApiOperation({ summary: 'One campaign: per organisation, per platform, per content item, estimated reach' })
  @ApiNotFoundResponse({ description: 'No such campaign with tasks in your scope' })
  campaign(@CurrentActor() actor: Actor, @Param('id', Uuid) id: string, @Query() query: PeriodQueryDto) {
    return this.reports.campaign(scopeOf(actor), id, query);
  }

  @Get('collaborators')
  @RequirePermission('reports.read')
  @ApiOperation({ summary: 'Per person: tasks, done, on time, unable, last activity; inactive people flagged' })
  collaborators(@CurrentActor() actor: Actor, @Query() query: CollaboratorReportQueryDto) {
    return this.reports.collaborators(scopeOf(actor), query);
  }

  @Get('board')
  @RequirePermission('reports.read')
  @ApiOperation({ summary: 'Emulation board: top units by on-time completion and most active collaborators (opted-out people left off)' })
  board(@CurrentActor() actor: Actor, @Query() query: BoardQueryDto) {
    return this.reports.board(scopeOf(actor), query);
  }

  @Get('consistency')
  @RequirePermission('reports.manage')
  @ApiOperation({ summary: 'Compares the report tallies with a direct count over share_task (scans every task: an operator tool)' })
  check() {
    return this.consistency.check();
  }

  @Post('consistency/repair')
  @HttpCode(HttpStatus.OK)
  @RequirePermission('reports.manage')
  @ApiOperation({ summary: 'Rebuilds the report tallies from share_task, then checks again' })
  repair() {
    return this.consistency.repair();
  }

  @Post('exports')
  @HttpCode(HttpStatus.ACCEPTED)
  @RequirePermission('reports.read')
  @ApiOperation({ summary: 'Requests an export (xlsx, csv, pdf); the worker builds it' })
  @ApiAcceptedResponse({ schema: { example: { id: '3f0c…', status: 'queued' } } })
  requestExport(@CurrentActor() actor: Actor, @Body() body: CreateExportDto) {
    return this.exports.request(actor, body);
  }

  @Get('exports/:id')
  @RequirePermission('reports.read')
  @ApiOperation({
    summary: 'Status of one of your exports',
    description:
      '`queued` → `running` → `ready` (download it) or `failed`. A failed build is retried with backoff: meanwhile `queued` with `error` "attempt n of N failed; retrying". `failed` carries the reason in `error`, to show the requester.',
  })
  @ApiNotFoundResponse({ description: 'No such export of yours' })
  exportStatus(@CurrentActor() actor: Actor, @Param('id', Uuid) id: string) {
    return this.exports.status(actor, id);
  }

  @Get('exports/:id/download')
  @RequirePermission('reports.read')
  @ApiOperation({ summary: 'Downloads one of your ready exports' })
  @ApiOkResponse({ description: 'The file' })
  async download(@CurrentActor() actor: Actor, @Param('id', Uuid) id: string, @Res() reply: FastifyReply) {
    const file = await this.exports.file(actor, id);
    return reply
      .header('content-type', file.contentType)
      .header('content-disposition', `attachment; filename="${file.fileName}"`)
      .send(createReadStream(file.path));
  }
}
