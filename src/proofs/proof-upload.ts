import type { FastifyRequest } from 'fastify';
import { DomainError } from '../common/errors/domain.error.js';
import { HttpStatus } from '@nestjs/common';
import { NotMultipartError, ProofImageMissingError, ProofImageTooLargeError, ProofImageTooManyFilesError } from './proof.errors.js';

export interface ProofUpload {
  image: Buffer;
  filename: string;
  note?: string;
}

const MAX_NOTE_LENGTH = 2000;

/**
 * Reads a multipart proof upload: exactly one file, in the field `image`, and an optional `note`
 * field. The multipart plugin's limits (5 MB a file, one file) are turned into problem responses.
 */
export async function readProofUpload(request: FastifyRequest): Promise<ProofUpload> {
  if (!request.isMultipart()) throw new NotMultipartError();
  let image: { buffer: Buffer; filename: string } | undefined;
  let note: string | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'image' || image) {
          part.file.resume();
          throw new ProofImageTooManyFilesError();
        }
        image = { buffer: await part.toBuffer(), filename: part.filename };
      } else if (part.fieldname === 'note') {
        note = String(part.value);
      } else {
        throw new DomainError('VALIDATION_FAILED', HttpStatus.BAD_REQUEST, `Unknown field ${part.fieldname}`, {}, [
          { field: part.fieldname, code: 'unknownField', message: `${part.fieldname} is not an accepted field` },
        ]);
      }
    }
  } catch (error) {
    throw translateMultipartError(error);
  }
  if (!image) throw new ProofImageMissingError();
  if (note !== undefined && note.length > MAX_NOTE_LENGTH) {
    throw new DomainError('VALIDATION_FAILED', HttpStatus.BAD_REQUEST, 'The request has invalid fields; see errors[]', {}, [
      { field: 'note', code: 'maxLength', message: `note must be at most ${MAX_NOTE_LENGTH} characters` },
    ]);
  }
  return { image: image.buffer, filename: image.filename, note: note?.trim() || undefined };
}

function translateMultipartError(error: unknown): unknown {
  if (error instanceof DomainError) return error;
  switch ((error as { code?: string }).code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return new ProofImageTooLargeError();
    case 'FST_FILES_LIMIT':
      return new ProofImageTooManyFilesError();
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
    case 'FST_PROTO_VIOLATION':
    case 'FST_MP_PREMATURE_CLOSE':
      return new DomainError('VALIDATION_FAILED', HttpStatus.BAD_REQUEST, 'The multipart body is malformed or has too many fields');
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new NotMultipartError();
  }
  // Busboy's own parse errors (e.g. "Unexpected end of form") are the client's malformed body.
  if (error instanceof Error && /multipart|form|boundary/i.test(error.message)) {
    return new DomainError('VALIDATION_FAILED', HttpStatus.BAD_REQUEST, `Malformed multipart body: ${error.message}`);
  }
  return error;
}
