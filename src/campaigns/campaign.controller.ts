import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor.js';
import { CurrentActor } from '../common/auth/current-actor.decorator.js';
import { RequirePermission } from '../common/auth/require-permission.decorator.js';
import { CampaignPreview, CampaignPreviewService } from './campaign-preview.service.js';
import { CampaignService } from './campaign.service.js';
import { CreateCampaignDto, CreateItemDto, ListCampaignsQuery, UpdateCampaignDto, UpdateItemDto } from './dto/campaign.dto.js';

@ApiTags('campaigns')
@Controller('campaigns')
export class CampaignController {
  constructor(
    private readonly campaigns: CampaignService,
    private readonly previews: CampaignPreviewService,
  ) {}

  @Get()
  @RequirePermission('campaigns.read')
  @ApiOperation({ summary: 'Campaigns visible to the caller, newest first (cursor pagination)' })
  list(@CurrentActor() actor: Actor, @Query() query: ListCampaignsQuery) {
    return this.campaigns.list(actor, query);
  }

  @Post()
  @RequirePermission('campaigns.write')
  @ApiOperation({ summary: 'Create a draft campaign' })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateCampaignDto) {
    return this.campaigns.create(actor, dto);
  }

  @Get(':id')
  @RequirePermission('campaigns.read')
  @ApiOperation({ summary: 'One campaign' })
  get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.campaigns.get(actor, id);
  }

  @Patch(':id')
  @RequirePermission('campaigns.write')
  @ApiOperation({ summary: 'Edit a draft; after launch only the deadline may move (reminders and expiry move with it)' })
  update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: UpdateCampaignDto) {
    return this.campaigns.update(actor, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('campaigns.write')
  @ApiOperation({ summary: 'Delete a draft campaign' })
  async remove(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<void> {
    await this.campaigns.remove(actor, id);
  }

  @Get(':id/items')
  @RequirePermission('campaigns.read')
  @ApiOperation({ summary: 'Content items of a campaign' })
  listItems(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.campaigns.listItems(actor, id);
  }

  @Post(':id/items')
  @RequirePermission('campaigns.write')
  @ApiOperation({ summary: 'Add a content item (draft only)' })
  addItem(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: CreateItemDto) {
    return this.campaigns.addItem(actor, id, dto);
  }

  @Patch(':id/items/:itemId')
  @RequirePermission('campaigns.write')
  @ApiOperation({ summary: 'Edit a content item (draft only)' })
  updateItem(@CurrentActor() actor: Actor, @Param('id') id: string, @Param('itemId') itemId: string, @Body() dto: UpdateItemDto) {
    return this.campaigns.updateItem(actor, id, itemId, dto);
  }

  @Delete(':id/items/:itemId')
  @HttpCode(204)
  @RequirePermission('campaigns.write')
  @ApiOperation({ summary: 'Remove a content item (draft only)' })
  async removeItem(@CurrentActor() actor: Actor, @Param('id') id: string, @Param('itemId') itemId: string): Promise<void> {
    await this.campaigns.removeItem(actor, id, itemId);
  }

  @Post(':id/launch')
  @HttpCode(202)
  @RequirePermission('campaigns.write')
  @ApiOperation({ summary: 'Launch: the worker fans out at startsAt or now' })
  @ApiAcceptedResponse({ description: 'Launch recorded; tasks are being created' })
  launch(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.campaigns.launch(actor, id);
  }

  @Post(':id/close')
  @HttpCode(200)
  @RequirePermission('campaigns.write')
  @ApiOperation({ summary: 'End the campaign now; open tasks expire' })
  close(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.campaigns.close(actor, id);
  }

  @Get(':id/preview')
  @RequirePermission('campaigns.write')
  @ApiOperation({
    summary: 'How many organisations, channels, collaborators and share tasks a launch would reach now',
    description: 'Counted with the same targeting rule the fan-out inserts from; edit the draft’s targets or items and ask again.',
  })
  @ApiOkResponse({ type: CampaignPreview })
  preview(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<CampaignPreview> {
    return this.previews.preview(actor, id);
  }

  @Get(':id/progress')
  @RequirePermission('campaigns.read')
  @ApiOperation({ summary: 'Totals by status and per organisation (from counters kept with every change)' })
  progress(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.campaigns.progress(actor, id);
  }
}
