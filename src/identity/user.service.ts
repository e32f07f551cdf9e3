import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor, Role } from '../common/auth/actor.js';
import { POLICY, roleHas, type Permission } from '../common/auth/permissions.js';
import { ConflictError, DomainError, type FieldProblem, NotFoundError, StaleVersionError, UnprocessableError, ValidationError } from '../common/errors/domain.error.js';
import { decodeCursor, encodeCursor, type Page } from '../common/pagination/opaque-cursor.js';
import { SqlParams } from '../common/auth/scope.js';
import { escapeLike } from '../common/text/vietnamese.util.js';
import type { CreateUserDto, ListUsersQuery, UpdateUserDto } from './dto/user.dto.js';
import { PasswordService } from './password.service.js';
import { SessionService } from './session.service.js';
import { type MeView, USER_VIEW_COLUMNS, type UserView } from './user.view.js';

interface AccountShape {
  role: Role;
  organisationId: string | null;
  collaboratorId: string | null;
}

/** Accounts: admins create, change, reset and disable them. Every write is audited in its transaction. */
@Injectable()
export class UserService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionService,
  ) {}

  async list(query: ListUsersQuery): Promise<Page<UserView>> {
    const limit = query.limit ?? 50;
    const params = new SqlParams();
    const where: string[] = [];
    if (query.q) {
      const pattern = params.add(`%${escapeLike(query.q.trim())}%`);
      where.push(`f_fold(u.login || ' ' || coalesce(u.display_name, '')) LIKE f_fold(${pattern})`);
    }
    if (query.role) where.push(`u.role = ${params.add(query.role)}`);
    if (query.organisationId) {
      const org = params.add(query.organisationId);
      where.push(`(u.organisation_id = ${org} OR u.collaborator_id IN (SELECT c.id FROM collaborator c WHERE c.organisation_id = ${org}))`);
    }
    if (query.disabled !== undefined) where.push(query.disabled ? 'u.disabled_at IS NOT NULL' : 'u.disabled_at IS NULL');
    const after = decodeCursor(query.cursor, 1);
    if (after) where.push(`lower(u.login) > ${params.add(String(after[0]))}`);
    const rows: UserView[] = await this.dataSource.query(
      `SELECT ${USER_VIEW_COLUMNS} FROM app_user u
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY lower(u.login) LIMIT ${params.add(limit + 1)}`,
      params.values,
    );
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.login.toLowerCase()]) : null };
  }

  async get(id: string, manager: EntityManager = this.dataSource.manager, lock = false): Promise<UserView> {
    const [row]: UserView[] = await manager.query(`SELECT ${USER_VIEW_COLUMNS} FROM app_user u WHERE u.id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    if (!row) throw new NotFoundError('User', id);
    return row;
  }

  async me(actor: Actor): Promise<MeView> {
    const user = await this.get(actor.userId);
    const [organisation]: Array<{ id: string; code: string; name: string }> = actor.organisationId
      ? await this.dataSource.query(`SELECT id, code, name FROM organisation WHERE id = $1`, [actor.organisationId])
      : [];
    const [collaborator]: Array<{ id: string; code: string; fullName: string }> = actor.collaboratorId
      ? await this.dataSource.query(`SELECT id, code, full_name AS "fullName" FROM collaborator WHERE id = $1`, [actor.collaboratorId])
      : [];
    const permissions = (Object.keys(POLICY) as Permission[]).filter((p) => roleHas(actor.role, p));
    return { user, role: user.role, organisation: organisation ?? null, collaborator: collaborator ?? null, permissions };
  }

  async create(actor: Actor, input: CreateUserDto): Promise<UserView> {
    const shape = this.checkShape({ role: input.role, organisationId: input.organisationId ?? null, collaboratorId: input.collaboratorId ?? null });
    const passwordHash = await this.passwords.hash(input.password);
    return this.translateUniqueViolations(() =>
      this.dataSource.transaction(async (m) => {
        await this.checkReferences(m, shape, null);
        const [taken] = await m.query(`SELECT 1 FROM app_user WHERE lower(login) = lower($1)`, [input.login]);
        if (taken) throw loginTaken(input.login);
        const [{ id }] = await m.query(
          `INSERT INTO app_user (login, password_hash, role, organisation_id, collaborator_id, display_name)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
          [input.login, passwordHash, shape.role, shape.organisationId, shape.collaboratorId, input.displayName ?? null],
        );
        const created = await this.get(id, m);
        await this.audit.record(m, actor, { action: 'user.create', entity: 'user', entityId: id, after: created });
        return created;
      }),
    );
  }

  async update(actor: Actor, id: string, input: UpdateUserDto): Promise<UserView> {
    return this.translateUniqueViolations(() =>
      this.dataSource.transaction(async (m) => {
        const before = await this.get(id, m, true);
        if (before.version !== input.version) throw new StaleVersionError('User', input.version, before.version);
        const role = input.role ?? before.role;
        // Changing the role resets what does not belong to the new role unless the caller says otherwise.
        const shape = this.checkShape({
          role,
          organisationId: input.organisationId !== undefined ? input.organisationId : role === before.role || role === 'secretary' ? before.organisationId : null,
          collaboratorId: input.collaboratorId !== undefined ? input.collaboratorId : before.collaboratorId,
        });
        if (id === actor.userId && role !== 'admin') {
          throw new UnprocessableError('CANNOT_DEMOTE_SELF', 'An admin cannot take the admin role from its own account');
        }
        await this.checkReferences(m, shape, id);
        await m.query(
          `UPDATE app_user SET role = $2, organisation_id = $3, collaborator_id = $4, display_name = $5, version = version + 1, updated_at = now()
            WHERE id = $1`,
          [id, shape.role, shape.organisationId, shape.collaboratorId, input.displayName !== undefined ? input.displayName : before.displayName],
        );
        const after = await this.get(id, m);
        await this.audit.record(m, actor, { action: 'user.update', entity: 'user', entityId: id, before, after });
        return after;
      }),
    );
  }

  async resetPassword(actor: Actor, id: string, password: string): Promise<void> {
    const passwordHash = await this.passwords.hash(password);
    await this.dataSource.transaction(async (m) => {
      await this.get(id, m, true);
      await m.query(`UPDATE app_user SET password_hash = $2, version = version + 1, updated_at = now() WHERE id = $1`, [id, passwordHash]);
      // Whoever held the old password may hold a session too: end them all.
      const revoked = await this.sessions.revokeAllOfUser(m, id);
      await this.audit.record(m, actor, { action: 'user.reset_password', entity: 'user', entityId: id, after: { passwordChanged: true, sessionsRevoked: revoked } });
    });
  }

  /** Disabling ends the user's sessions at once: refresh tokens are revoked, access tokens refused (the guard reads disabled_at). */
  async setDisabled(actor: Actor, id: string, disabled: boolean): Promise<UserView> {
    if (disabled && id === actor.userId) throw new UnprocessableError('CANNOT_DISABLE_SELF', 'An admin cannot disable its own account');
    return this.dataSource.transaction(async (m) => {
      const before = await this.get(id, m, true);
      if (before.disabled === disabled) return before;
      await m.query(
        `UPDATE app_user SET disabled_at = ${disabled ? 'now()' : 'NULL'}, version = version + 1, updated_at = now() WHERE id = $1`,
        [id],
      );
      const revoked = disabled ? await this.sessions.revokeAllOfUser(m, id) : 0;
      const after = await this.get(id, m);
      await this.audit.record(m, actor, {
        action: disabled ? 'user.disable' : 'user.enable',
        entity: 'user',
        entityId: id,
        before: { disabled: before.disabled, disabledAt: before.disabledAt },
        after: { disabled: after.disabled, disabledAt: after.disabledAt, ...(disabled ? { sessionsRevoked: revoked } : {}) },
      });
      return after;
    });
  }

  /** Each role's scope: a secretary has an organisation, a collaborator a person, an admin neither organisation. */
  private checkShape(shape: AccountShape): AccountShape {
    const errors: FieldProblem[] = [];
    if (shape.role === 'secretary' && !shape.organisationId) {
      errors.push({ field: 'organisationId', code: 'requiredForSecretary', message: 'a secretary account needs the organisation it manages' });
    }
    if (shape.role === 'collaborator' && !shape.collaboratorId) {
      errors.push({ field: 'collaboratorId', code: 'requiredForCollaborator', message: 'a collaborator account needs the collaborator it belongs to' });
    }
    if (shape.role === 'collaborator' && shape.organisationId) {
      errors.push({ field: 'organisationId', code: 'notForCollaborator', message: "a collaborator's organisation is its person's organisation; leave it out" });
    }
    if (shape.role === 'admin' && shape.organisationId) {
      errors.push({ field: 'organisationId', code: 'notForAdmin', message: 'an admin sees every organisation; leave it out' });
    }
    if (errors.length) throw new ValidationError(errors);
    return shape;
  }

  private async checkReferences(m: EntityManager, shape: AccountShape, userId: string | null): Promise<void> {
    if (shape.organisationId) {
      const [org] = await m.query(`SELECT 1 FROM organisation WHERE id = $1`, [shape.organisationId]);
      if (!org) throw new UnprocessableError('ORGANISATION_NOT_FOUND', `Organisation ${shape.organisationId} does not exist`, { field: 'organisationId' });
    }
    if (shape.collaboratorId) {
      const [person] = await m.query(`SELECT 1 FROM collaborator WHERE id = $1`, [shape.collaboratorId]);
      if (!person) throw new UnprocessableError('COLLABORATOR_NOT_FOUND', `Collaborator ${shape.collaboratorId} does not exist`, { field: 'collaboratorId' });
      const [other] = await m.query(`SELECT id FROM app_user WHERE collaborator_id = $1 AND id IS DISTINCT FROM $2`, [shape.collaboratorId, userId]);
      if (other) throw collaboratorHasAccount(shape.collaboratorId);
    }
  }

  /** Two admins racing to create the same login: the unique index decides, and the loser gets the same 409. */
  private async translateUniqueViolations<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const driver = error instanceof QueryFailedError ? (error.driverError as { code?: string; constraint?: string }) : undefined;
      if (driver?.code === '23505' && driver.constraint === 'app_user_login_key') throw loginTaken();
      if (driver?.code === '23505' && driver.constraint === 'app_user_collaborator_key') throw collaboratorHasAccount();
      throw error;
    }
  }
}

function loginTaken(login?: string): DomainError {
  return new ConflictError('LOGIN_TAKEN', login ? `The login "${login}" is already in use` : 'That login is already in use', { field: 'login' });
}

function collaboratorHasAccount(collaboratorId?: string): DomainError {
  return new ConflictError('COLLABORATOR_HAS_ACCOUNT', 'This collaborator already has an account (one account per person)', {
    field: 'collaboratorId',
    ...(collaboratorId ? { collaboratorId } : {}),
  });
}
