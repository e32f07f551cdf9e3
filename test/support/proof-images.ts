import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import sharp from 'sharp';

/** A small PNG whose pixels depend on `seed`, so different seeds give different images. */
export async function pngImage(seed: string = randomBytes(3).toString('hex'), size = { width: 320, height: 200 }): Promise<Buffer> {
  const colour = `#${seed.padEnd(6, '0').slice(0, 6).replace(/[^0-9a-f]/gi, '7')}`;
  return sharp({ create: { ...size, channels: 3, background: colour } }).png().toBuffer();
}

/** A noisy PNG: big enough that cutting it leaves a truncated image. */
export async function noisyPng(size = 300): Promise<Buffer> {
  return sharp({ create: { width: size, height: size, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).png().toBuffer();
}

/** A JPEG carrying EXIF with a camera make and a GPS position (Hà Nội). */
export async function jpegWithGps(): Promise<Buffer> {
  return sharp({ create: { width: 160, height: 120, channels: 3, background: '#3366aa' } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'TestPhone', Model: 'Proof-1' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '21/1 1/1 30/1', GPSLongitudeRef: 'E', GPSLongitude: '105/1 51/1 0/1' },
    })
    .toBuffer();
}

/** EXIF's GPS IFD pointer tag (0x8825) in either byte order. */
export function hasGpsTag(exif: Buffer | undefined): boolean {
  if (!exif) return false;
  return exif.includes(Buffer.from([0x25, 0x88])) || exif.includes(Buffer.from([0x88, 0x25]));
}

/**
 * An image bomb: a real, decodable 1-bit greyscale PNG of width x height pixels whose file is a
 * few kilobytes (all-zero rows compress to almost nothing).
 */
export function pngBomb(width = 8000, height = 8000): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  const raw = Buffer.alloc((1 + Math.ceil(width / 8)) * height); // filter byte 0 + zero pixels per row
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export interface MultipartPart {
  name: string;
  value: string | Buffer;
  filename?: string;
  contentType?: string;
}

/** A multipart/form-data body for `app.inject`. */
export function multipart(parts: MultipartPart[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----proof${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`;
    if (part.filename !== undefined) head += `; filename="${part.filename}"`;
    head += '\r\n';
    if (part.filename !== undefined) head += `Content-Type: ${part.contentType ?? 'application/octet-stream'}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`), Buffer.isBuffer(part.value) ? part.value : Buffer.from(part.value), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** The usual proof upload: one PNG in the field `image`. */
export function imageUpload(image: Buffer, extra: { filename?: string; contentType?: string; note?: string } = {}) {
  const parts: MultipartPart[] = [{ name: 'image', value: image, filename: extra.filename ?? 'screenshot.png', contentType: extra.contentType ?? 'image/png' }];
  if (extra.note !== undefined) parts.push({ name: 'note', value: extra.note });
  return multipart(parts);
}
