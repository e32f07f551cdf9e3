import { Module } from '@nestjs/common';
import { ChannelController } from './channel.controller.js';
import { ChannelRepository } from './channel.repository.js';
import { ChannelService } from './channel.service.js';

@Module({ controllers: [ChannelController], providers: [ChannelRepository, ChannelService], exports: [ChannelService] })
export class ChannelModule {}
