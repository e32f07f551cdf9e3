import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayUnique, IsBoolean, IsDateString, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { CHANNELS, NOTIFICATION_EVENTS } from '../notification.types.js';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);
const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class InboxQueryDto {
  @ApiPropertyOptional({ default: 20, maximum: 100 })
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100)
  limit?: number;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional() @IsOptional() @Transform(toBool) @IsBoolean()
  unreadOnly?: boolean;
}

export class InboxItemDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: NOTIFICATION_EVENTS }) event: string;
  @ApiProperty() title: string;
  @ApiProperty() body: string;
  @ApiProperty({ type: Object }) data: Record<string, unknown>;
  @ApiProperty() read: boolean;
  @ApiProperty({ nullable: true }) readAt: string | null;
  @ApiProperty() createdAt: string;
}

export class InboxPageDto {
  @ApiProperty({ type: [InboxItemDto] }) items: InboxItemDto[];
  @ApiProperty({ nullable: true }) nextCursor: string | null;
  @ApiProperty() unreadCount: number;
}

export class ReadAllResultDto {
  @ApiProperty() marked: number;
}

export class PreferencesDto {
  @ApiProperty({ description: 'receive e-mail' }) @IsBoolean() email: boolean;
  @ApiProperty({ description: 'receive Zalo (ZNS) messages' }) @IsBoolean() zalo: boolean;

  @ApiProperty({ nullable: true, description: 'null = the installation default; "" = none; "HH:MM-HH:MM" local time', example: '22:00-06:30' })
  @IsOptional() @Matches(/^$|^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, { message: 'quietHours must be HH:MM-HH:MM, empty, or null' })
  quietHours: string | null;

  @ApiProperty({ isArray: true, enum: ['weekly', 'monthly'], description: 'scheduled report e-mails (secretaries and admins)' })
  @IsIn(['weekly', 'monthly'], { each: true }) @ArrayUnique()
  reportPeriods: Array<'weekly' | 'monthly'>;
}

export class PreferencesResponseDto extends PreferencesDto {
  @ApiProperty({ description: 'in-app notifications are always on' }) inApp: boolean;
  @ApiProperty({ description: 'the quiet hours that apply' }) effectiveQuietHours: string;
}

export class DeliveryQueryDto {
  @ApiPropertyOptional({ default: 50, maximum: 200 }) @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(200)
  limit?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200)
  cursor?: string;
  @ApiPropertyOptional({ enum: CHANNELS.filter((c) => c !== 'in_app') }) @IsOptional() @IsIn(['email', 'zalo', 'webhook'])
  channel?: string;
  @ApiPropertyOptional({ enum: ['delivered', 'retry', 'failed', 'deferred'] }) @IsOptional() @IsIn(['delivered', 'retry', 'failed', 'deferred'])
  state?: string;
  @ApiPropertyOptional({ enum: NOTIFICATION_EVENTS }) @IsOptional() @IsIn(NOTIFICATION_EVENTS)
  event?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID()
  notificationId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID()
  webhookId?: string;
  @ApiPropertyOptional() @IsOptional() @IsDateString()
  from?: string;
  @ApiPropertyOptional() @IsOptional() @IsDateString()
  to?: string;
}

export class DeliveryDto {
  @ApiProperty() id: string;
  @ApiProperty() notificationId: string;
  @ApiProperty() event: string;
  @ApiProperty() channel: string;
  @ApiProperty() attempt: number;
  @ApiProperty({ enum: ['delivered', 'retry', 'failed', 'deferred'] }) state: string;
  @ApiProperty({ nullable: true }) error: string | null;
  @ApiProperty({ nullable: true, type: Object }) providerResponse: unknown;
  @ApiProperty() attemptedAt: string;
  @ApiProperty({ description: 'state of the message itself' }) notificationState: string;
  @ApiProperty({ nullable: true }) address: string | null;
  @ApiProperty({ nullable: true }) collaboratorId: string | null;
  @ApiProperty({ nullable: true }) userId: string | null;
  @ApiProperty({ nullable: true }) webhookId: string | null;
}

export class DeliveryPageDto {
  @ApiProperty({ type: [DeliveryDto] }) items: DeliveryDto[];
  @ApiProperty({ nullable: true }) nextCursor: string | null;
}
