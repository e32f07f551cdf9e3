import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { validateEnv } from '../common/config/env.schema.js';
import { ProofImageService, sha256, sniffImageType } from './proof-image.service.js';
import { assertSafeKey } from './storage/proof-storage.js';

const solid = (format: 'png' | 'jpeg' | 'webp', width = 40, height = 30) =>
  sharp({ create: { width, height, channels: 3, background: '#1188cc' } }).toFormat(format).toBuffer();

describe(ProofImageService.name, () => {
  const sut = new ProofImageService(validateEnv({ PROOF_MAX_PIXELS: '1000000' }));

  it.each(['png', 'jpeg', 'webp'] as const)('re-encodes a %s as WebP and hashes both versions', async (format) => {
    const original = await solid(format);
    const out = await sut.normalise(original);
    expect(out).toMatchObject({ contentType: 'image/webp', width: 40, height: 30, originalContentType: `image/${format}` });
    expect(sniffImageType(out.bytes)).toBe('image/webp');
    expect(out.checksum).toBe(sha256(out.bytes));
    expect(out.originalChecksum).toBe(sha256(original));
  });

  it('gives the same checksum for the same picture', async () => {
    const original = await solid('png');
    expect((await sut.normalise(original)).checksum).toBe((await sut.normalise(Buffer.from(original))).checksum);
  });

  it('refuses more pixels than PROOF_MAX_PIXELS before decoding', async () => {
    await expect(sut.normalise(await solid('png', 1001, 1000))).rejects.toMatchObject({ code: 'PROOF_IMAGE_TOO_MANY_PIXELS' });
  });

  it('refuses other image types (GIF, TIFF) and non-images', async () => {
    const gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } }).gif().toBuffer();
    const tiff = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } }).tiff().toBuffer();
    for (const bytes of [gif, tiff, Buffer.from('%PDF-1.7\n'), Buffer.from('<svg/>')]) {
      await expect(sut.normalise(bytes)).rejects.toMatchObject({ code: 'PROOF_IMAGE_TYPE_UNSUPPORTED' });
    }
  });

  it('refuses a file with a valid signature and garbage after it', async () => {
    const fake = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('not really a png at all')]);
    await expect(sut.normalise(fake)).rejects.toMatchObject({ code: 'PROOF_IMAGE_INVALID' });
  });

  it('refuses an empty or over-sized buffer', async () => {
    await expect(sut.normalise(Buffer.alloc(0))).rejects.toMatchObject({ code: 'PROOF_IMAGE_MISSING' });
    await expect(sut.normalise(Buffer.alloc(5 * 1024 * 1024 + 1))).rejects.toMatchObject({ code: 'PROOF_IMAGE_TOO_LARGE' });
  });
});

describe('sniffImageType', () => {
  it('reads the type from the first bytes only', async () => {
    expect(sniffImageType(await solid('png'))).toBe('image/png');
    expect(sniffImageType(await solid('jpeg'))).toBe('image/jpeg');
    expect(sniffImageType(await solid('webp'))).toBe('image/webp');
    expect(sniffImageType(Buffer.from('RIFF0000WAVE'))).toBeNull();
    expect(sniffImageType(Buffer.from([0xff, 0xd8]))).toBeNull();
  });
});

describe('assertSafeKey', () => {
  it.each(['proofs/../etc/passwd', '/etc/passwd', 'proofs//x', 'other/x.webp', 'proofs/a/./b'])('refuses %s', (key) => {
    expect(() => assertSafeKey(key)).toThrow(/Unsafe/);
  });
  it('accepts a key the service builds', () => {
    expect(() => assertSafeKey('proofs/5b8a4c1e-0000-4000-8000-000000000000/12/6f1e.webp')).not.toThrow();
  });
});
