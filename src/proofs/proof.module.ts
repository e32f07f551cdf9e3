import { NotificationsModule } from '../notifications/notifications.module.js';
import { Module } from '@nestjs/common';
import { join } from 'node:path';
import { Env } from '../common/config/env.schema.js';
import { ProofImageService } from './proof-image.service.js';
import { ProofRetentionService } from './proof-retention.service.js';
import { ProofController } from './proof.controller.js';
import { ProofService } from './proof.service.js';
import { ReviewController } from './review.controller.js';
import { ReviewService } from './review.service.js';
import { LocalProofStorage } from './storage/local-proof-storage.js';
import { ProofStorage } from './storage/proof-storage.js';

/**
 * Chosen by PROOF_STORAGE: a local directory (default) or an S3-compatible bucket. The S3 SDK is
 * loaded only when chosen (it is a sizeable part of a process's memory otherwise spent for nothing).
 */
export async function proofStorageFor(env: Env): Promise<ProofStorage> {
  if (env.PROOF_STORAGE === 's3') {
    const { S3ProofStorage } = await import('./storage/s3-proof-storage.js');
    return new S3ProofStorage({
      endpoint: env.S3_ENDPOINT,
      bucket: env.S3_BUCKET!,
      region: env.S3_REGION,
      accessKeyId: env.S3_ACCESS_KEY_ID,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY,
      forcePathStyle: env.S3_FORCE_PATH_STYLE,
    });
  }
  // Keys start with `proofs/`, so files land in STORAGE_DIR/proofs/….
  return new LocalProofStorage(join(env.STORAGE_DIR));
}

@Module({
  imports: [NotificationsModule],
  controllers: [ProofController, ReviewController],
  providers: [
    { provide: ProofStorage, useFactory: proofStorageFor, inject: [Env] },
    ProofImageService,
    ProofService,
    ReviewService,
    ProofRetentionService,
  ],
  exports: [ProofService, ProofImageService, ProofRetentionService, ProofStorage],
})
export class ProofModule {}
