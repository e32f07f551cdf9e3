import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, MaxLength, Min } from 'class-validator';
import { NOTIFICATION_EVENTS } from '../notification.types.js';

const URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

export class CreateWebhookDto {
  @ApiProperty({ example: 'https://hooks.example.org/outreach' })
  @IsUrl(URL_OPTIONS) @MaxLength(2000)
  url: string;

  @ApiProperty({ enum: NOTIFICATION_EVENTS, isArray: true })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(NOTIFICATION_EVENTS.length) @IsIn(NOTIFICATION_EVENTS, { each: true })
  events: string[];

  @ApiPropertyOptional()
  @IsOptional() @IsString() @MaxLength(500)
  description?: string;
}

export class UpdateWebhookDto {
  @ApiPropertyOptional() @IsOptional() @IsUrl(URL_OPTIONS) @MaxLength(2000)
  url?: string;

  @ApiPropertyOptional({ enum: NOTIFICATION_EVENTS, isArray: true })
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(NOTIFICATION_EVENTS.length) @IsIn(NOTIFICATION_EVENTS, { each: true })
  events?: string[];

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({ description: 'true re-enables a disabled webhook and clears its failure count' })
  @IsOptional() @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ description: 'optimistic concurrency: the version you edited' })
  @IsOptional() @IsInt() @Min(1)
  version?: number;
}

export class WebhookResponseDto {
  @ApiProperty() id: string;
  @ApiProperty() url: string;
  @ApiProperty({ isArray: true, enum: NOTIFICATION_EVENTS }) events: string[];
  @ApiProperty({ nullable: true }) description: string | null;
  @ApiProperty() active: boolean;
  @ApiProperty() consecutiveFailures: number;
  @ApiProperty({ nullable: true }) disabledAt: string | null;
  @ApiProperty({ nullable: true, description: 'why the webhook was disabled' }) disabledReason: string | null;
  @ApiProperty() version: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class CreatedWebhookResponseDto extends WebhookResponseDto {
  @ApiProperty({ description: 'signing secret — shown only in this response' }) secret: string;
}
