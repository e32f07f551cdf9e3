import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class LoginDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(200) login: string;
  @ApiProperty({ writeOnly: true }) @IsString() @MinLength(1) @MaxLength(256) password: string;
}

export class RefreshDto {
  @ApiProperty({ writeOnly: true }) @IsString() @MinLength(1) @MaxLength(200) refreshToken: string;
}

export class LogoutDto {
  @ApiPropertyOptional({ writeOnly: true, description: "Ends that token's session; without it, the session of the access token" })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200) refreshToken?: string;
}
