import { Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query, Req, StreamableFile } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiConsumes, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../common/auth/actor.js';
import { CurrentActor } from '../common/auth/current-actor.decorator.js';
import { RequirePermission } from '../common/auth/require-permission.decorator.js';
import { scopeOf } from '../common/auth/scope.js';
import { ValidationError } from '../common/errors/domain.error.js';
import { ImportAcceptedDto, ImportDto, ImportUploadDocDto, TemplateQueryDto } from './dto/import.dto.js';
import { buildTemplate } from './import-template.js';
import { readImportUpload } from './import-upload.js';
import { IMPORT_KINDS, type ImportKind } from './import.types.js';
import { ImportService } from './import.service.js';

function uuidPipe(): ParseUUIDPipe {
  return new ParseUUIDPipe({ exceptionFactory: () => new ValidationError([{ field: 'id', message: 'id must be a UUID', code: 'isUuid' }]) });
}

@ApiTags('imports')
@Controller('imports')
export class ImportController {
  constructor(private readonly imports: ImportService) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @RequirePermission('imports.run')
  @ApiOperation({
    summary: 'Upload organisations, collaborators or channels (.xlsx/.csv); processed by the worker',
    description: 'Rows are upserted by code. A secretary may import only within its organisation tree; other rows are rejected per row.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: ImportUploadDocDto })
  @ApiAcceptedResponse({ type: ImportAcceptedDto })
  async upload(@CurrentActor() actor: Actor, @Req() request: FastifyRequest): Promise<ImportAcceptedDto> {
    return this.imports.start(actor, await readImportUpload(request));
  }

  @Get('templates/:kind')
  @RequirePermission('imports.run')
  @ApiOperation({ summary: 'The template of a kind, with Vietnamese headers and one example row' })
  @ApiParam({ name: 'kind', enum: IMPORT_KINDS })
  @ApiOkResponse({ description: 'the template file' })
  async template(@Param('kind') kind: string, @Query() query: TemplateQueryDto): Promise<StreamableFile> {
    if (!(IMPORT_KINDS as readonly string[]).includes(kind)) {
      throw new ValidationError([{ field: 'kind', message: `kind must be one of ${IMPORT_KINDS.join(', ')}`, code: 'isIn' }]);
    }
    const format = query.format ?? 'xlsx';
    const file = await buildTemplate(kind as ImportKind, format);
    return new StreamableFile(file, {
      type: format === 'xlsx' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv; charset=utf-8',
      disposition: `attachment; filename="mau-nhap-${kind}.${format}"`,
      length: file.length,
    });
  }

  @Get(':id')
  @RequirePermission('imports.run')
  @ApiOperation({ summary: 'Status, counts, rejected rows with reasons, and the rows applied' })
  @ApiOkResponse({ type: ImportDto })
  @ApiNotFoundResponse({ description: 'No such import in your scope' })
  async get(@CurrentActor() actor: Actor, @Param('id', uuidPipe()) id: string): Promise<ImportDto> {
    return this.imports.get(scopeOf(actor), id);
  }
}
