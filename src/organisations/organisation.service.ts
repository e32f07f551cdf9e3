import { HttpStatus, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/auth/actor.js';
import { scopeOf } from '../common/auth/scope.js';
import type { SearchPage } from '../common/database/search.js';
import { hasChanges, isUniqueViolation } from '../common/database/sql-write.js';
import { ConflictError, DomainError, NotFoundError, UnprocessableError } from '../common/errors/domain.error.js';
import { assertVersion, type ExpectedVersion } from '../common/http/versioning.js';
import type { CreateOrganisationDto, OrganisationDto, OrganisationListQueryDto, UpdateOrganisationDto } from './dto/organisation.dto.js';
import { type OrganisationChanges, OrganisationRepository } from './organisation.repository.js';

const ENTITY = 'organisation';

/** The organisation tree: reads scoped to the caller, writes (admins) audited in the same transaction. */
@Injectable()
export class OrganisationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly organisations: OrganisationRepository,
    private readonly audit: AuditService,
  ) {}

  /** `exhaustive`: every match of a search (exports), not the first SEARCH_CAP. */
  list(actor: Actor, query: OrganisationListQueryDto, options: { exhaustive?: boolean } = {}): Promise<SearchPage<OrganisationDto>> {
    return this.organisations.list(scopeOf(actor), query, options);
  }

  codesOf(ids: string[]): Promise<Map<string, string>> {
    return this.organisations.codesOf(ids);
  }

  async get(actor: Actor, id: string): Promise<OrganisationDto> {
    const row = await this.organisations.findInScope(scopeOf(actor), id);
    if (!row) throw new NotFoundError('Organisation', id);
    return row;
  }

  async create(actor: Actor, input: CreateOrganisationDto): Promise<OrganisationDto> {
    const scope = scopeOf(actor);
    const id = randomUUID();
    return this.withCodeConflict(input.code, () =>
      this.dataSource.transaction(async (manager) => {
        let prefix: string[] = [];
        if (input.parentId) {
          const parent = await this.organisations.findInScope(scope, input.parentId, manager);
          if (!parent) throw parentNotFound(input.parentId);
          prefix = parent.ancestors;
        }
        if (input.secretaryCollaboratorId) {
          // A brand-new organisation has no members yet; its secretary is set once it has.
          throw secretaryOutside(input.secretaryCollaboratorId);
        }
        const row = await this.organisations.insert(manager, { ...input, id, ancestors: [...prefix, id], depth: prefix.length });
        await this.audit.record(manager, actor, { action: 'organisation.create', entity: ENTITY, entityId: row.id, after: row });
        return row;
      }),
    );
  }

  async update(actor: Actor, id: string, input: UpdateOrganisationDto, expected: ExpectedVersion): Promise<OrganisationDto> {
    const scope = scopeOf(actor);
    const { version: _version, ...changes } = input;
    return this.withCodeConflict(changes.code, () =>
      this.dataSource.transaction(async (manager) => {
        const moving = changes.parentId !== undefined;
        if (moving) await this.organisations.lockTree(manager);
        const before = await this.organisations.findInScope(scope, id, manager, true);
        if (!before) throw new NotFoundError('Organisation', id);
        assertVersion('Organisation', expected, before.version);
        if (!hasChanges(changes, before as unknown as Record<string, unknown>)) return before;

        let newPrefix: string[] | null = null;
        if (moving && changes.parentId !== before.parentId) {
          newPrefix = [];
          if (changes.parentId) {
            const parent = await this.organisations.findInScope(scope, changes.parentId, manager);
            if (!parent) throw parentNotFound(changes.parentId);
            if (parent.ancestors.includes(id)) {
              throw new ConflictError('ORGANISATION_CYCLE', 'An organisation cannot move under itself or one of its own sub-units', {
                organisationId: id,
                parentId: parent.id,
              });
            }
            newPrefix = parent.ancestors;
          }
        }
        if (changes.secretaryCollaboratorId && !(await this.organisations.collaboratorInSubtree(manager, id, changes.secretaryCollaboratorId))) {
          throw secretaryOutside(changes.secretaryCollaboratorId);
        }
        await this.organisations.update(manager, id, changes as OrganisationChanges);
        if (newPrefix) await this.organisations.moveSubtree(manager, id, newPrefix);
        const after = (await this.organisations.findInScope(scope, id, manager))!;
        await this.audit.record(manager, actor, {
          action: newPrefix ? 'organisation.move' : 'organisation.update',
          entity: ENTITY,
          entityId: id,
          before,
          after,
        });
        return after;
      }),
      id,
    );
  }

  /** Deactivates; tasks and reports keep pointing at the row. */
  async deactivate(actor: Actor, id: string, expected: ExpectedVersion): Promise<OrganisationDto> {
    return this.dataSource.transaction(async (manager) => {
      const before = await this.organisations.findInScope(scopeOf(actor), id, manager, true);
      if (!before) throw new NotFoundError('Organisation', id);
      assertVersion('Organisation', expected, before.version);
      if (!before.active) return before;
      const after = await this.organisations.update(manager, id, { active: false });
      await this.audit.record(manager, actor, { action: 'organisation.deactivate', entity: ENTITY, entityId: id, before, after });
      return after;
    });
  }

  /** Turns a unique-code violation into a 409 that names the organisation holding the code. */
  private async withCodeConflict<T>(code: string | undefined, work: () => Promise<T>, selfId: string | null = null): Promise<T> {
    // The usual duplicate is answered up front; the unique constraint still catches a concurrent one.
    const holder = code === undefined ? null : await this.organisations.findByCode(code);
    if (holder && holder.id !== selfId) throw codeTaken(code!, holder);
    try {
      return await work();
    } catch (error) {
      if (code !== undefined && isUniqueViolation(error, 'organisation_code_key')) {
        throw codeTaken(code, await this.organisations.findByCode(code));
      }
      throw error;
    }
  }
}

function codeTaken(code: string, existing: { id: string; code: string; name: string } | null): ConflictError {
  return new ConflictError('ORGANISATION_CODE_TAKEN', `Code ${code} is already used by ${existing?.name ?? 'another organisation'}`, { existing });
}

function parentNotFound(parentId: string): DomainError {
  return new UnprocessableError('PARENT_NOT_FOUND', `Parent organisation ${parentId} not found`, {}, [
    { field: 'parentId', code: 'notFound', message: 'No such organisation in your scope' },
  ]);
}

function secretaryOutside(collaboratorId: string): DomainError {
  return new DomainError(
    'SECRETARY_NOT_IN_ORGANISATION',
    HttpStatus.UNPROCESSABLE_ENTITY,
    `Collaborator ${collaboratorId} is not a member of this organisation or its sub-units`,
    {},
    [{ field: 'secretaryCollaboratorId', code: 'notInOrganisation', message: 'Must be a collaborator of this organisation or its sub-units' }],
  );
}
