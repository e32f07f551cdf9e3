import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiProperty, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../common/auth/require-permission.decorator.js';
import { auditCsv, auditXlsx } from './audit-export.js';
import { AuditQueryService } from './audit-query.service.js';
import { ExportAuditQuery, ListAuditQuery } from './dto/audit-query.dto.js';

class AuditEntryView {
  @ApiProperty({ description: 'Increasing with time' }) id: string;
  @ApiProperty({ type: String, format: 'date-time' }) at: Date;
  @ApiProperty({ nullable: true, type: String }) actorUserId: string | null;
  @ApiProperty() actorLogin: string;
  @ApiProperty({ nullable: true, type: String }) actorRole: string | null;
  @ApiProperty({ example: 'user.update' }) action: string;
  @ApiProperty({ example: 'user' }) entity: string;
  @ApiProperty({ nullable: true, type: String }) entityId: string | null;
  @ApiProperty({ nullable: true, type: Object, description: 'Changed fields before (updates), or null' }) before: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: Object, description: 'Changed fields after, or the created row' }) after: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: String }) requestId: string | null;
  @ApiProperty({ nullable: true, type: String }) ip: string | null;
}

class AuditPageView {
  @ApiProperty({ type: [AuditEntryView] }) items: AuditEntryView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

@ApiTags('audit')
@Controller('audit')
@RequirePermission('audit.read')
export class AuditController {
  constructor(private readonly audit: AuditQueryService) {}

  @Get()
  @ApiOperation({ summary: 'The audit log, newest first', description: 'Every write: who, when, which entity, before → after, request id, IP.' })
  @ApiOkResponse({ type: AuditPageView })
  list(@Query() query: ListAuditQuery): Promise<AuditPageView> {
    return this.audit.list(query);
  }

  @Get('export')
  @ApiOperation({ summary: 'The audit log as a file (same filters), streamed' })
  @ApiProduces('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  export(@Query() query: ExportAuditQuery): StreamableFile {
    const { format, ...filter } = query;
    const rows = this.audit.stream(filter);
    const stamp = new Date().toISOString().slice(0, 10);
    return format === 'csv'
      ? new StreamableFile(auditCsv(rows), { type: 'text/csv; charset=utf-8', disposition: `attachment; filename="audit-${stamp}.csv"` })
      : new StreamableFile(auditXlsx(rows), {
          type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          disposition: `attachment; filename="audit-${stamp}.xlsx"`,
        });
  }
}
