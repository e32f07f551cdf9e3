import { ConfigValidationError } from './env.schema.js';

/** Start-up failures end the process with a readable message (no stack for configuration errors). */
export function exitOnConfigError(error: unknown): never {
  if (error instanceof ConfigValidationError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`Start-up failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
}
