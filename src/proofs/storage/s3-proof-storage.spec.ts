import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProofFileMissingError } from './proof-storage.js';
import { S3ProofStorage } from './s3-proof-storage.js';

/** Against s3rver, an S3-compatible HTTP server on loopback: the real SDK, real requests, real signatures. */
describe(S3ProofStorage.name, () => {
  let server: S3rver;
  let dir: string;
  let sut: S3ProofStorage;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 's3rver-'));
    server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir });
    const address = (await server.run()) as AddressInfo;
    const endpoint = `http://127.0.0.1:${address.port}`;
    const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
    const admin = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
    await admin.send(new CreateBucketCommand({ Bucket: 'proofs-test' }));
    admin.destroy();
    sut = new S3ProofStorage({ endpoint, bucket: 'proofs-test', region: 'us-east-1', forcePathStyle: true, ...credentials });
  });

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('puts, reads back, and removes an object', async () => {
    const key = 'proofs/c1/42/abc.webp';
    const bytes = Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 fake bytes', 'latin1');
    await sut.put(key, bytes, 'image/webp');
    expect(await sut.exists(key)).toBe(true);
    expect(await buffer(await sut.read(key))).toEqual(bytes);
    await sut.remove([key, 'proofs/c1/42/never-stored.webp']);
    expect(await sut.exists(key)).toBe(false);
    await expect(sut.read(key)).rejects.toBeInstanceOf(ProofFileMissingError);
  });
});
