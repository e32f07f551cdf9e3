import { Body, Controller, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor.js';
import { CurrentActor } from '../common/auth/current-actor.decorator.js';
import { RequirePermission } from '../common/auth/require-permission.decorator.js';
import { CreateUserDto, ListUsersQuery, ResetPasswordDto, UpdateUserDto } from './dto/user.dto.js';
import { ParseIdPipe } from './parse-id.pipe.js';
import { UserService } from './user.service.js';
import { UserPageView, UserView } from './user.view.js';

@ApiTags('users')
@Controller('users')
@RequirePermission('users.manage')
export class UsersController {
  constructor(private readonly users: UserService) {}

  @Get()
  @ApiOperation({ summary: 'List accounts', description: 'Ordered by login; `nextCursor` fetches the next page.' })
  @ApiOkResponse({ type: UserPageView })
  list(@Query() query: ListUsersQuery): Promise<UserPageView> {
    return this.users.list(query);
  }

  @Post()
  @ApiOperation({ summary: 'Create an account', description: 'A secretary needs organisationId; a collaborator needs collaboratorId (one account per person).' })
  @ApiCreatedResponse({ type: UserView })
  create(@CurrentActor() actor: Actor, @Body() body: CreateUserDto): Promise<UserView> {
    return this.users.create(actor, body);
  }

  @Get(':id')
  @ApiOkResponse({ type: UserView })
  get(@Param('id', ParseIdPipe) id: string): Promise<UserView> {
    return this.users.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change role, scope or display name', description: 'Send the version you read; a stale one answers 409.' })
  @ApiOkResponse({ type: UserView })
  update(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string, @Body() body: UpdateUserDto): Promise<UserView> {
    return this.users.update(actor, id, body);
  }

  @Post(':id/reset-password')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: "Set a new password; the account's sessions end" })
  @ApiNoContentResponse()
  resetPassword(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string, @Body() body: ResetPasswordDto): Promise<void> {
    return this.users.resetPassword(actor, id, body.password);
  }

  @Post(':id/disable')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Disable an account: its sessions and tokens stop working at once' })
  @ApiOkResponse({ type: UserView })
  disable(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string): Promise<UserView> {
    return this.users.setDisabled(actor, id, true);
  }

  @Post(':id/enable')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: UserView })
  enable(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string): Promise<UserView> {
    return this.users.setDisabled(actor, id, false);
  }
}
