import { NotificationsModule } from '../notifications/notifications.module.js';
import { Module } from '@nestjs/common';
import { CampaignController } from './campaign.controller.js';
import { CampaignPreviewService } from './campaign-preview.service.js';
import { CampaignService } from './campaign.service.js';
import { CounterFoldingService } from './counter-folding.service.js';
import { CampaignPipelineService } from './fan-out.processor.js';

@Module({
  imports: [NotificationsModule],
  controllers: [CampaignController],
  providers: [CampaignService, CampaignPipelineService, CampaignPreviewService, CounterFoldingService],
  exports: [CampaignService, CampaignPipelineService, CounterFoldingService],
})
export class CampaignModule {}
