import { HttpStatus } from '@nestjs/common';
import { ConflictError, DomainError, UnprocessableError } from '../common/errors/domain.error.js';

export const MAX_PROOF_IMAGE_BYTES = 5 * 1024 * 1024;

export class ProofImageMissingError extends DomainError {
  constructor(detail = 'Attach the screenshot as the multipart file field `image`') {
    super('PROOF_IMAGE_MISSING', HttpStatus.BAD_REQUEST, detail);
  }
}

export class ProofImageTooManyFilesError extends DomainError {
  constructor() {
    super('PROOF_IMAGE_TOO_MANY_FILES', HttpStatus.BAD_REQUEST, 'Send exactly one file, in the field `image`');
  }
}

export class ProofImageTooLargeError extends DomainError {
  constructor() {
    super('PROOF_IMAGE_TOO_LARGE', HttpStatus.PAYLOAD_TOO_LARGE, `The image is larger than ${MAX_PROOF_IMAGE_BYTES / 1024 / 1024} MB`, {
      maxBytes: MAX_PROOF_IMAGE_BYTES,
    });
  }
}

/** The content is not a JPEG, PNG or WebP, whatever its name or declared type says. */
export class ProofImageTypeError extends DomainError {
  constructor() {
    super('PROOF_IMAGE_TYPE_UNSUPPORTED', HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'The file is not a JPEG, PNG or WebP image (checked by its content)', {
      accepted: ['image/jpeg', 'image/png', 'image/webp'],
    });
  }
}

/** Looks like an image type we accept, but cannot be decoded completely (truncated, corrupt). */
export class ProofImageInvalidError extends UnprocessableError {
  constructor(reason: string) {
    super('PROOF_IMAGE_INVALID', `The image cannot be read: ${reason}`);
  }
}

export class ProofImageTooManyPixelsError extends UnprocessableError {
  constructor(maxPixels: number, width?: number, height?: number) {
    super('PROOF_IMAGE_TOO_MANY_PIXELS', `The image has more than ${maxPixels} pixels`, { maxPixels, width, height });
  }
}

export class NotMultipartError extends DomainError {
  constructor() {
    super('UNSUPPORTED_MEDIA_TYPE', HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'Send the proof as multipart/form-data with the file in the field `image`');
  }
}

export class TaskNotPendingError extends ConflictError {
  constructor(taskId: string, status: string) {
    super('TASK_NOT_PENDING', `Task ${taskId} is ${status}, not pending`, { taskStatus: status });
  }
}

export class TaskNotAwaitingReviewError extends ConflictError {
  constructor(taskId: string, status: string, reviewStatus: string) {
    super('TASK_NOT_AWAITING_REVIEW', `Task ${taskId} is not a completion awaiting review (status ${status}, review ${reviewStatus})`, {
      // not `status`: that key is the problem's HTTP status
      taskStatus: status,
      reviewStatus,
    });
  }
}
