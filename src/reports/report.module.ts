import { Module } from '@nestjs/common';
import { ReportConsistencyService } from './report-consistency.service.js';
import { ReportExportService } from './report-export.service.js';
import { ReportController } from './report.controller.js';
import { ReportService } from './report.service.js';

@Module({
  controllers: [ReportController],
  providers: [ReportService, ReportConsistencyService, ReportExportService],
  exports: [ReportService, ReportConsistencyService, ReportExportService],
})
export class ReportModule {}
