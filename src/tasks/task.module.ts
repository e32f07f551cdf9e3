import { NotificationsModule } from '../notifications/notifications.module.js';
import { Module } from '@nestjs/common';
import { ProofModule } from '../proofs/proof.module.js';
import { TaskController } from './task.controller.js';
import { CompletionBatchService } from './completion-batch.service.js';
import { TaskService } from './task.service.js';

@Module({ imports: [ProofModule, NotificationsModule], controllers: [TaskController], providers: [TaskService, CompletionBatchService], exports: [TaskService] })
export class TaskModule {}
