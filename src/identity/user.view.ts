import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from '../common/auth/actor.js';

/** An account as the API shows it: never the password hash. */
export class UserView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() login: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ format: 'uuid', nullable: true, description: 'The organisation a secretary is scoped to (with its subtree)' })
  organisationId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, description: 'The collaborator this account belongs to' })
  collaboratorId: string | null;
  @ApiProperty({ nullable: true }) displayName: string | null;
  @ApiProperty() disabled: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) disabledAt: Date | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) lastLoginAt: Date | null;
  @ApiProperty() isDemo: boolean;
  @ApiProperty({ description: 'Optimistic concurrency: send it back with PATCH' }) version: number;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt: Date;
}

/** The columns of a UserView, for hand-written SQL over `app_user u`. */
export const USER_VIEW_COLUMNS = `u.id, u.login, u.role, u.organisation_id AS "organisationId", u.collaborator_id AS "collaboratorId",
  u.display_name AS "displayName", (u.disabled_at IS NOT NULL) AS disabled, u.disabled_at AS "disabledAt",
  u.last_login_at AS "lastLoginAt", u.is_demo AS "isDemo", u.version, u.created_at AS "createdAt", u.updated_at AS "updatedAt"`;

export class OrganisationRef {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() code: string;
  @ApiProperty() name: string;
}

export class CollaboratorRef {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() code: string;
  @ApiProperty() fullName: string;
}

export class MeView {
  @ApiProperty({ type: UserView }) user: UserView;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ type: OrganisationRef, nullable: true, description: "A secretary's scope (with its subtree) or a collaborator's own unit; null for admins (everything)" })
  organisation: OrganisationRef | null;
  @ApiProperty({ type: CollaboratorRef, nullable: true }) collaborator: CollaboratorRef | null;
  @ApiProperty({ type: [String], description: 'What this role may do (the one policy)' }) permissions: string[];
}

export class TokenPairView {
  @ApiProperty({ description: 'Bearer token for every other route (HS256 JWT)' }) accessToken: string;
  @ApiProperty({ description: 'Single use: exchange it at /auth/refresh for a new pair' }) refreshToken: string;
  @ApiProperty({ description: 'Seconds until the access token expires' }) expiresIn: number;
  @ApiProperty({ type: String, format: 'date-time' }) refreshExpiresAt: Date;
  @ApiProperty({ type: UserView }) user: UserView;
}

export class UserPageView {
  @ApiProperty({ type: [UserView] }) items: UserView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
