import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor.js';
import { CurrentActor } from '../common/auth/current-actor.decorator.js';
import { RequirePermission } from '../common/auth/require-permission.decorator.js';
import { CreatedWebhookResponseDto, CreateWebhookDto, UpdateWebhookDto, WebhookResponseDto } from './dto/webhook.dto.js';
import { uuidOr404 } from './notification.controller.js';
import { WebhookService, type WebhookView } from './webhook.service.js';

@ApiTags('notifications')
@Controller('webhooks')
export class WebhookController {
  constructor(private readonly webhooks: WebhookService) {}

  @Get()
  @RequirePermission('notifications.manage')
  @ApiOperation({ summary: 'Registered webhooks, with failure counts and why a disabled one was disabled' })
  @ApiOkResponse({ type: [WebhookResponseDto] })
  async list(): Promise<{ items: WebhookView[]; nextCursor: null }> {
    return { items: await this.webhooks.list(), nextCursor: null };
  }

  @Post()
  @RequirePermission('notifications.manage')
  @ApiOperation({ summary: 'Register a webhook; the signing secret is shown in this response only' })
  @ApiCreatedResponse({ type: CreatedWebhookResponseDto })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateWebhookDto) {
    return this.webhooks.create(actor, dto);
  }

  @Get(':id')
  @RequirePermission('notifications.manage')
  @ApiOkResponse({ type: WebhookResponseDto })
  get(@Param('id', uuidOr404('Webhook')) id: string) {
    return this.webhooks.get(id);
  }

  @Patch(':id')
  @RequirePermission('notifications.manage')
  @ApiOperation({ summary: 'Change a webhook; `active: true` re-enables a disabled one' })
  @ApiOkResponse({ type: WebhookResponseDto })
  update(@CurrentActor() actor: Actor, @Param('id', uuidOr404('Webhook')) id: string, @Body() dto: UpdateWebhookDto) {
    return this.webhooks.update(actor, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('notifications.manage')
  remove(@CurrentActor() actor: Actor, @Param('id', uuidOr404('Webhook')) id: string): Promise<void> {
    return this.webhooks.remove(actor, id);
  }
}
