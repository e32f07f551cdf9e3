import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/auth/actor.js';
import { type Scope, scopeOf } from '../common/auth/scope.js';
import type { SearchPage } from '../common/database/search.js';
import { hasChanges, isUniqueViolation } from '../common/database/sql-write.js';
import { ConflictError, NotFoundError, UnprocessableError } from '../common/errors/domain.error.js';
import { assertVersion, type ExpectedVersion } from '../common/http/versioning.js';
import { CollaboratorRepository } from './collaborator.repository.js';
import type { CollaboratorDto, CollaboratorListQueryDto, CreateCollaboratorDto, UpdateCollaboratorDto } from './dto/collaborator.dto.js';

const ENTITY = 'collaborator';

/** People of the organisations: secretaries manage their subtree's, a collaborator sees itself. */
@Injectable()
export class CollaboratorService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly collaborators: CollaboratorRepository,
    private readonly audit: AuditService,
  ) {}

  /** `exhaustive`: every match of a search (exports), not the first SEARCH_CAP. */
  list(actor: Actor, query: CollaboratorListQueryDto, options: { exhaustive?: boolean } = {}): Promise<SearchPage<CollaboratorDto>> {
    return this.collaborators.list(scopeOf(actor), query, options);
  }

  async get(actor: Actor, id: string): Promise<CollaboratorDto> {
    const row = await this.collaborators.findInScope(scopeOf(actor), id);
    if (!row) throw new NotFoundError('Collaborator', id);
    return row;
  }

  async create(actor: Actor, input: CreateCollaboratorDto): Promise<CollaboratorDto> {
    const scope = scopeOf(actor);
    return this.withCodeConflict(scope, input.code, () =>
      this.dataSource.transaction(async (manager) => {
        if (!(await this.collaborators.organisationInScope(scope, input.organisationId, manager))) throw organisationNotFound(input.organisationId);
        const id = await this.collaborators.insert(manager, input);
        const row = (await this.collaborators.findInScope(scope, id, manager))!;
        await this.audit.record(manager, actor, { action: 'collaborator.create', entity: ENTITY, entityId: id, after: row });
        return row;
      }),
    );
  }

  async update(actor: Actor, id: string, input: UpdateCollaboratorDto, expected: ExpectedVersion): Promise<CollaboratorDto> {
    const scope = scopeOf(actor);
    const { version: _version, ...changes } = input;
    return this.withCodeConflict(scope, changes.code, () =>
      this.dataSource.transaction(async (manager) => {
        const before = await this.collaborators.findInScope(scope, id, manager, true);
        if (!before) throw new NotFoundError('Collaborator', id);
        assertVersion('Collaborator', expected, before.version);
        if (!hasChanges(changes, before as unknown as Record<string, unknown>)) return before;
        if (changes.organisationId && changes.organisationId !== before.organisationId) {
          if (!(await this.collaborators.organisationInScope(scope, changes.organisationId, manager))) throw organisationNotFound(changes.organisationId);
        }
        await this.collaborators.update(manager, id, changes);
        const after = (await this.collaborators.findInScope(scope, id, manager))!;
        await this.audit.record(manager, actor, { action: 'collaborator.update', entity: ENTITY, entityId: id, before, after });
        return after;
      }),
      id,
    );
  }

  /** Deactivates; tasks and reports keep pointing at the person. */
  async deactivate(actor: Actor, id: string, expected: ExpectedVersion): Promise<CollaboratorDto> {
    const scope = scopeOf(actor);
    return this.dataSource.transaction(async (manager) => {
      const before = await this.collaborators.findInScope(scope, id, manager, true);
      if (!before) throw new NotFoundError('Collaborator', id);
      assertVersion('Collaborator', expected, before.version);
      if (!before.active) return before;
      await this.collaborators.update(manager, id, { active: false });
      const after = (await this.collaborators.findInScope(scope, id, manager))!;
      await this.audit.record(manager, actor, { action: 'collaborator.deactivate', entity: ENTITY, entityId: id, before, after });
      return after;
    });
  }

  private async visibleHolder(scope: Scope, code: string): Promise<Record<string, unknown>> {
    const existing = await this.collaborators.findByCode(scope, code);
    return existing ? { existing } : {};
  }

  /** A taken code is a 409; it names the holder only when the caller may see that person. */
  private async withCodeConflict<T>(scope: Scope, code: string | undefined, work: () => Promise<T>, selfId: string | null = null): Promise<T> {
    // The usual duplicate is answered up front; the unique constraint still catches a concurrent one.
    if (code !== undefined) {
      const holder = await this.collaborators.codeHolder(code);
      if (holder && holder !== selfId) throw new ConflictError('COLLABORATOR_CODE_TAKEN', `Collaborator code ${code} is already in use`, await this.visibleHolder(scope, code));
    }
    try {
      return await work();
    } catch (error) {
      if (code !== undefined && isUniqueViolation(error, 'collaborator_code_key')) {
        throw new ConflictError('COLLABORATOR_CODE_TAKEN', `Collaborator code ${code} is already in use`, await this.visibleHolder(scope, code));
      }
      throw error;
    }
  }
}

function organisationNotFound(organisationId: string): UnprocessableError {
  return new UnprocessableError('ORGANISATION_NOT_FOUND', `Organisation ${organisationId} not found in your scope`, {}, [
    { field: 'organisationId', code: 'notFound', message: 'No such organisation in your scope' },
  ]);
}
