import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { ValidationError } from '../errors/domain.error.js';
import { flattenValidationErrors } from './validation.js';

/**
 * Validates a body the way the global ValidationPipe does, for the rare route that must look at
 * the request before choosing its body type (JSON or multipart).
 */
export async function validateDto<T extends object>(type: new () => T, body: unknown): Promise<T> {
  const instance = plainToInstance(type, body ?? {});
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) throw new ValidationError(flattenValidationErrors(errors));
  return instance;
}
