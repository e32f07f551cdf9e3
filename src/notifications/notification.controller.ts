import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor.js';
import { CurrentActor } from '../common/auth/current-actor.decorator.js';
import { RequirePermission } from '../common/auth/require-permission.decorator.js';
import { NotFoundError } from '../common/errors/domain.error.js';
import {
  DeliveryPageDto,
  DeliveryQueryDto,
  InboxPageDto,
  InboxQueryDto,
  PreferencesDto,
  PreferencesResponseDto,
  ReadAllResultDto,
} from './dto/notification.dto.js';
import { NotificationInboxService } from './notification-inbox.service.js';

export const uuidOr404 = (entity: string) => new ParseUUIDPipe({ exceptionFactory: () => new NotFoundError(entity) });

@ApiTags('notifications')
@Controller()
export class NotificationController {
  constructor(private readonly inbox: NotificationInboxService) {}

  @Get('me/notifications')
  @RequirePermission('notifications.read')
  @ApiOperation({ summary: 'My in-app notifications, unread first, newest first (cursor pagination)' })
  @ApiOkResponse({ type: InboxPageDto })
  list(@CurrentActor() actor: Actor, @Query() query: InboxQueryDto): Promise<InboxPageDto> {
    return this.inbox.inbox(actor, query);
  }

  @Post('me/notifications/read-all')
  @HttpCode(200)
  @RequirePermission('notifications.read')
  @ApiOperation({ summary: 'Mark all my notifications read' })
  @ApiOkResponse({ type: ReadAllResultDto })
  async readAll(@CurrentActor() actor: Actor): Promise<ReadAllResultDto> {
    return { marked: await this.inbox.markAllRead(actor) };
  }

  @Post('me/notifications/:id/read')
  @HttpCode(204)
  @RequirePermission('notifications.read')
  @ApiOperation({ summary: 'Mark one of my notifications read' })
  read(@CurrentActor() actor: Actor, @Param('id', uuidOr404('Notification')) id: string): Promise<void> {
    return this.inbox.markRead(actor, id);
  }

  @Get('me/notification-preferences')
  @RequirePermission('notifications.read')
  @ApiOperation({ summary: 'My channels, quiet hours and report subscriptions' })
  @ApiOkResponse({ type: PreferencesResponseDto })
  preferences(@CurrentActor() actor: Actor): Promise<PreferencesResponseDto> {
    return this.inbox.preferences(actor);
  }

  @Put('me/notification-preferences')
  @RequirePermission('notifications.read')
  @ApiOperation({ summary: 'Replace my notification preferences' })
  @ApiOkResponse({ type: PreferencesResponseDto })
  updatePreferences(@CurrentActor() actor: Actor, @Body() dto: PreferencesDto): Promise<PreferencesResponseDto> {
    return this.inbox.updatePreferences(actor, dto);
  }

  @Get('notifications/deliveries')
  @RequirePermission('notifications.manage')
  @ApiOperation({ summary: 'Every delivery attempt (e-mail, Zalo, webhooks) with state and provider response' })
  @ApiOkResponse({ type: DeliveryPageDto })
  deliveries(@Query() query: DeliveryQueryDto): Promise<DeliveryPageDto> {
    return this.inbox.deliveries(query);
  }
}
