import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { ROLES, type Role } from '../../common/auth/actor.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../password.service.js';

const LOGIN_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$/;
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateUserDto {
  @ApiProperty({ example: 'bt.soyte', description: '3–64 letters, digits, ".", "_", "@", "-"; unique regardless of case' })
  @Transform(trim) @IsString() @Matches(LOGIN_PATTERN, { message: 'login must be 3–64 letters, digits, ".", "_", "@" or "-"' })
  login: string;

  @ApiProperty({ minLength: MIN_PASSWORD_LENGTH, writeOnly: true })
  @IsString() @MinLength(MIN_PASSWORD_LENGTH) @MaxLength(MAX_PASSWORD_LENGTH)
  password: string;

  @ApiProperty({ enum: ROLES }) @IsIn(ROLES) role: Role;

  @ApiPropertyOptional({ format: 'uuid', description: 'Required for a secretary: the organisation (and subtree) it manages' })
  @IsOptional() @IsUUID() organisationId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Required for a collaborator account: the person it belongs to (one account per person)' })
  @IsOptional() @IsUUID() collaboratorId?: string;

  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MinLength(1) @MaxLength(200) displayName?: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ enum: ROLES }) @IsOptional() @IsIn(ROLES) role?: Role;

  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  @ValidateIf((_o, v) => v !== null) @IsOptional() @IsUUID() organisationId?: string | null;

  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  @ValidateIf((_o, v) => v !== null) @IsOptional() @IsUUID() collaboratorId?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @ValidateIf((_o, v) => v !== null) @IsOptional() @Transform(trim) @IsString() @MinLength(1) @MaxLength(200) displayName?: string | null;

  @ApiProperty({ description: 'The version you read; a stale one answers 409' }) @IsInt() @Min(1) version: number;
}

export class ResetPasswordDto {
  @ApiProperty({ minLength: MIN_PASSWORD_LENGTH, writeOnly: true })
  @IsString() @MinLength(MIN_PASSWORD_LENGTH) @MaxLength(MAX_PASSWORD_LENGTH)
  password: string;
}

const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);
const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);

export class ListUsersQuery {
  @ApiPropertyOptional({ description: 'Part of the login or display name, with or without diacritics' })
  @IsOptional() @IsString() @MaxLength(100) q?: string;

  @ApiPropertyOptional({ enum: ROLES }) @IsOptional() @IsIn(ROLES) role?: Role;

  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() organisationId?: string;

  @ApiPropertyOptional() @IsOptional() @Transform(toBool) @IsBoolean() disabled?: boolean;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 }) @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(200) limit?: number;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) cursor?: string;
}
