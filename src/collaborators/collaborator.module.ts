import { Module } from '@nestjs/common';
import { CollaboratorController } from './collaborator.controller.js';
import { CollaboratorRepository } from './collaborator.repository.js';
import { CollaboratorService } from './collaborator.service.js';

@Module({ controllers: [CollaboratorController], providers: [CollaboratorRepository, CollaboratorService], exports: [CollaboratorService] })
export class CollaboratorModule {}
