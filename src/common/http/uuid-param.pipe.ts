import { type PipeTransform, Injectable } from '@nestjs/common';
import { NotFoundError } from '../errors/domain.error.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A path id that is not a uuid names nothing: 404, like an id that exists elsewhere, instead of
 * reaching Postgres as a cast error.
 */
@Injectable()
export class UuidParamPipe implements PipeTransform<string, string> {
  constructor(private readonly entity: string) {}

  transform(value: string): string {
    if (!UUID.test(value)) throw new NotFoundError(this.entity, value.slice(0, 80));
    return value.toLowerCase();
  }
}
