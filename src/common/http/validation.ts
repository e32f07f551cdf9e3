import type { ValidationError as ClassValidatorError } from 'class-validator';
import { type FieldProblem, ValidationError } from '../errors/domain.error.js';

/** Flattens class-validator's nested errors into `errors[]` with dotted field paths. */
export function flattenValidationErrors(errors: ClassValidatorError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([code, message]) => ({
      field,
      code: code === 'whitelistValidation' ? 'unknownField' : code,
      message: code === 'whitelistValidation' ? `${field} is not an accepted field` : message,
    }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

export function validationExceptionFactory(errors: ClassValidatorError[]): ValidationError {
  return new ValidationError(flattenValidationErrors(errors));
}
