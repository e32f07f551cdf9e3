import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Permission } from './permissions.js';

export const REQUIRED_PERMISSION = 'auth:permission';

/**
 * Declares the capability a route needs. Every route is either `@Public()` or declares one;
 * the global guard refuses a route that does neither, so nothing ships unprotected.
 */
export const RequirePermission = (permission: Permission) =>
  applyDecorators(
    SetMetadata(REQUIRED_PERMISSION, permission),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing, invalid or expired access token' }),
    ApiForbiddenResponse({ description: `Requires the \`${permission}\` permission` }),
  );
