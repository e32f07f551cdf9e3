import { Module } from '@nestjs/common';
import { ImportController } from './import.controller.js';
import { ImportRunnerService } from './import-runner.service.js';
import { ImportService } from './import.service.js';

@Module({ controllers: [ImportController], providers: [ImportService, ImportRunnerService], exports: [ImportRunnerService] })
export class ImportsModule {}
