import { getMetadataStorage, IsInt, IsOptional, IsString, MetadataStorage, validate } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { ApiModule } from '../../app/api.module.js';
import { cacheValidationMetadata } from './validation-metadata-cache.js';

type Storage = { validationMetadatas: Map<unknown, unknown>; getTargetValidationMetadatas(...args: unknown[]): unknown[] };

describe('cacheValidationMetadata', () => {
  it('answers what class-validator itself answers, for every DTO of the API', async () => {
    expect(ApiModule).toBeDefined(); // every controller and DTO of the API is loaded (their decorators ran)
    const storage = getMetadataStorage() as unknown as Storage;
    const targets = [...storage.validationMetadatas.keys()].filter((t): t is new () => object => typeof t === 'function');
    expect(targets.length).toBeGreaterThan(20);
    // class-validator's own answer: the class's method (the cache replaces the instance's, once per
    // process, so an earlier test file in this worker may have installed it already).
    const own = MetadataStorage.prototype.getTargetValidationMetadatas as unknown as Storage['getTargetValidationMetadatas'];
    const before = targets.map((t) => [...own.call(storage, t, undefined, false, false, undefined)]);
    cacheValidationMetadata();
    cacheValidationMetadata(); // idempotent
    for (const [i, t] of targets.entries()) {
      for (let n = 0; n < 2; n++) expect([...storage.getTargetValidationMetadatas(t, undefined, false, false, undefined)]).toEqual(before[i]);
    }
  });

  it('sees a rule added after a class was first validated', async () => {
    cacheValidationMetadata();
    class Late {
      @IsString() name!: string;
      @IsOptional() count?: unknown;
    }
    const late = Object.assign(new Late(), { name: 'a', count: 'not a number' });
    expect(await validate(late)).toEqual([]);
    IsInt()(Late.prototype, 'count');
    const errors = await validate(late);
    expect(errors.map((e) => e.property)).toEqual(['count']);
    // And a subclass defined later inherits both rules.
    class Later extends Late {
      @IsString() extra!: string;
    }
    const later = Object.assign(new Later(), { name: 1, count: 'x', extra: 2 });
    expect((await validate(later)).map((e) => e.property).sort()).toEqual(['count', 'extra', 'name']);
  });
});
