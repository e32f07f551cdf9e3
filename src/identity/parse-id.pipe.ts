import { ParseUUIDPipe } from '@nestjs/common';
import { ValidationError } from '../common/errors/domain.error.js';

/** A path id that is not a UUID is the caller's mistake (400 problem), never a database error. */
export const ParseIdPipe = new ParseUUIDPipe({
  exceptionFactory: () => new ValidationError([{ field: 'id', code: 'isUuid', message: 'id must be a UUID' }]),
});
