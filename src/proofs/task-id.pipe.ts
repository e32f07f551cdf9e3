import { Injectable, type PipeTransform } from '@nestjs/common';
import { NotFoundError } from '../common/errors/domain.error.js';
import { TASK_ID_PATTERN } from '../tasks/task-scope.js';

/** A `:id` that cannot be a task id answers 404, like an id that exists nowhere. */
@Injectable()
export class ParseTaskIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (typeof value !== 'string' || !TASK_ID_PATTERN.test(value)) throw new NotFoundError('Task', String(value).slice(0, 40));
    return value;
  }
}
