import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Metadata } from 'sharp';
import { Env } from '../common/config/env.schema.js';
import {
  MAX_PROOF_IMAGE_BYTES,
  ProofImageInvalidError,
  ProofImageMissingError,
  ProofImageTooLargeError,
  ProofImageTooManyPixelsError,
  ProofImageTypeError,
} from './proof.errors.js';

export type AcceptedImageType = 'image/jpeg' | 'image/png' | 'image/webp';

/** A proof image ready to store: re-encoded (no metadata left), measured and hashed. */
export interface NormalisedProofImage {
  bytes: Buffer;
  contentType: 'image/webp';
  extension: 'webp';
  width: number;
  height: number;
  /** SHA-256 (hex) of the stored bytes. */
  checksum: string;
  /** SHA-256 (hex) of the bytes as uploaded. */
  originalChecksum: string;
  originalContentType: AcceptedImageType;
}

/** WebP cannot hold a side longer than this; taller scrolling screenshots are scaled down to fit. */
const WEBP_MAX_SIDE = 16_383;

/** The type of an image by its first bytes (magic numbers), never by its name or declared type. */
export function sniffImageType(bytes: Buffer): AcceptedImageType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return null;
}

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const SHARP_FORMAT: Record<AcceptedImageType, string> = { 'image/jpeg': 'jpeg', 'image/png': 'png', 'image/webp': 'webp' };

/**
 * Checks an uploaded screenshot and turns it into what we store: the content must be a JPEG, PNG
 * or WebP of at most 5 MB and PROOF_MAX_PIXELS pixels that decodes completely; it is re-encoded
 * as WebP, which drops every piece of metadata (EXIF, GPS, XMP, ICC comments).
 */
@Injectable()
export class ProofImageService {
  constructor(private readonly env: Env) {}

  get maxPixels(): number {
    return this.env.PROOF_MAX_PIXELS;
  }

  async normalise(original: Buffer | undefined | null): Promise<NormalisedProofImage> {
    if (!original || original.length === 0) throw new ProofImageMissingError('The uploaded file is empty');
    if (original.length > MAX_PROOF_IMAGE_BYTES) throw new ProofImageTooLargeError();
    const type = sniffImageType(original);
    if (!type) throw new ProofImageTypeError();

    // libvips is loaded at the first upload, not at start: most processes never decode an image.
    const { default: sharp } = await import('sharp');
    const options = { limitInputPixels: this.maxPixels, failOn: 'error' as const, sequentialRead: true };
    // The header gives the dimensions without decoding: refuse an image bomb before spending memory on it.
    let meta: Metadata;
    try {
      meta = await sharp(original, options).metadata();
    } catch (error) {
      throw this.translate(error);
    }
    if (meta.format !== SHARP_FORMAT[type]) throw new ProofImageTypeError();
    const width = meta.width ?? 0;
    const height = meta.pageHeight ?? meta.height ?? 0;
    if (width * height > this.maxPixels) throw new ProofImageTooManyPixelsError(this.maxPixels, width, height);

    try {
      const { data, info } = await sharp(original, options)
        .rotate() // apply the EXIF orientation before the metadata is dropped
        .resize({ width: WEBP_MAX_SIDE, height: WEBP_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 85 })
        .toBuffer({ resolveWithObject: true });
      return {
        bytes: data,
        contentType: 'image/webp',
        extension: 'webp',
        width: info.width,
        height: info.height,
        checksum: sha256(data),
        originalChecksum: sha256(original),
        originalContentType: type,
      };
    } catch (error) {
      throw this.translate(error);
    }
  }

  private translate(error: unknown): Error {
    const message = error instanceof Error ? error.message : String(error);
    if (/pixel limit/i.test(message)) return new ProofImageTooManyPixelsError(this.maxPixels);
    if (/unsupported image format/i.test(message)) return new ProofImageTypeError();
    return new ProofImageInvalidError(message.split('\n')[0]!.slice(0, 200));
  }
}
