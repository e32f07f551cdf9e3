import type { Readable } from 'node:stream';

/** Where proof images are kept, outside the database. Keys are relative paths (`proofs/<campaign>/<task>/<id>.webp`). */
export abstract class ProofStorage {
  abstract put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  /** The stored bytes as a stream; throws `ProofFileMissingError` when the key holds nothing. */
  abstract read(key: string): Promise<Readable>;
  /** Removes the keys; a key that holds nothing is not an error. */
  abstract remove(keys: readonly string[]): Promise<void>;
  abstract exists(key: string): Promise<boolean>;
}

export class ProofFileMissingError extends Error {
  constructor(readonly key: string) {
    super(`Proof file ${key} is missing from storage`);
  }
}

/** Keys are built by the service, never from user input; this guards the local store against path tricks anyway. */
export function assertSafeKey(key: string): void {
  if (!/^proofs\/[A-Za-z0-9/_.-]+$/.test(key) || key.split('/').some((part) => part === '..' || part === '.' || part === '')) {
    throw new Error(`Unsafe proof storage key: ${key}`);
  }
}
