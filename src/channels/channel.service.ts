import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/auth/actor.js';
import { scopeOf } from '../common/auth/scope.js';
import type { SearchPage } from '../common/database/search.js';
import { hasChanges, isUniqueViolation } from '../common/database/sql-write.js';
import { ConflictError, NotFoundError, UnprocessableError, ValidationError } from '../common/errors/domain.error.js';
import { assertVersion, type ExpectedVersion } from '../common/http/versioning.js';
import { normaliseChannelUrl } from './channel-url.util.js';
import { ChannelRepository } from './channel.repository.js';
import type { ChannelDto, ChannelListQueryDto, CreateChannelDto, UpdateChannelDto } from './dto/channel.dto.js';
import type { Platform } from './platform.js';

const ENTITY = 'channel';

/**
 * Pages and groups run by organisations. Administrators must be active collaborators of the
 * channel's organisation or its sub-units (not of ancestors): whoever manages the channel's
 * organisation can then see and manage its administrators too.
 */
@Injectable()
export class ChannelService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly channels: ChannelRepository,
    private readonly audit: AuditService,
  ) {}

  /** `exhaustive`: every match of a search (exports), not the first SEARCH_CAP. */
  list(actor: Actor, query: ChannelListQueryDto, options: { exhaustive?: boolean } = {}): Promise<SearchPage<ChannelDto>> {
    return this.channels.list(scopeOf(actor), query, options);
  }

  async get(actor: Actor, id: string): Promise<ChannelDto> {
    const row = await this.channels.findInScope(scopeOf(actor), id);
    if (!row) throw new NotFoundError('Channel', id);
    return row;
  }

  async create(actor: Actor, input: CreateChannelDto): Promise<ChannelDto> {
    const scope = scopeOf(actor);
    const url = normalisedUrl(input.platform, input.url);
    return this.withUniqueConflicts(url, input.code ?? undefined, () =>
      this.dataSource.transaction(async (manager) => {
        if (!(await this.channels.organisationInScope(scope, input.organisationId, manager))) throw organisationNotFound(input.organisationId);
        await this.refuseTaken(url, input.code ?? undefined, null);
        const id = await this.channels.insert(manager, { ...input, url });
        const row = (await this.channels.findInScope(scope, id, manager))!;
        await this.audit.record(manager, actor, { action: 'channel.create', entity: ENTITY, entityId: id, after: row });
        return row;
      }),
    );
  }

  async update(actor: Actor, id: string, input: UpdateChannelDto, expected: ExpectedVersion): Promise<ChannelDto> {
    const scope = scopeOf(actor);
    const { version: _version, ...changes } = input;
    return this.withUniqueConflicts(undefined, changes.code ?? undefined, () =>
      this.dataSource.transaction(async (manager) => {
        const before = await this.channels.findInScope(scope, id, manager, true);
        if (!before) throw new NotFoundError('Channel', id);
        assertVersion('Channel', expected, before.version);
        if (changes.url !== undefined || (changes.platform !== undefined && changes.platform !== before.platform)) {
          changes.url = normalisedUrl(changes.platform ?? before.platform, changes.url ?? before.url);
        }
        if (!hasChanges(changes, before as unknown as Record<string, unknown>)) return before;
        if (changes.organisationId && changes.organisationId !== before.organisationId) {
          if (!(await this.channels.organisationInScope(scope, changes.organisationId, manager))) throw organisationNotFound(changes.organisationId);
          const stranded = await this.channels.adminsOutside(manager, changes.organisationId, before.admins.map((a) => a.id));
          if (stranded.length > 0) throw adminsOutside(stranded, 'admins', 'Change the administrators first: some are not members of the new organisation');
        }
        const newUrl = changes.url !== before.url ? changes.url : undefined;
        await this.refuseTaken(newUrl, changes.code !== before.code ? (changes.code ?? undefined) : undefined, id);
        await this.withUrlConflict(newUrl, () => this.channels.update(manager, id, changes));
        const after = (await this.channels.findInScope(scope, id, manager))!;
        await this.audit.record(manager, actor, { action: 'channel.update', entity: ENTITY, entityId: id, before, after });
        return after;
      }),
    );
  }

  async setAdmins(actor: Actor, id: string, collaboratorIds: string[], expected: ExpectedVersion): Promise<ChannelDto> {
    const scope = scopeOf(actor);
    return this.dataSource.transaction(async (manager) => {
      const before = await this.channels.findInScope(scope, id, manager, true);
      if (!before) throw new NotFoundError('Channel', id);
      assertVersion('Channel', expected, before.version);
      const outside = await this.channels.adminsOutside(manager, before.organisationId, collaboratorIds);
      if (outside.length > 0) {
        throw adminsOutside(outside, 'collaboratorIds', 'Administrators must be active collaborators of the channel organisation or its sub-units', collaboratorIds);
      }
      const current = before.admins.map((a) => a.id).sort();
      if (JSON.stringify(current) === JSON.stringify([...collaboratorIds].sort())) return before;
      await this.channels.replaceAdmins(manager, id, collaboratorIds);
      await this.channels.bumpVersion(manager, id);
      const after = (await this.channels.findInScope(scope, id, manager))!;
      await this.audit.record(manager, actor, {
        action: 'channel.admins.set',
        entity: ENTITY,
        entityId: id,
        before: { adminIds: current },
        after: { adminIds: after.admins.map((a) => a.id).sort() },
      });
      return after;
    });
  }

  /** Deactivates; tasks and reports keep pointing at the channel. */
  async deactivate(actor: Actor, id: string, expected: ExpectedVersion): Promise<ChannelDto> {
    const scope = scopeOf(actor);
    return this.dataSource.transaction(async (manager) => {
      const before = await this.channels.findInScope(scope, id, manager, true);
      if (!before) throw new NotFoundError('Channel', id);
      assertVersion('Channel', expected, before.version);
      if (!before.active) return before;
      await this.channels.update(manager, id, { active: false });
      const after = (await this.channels.findInScope(scope, id, manager))!;
      await this.audit.record(manager, actor, { action: 'channel.deactivate', entity: ENTITY, entityId: id, before, after });
      return after;
    });
  }

  /** Answers the usual duplicate up front; the unique constraints still catch a concurrent one. */
  private async refuseTaken(url: string | undefined, code: string | undefined, selfId: string | null): Promise<void> {
    const byUrl = url === undefined ? null : await this.channels.findHolder('url', url);
    if (byUrl && byUrl.id !== selfId) throw urlTaken(url!, byUrl);
    const byCode = code === undefined ? null : await this.channels.findHolder('code', code);
    if (byCode && byCode.id !== selfId) throw codeTaken(code!, byCode);
  }

  private async withUniqueConflicts<T>(url: string | undefined, code: string | undefined, work: () => Promise<T>): Promise<T> {
    return this.withUrlConflict(url, async () => {
      try {
        return await work();
      } catch (error) {
        if (code !== undefined && isUniqueViolation(error, 'channel_code_key')) {
          throw codeTaken(code, await this.channels.findHolder('code', code));
        }
        throw error;
      }
    });
  }

  /** The same normalised URL twice is a 409 naming the channel (and organisation) that has it. */
  private async withUrlConflict<T>(url: string | undefined, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (url !== undefined && isUniqueViolation(error, 'channel_url_key')) {
        throw urlTaken(url, await this.channels.findHolder('url', url));
      }
      throw error;
    }
  }
}

type Holder = Awaited<ReturnType<ChannelRepository['findHolder']>>;

function urlTaken(url: string, existing: Holder): ConflictError {
  return new ConflictError(
    'CHANNEL_URL_TAKEN',
    existing ? `${url} is already registered as "${existing.name}" of ${existing.organisation.name}` : `${url} is already registered`,
    { existing },
  );
}

function codeTaken(code: string, existing: Holder): ConflictError {
  return new ConflictError('CHANNEL_CODE_TAKEN', `Channel code ${code} is already used by ${existing?.name ?? 'another channel'}`, { existing });
}

function normalisedUrl(platform: Platform, raw: string): string {
  const result = normaliseChannelUrl(platform, raw);
  if (!result.ok) throw new ValidationError([{ field: 'url', code: 'invalidChannelUrl', message: result.reason }]);
  return result.url;
}

function organisationNotFound(organisationId: string): UnprocessableError {
  return new UnprocessableError('ORGANISATION_NOT_FOUND', `Organisation ${organisationId} not found in your scope`, {}, [
    { field: 'organisationId', code: 'notFound', message: 'No such organisation in your scope' },
  ]);
}

function adminsOutside(ids: string[], field: string, detail: string, order: string[] = ids): UnprocessableError {
  return new UnprocessableError(
    'CHANNEL_ADMIN_OUTSIDE',
    detail,
    { collaboratorIds: ids },
    ids.map((id) => ({ field: `${field}.${order.indexOf(id)}`, code: 'notInOrganisation', message: `${id} is not an active collaborator of the channel organisation` })),
  );
}
