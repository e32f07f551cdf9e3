import { checkProofUrl, type ProofUrlResult } from '../channels/channel-url.util.js';
import { isPlatform, type Platform } from '../channels/platform.js';

/** A personal-account share may be on any social network we know (not an arbitrary website). */
const PERSONAL_PLATFORMS: Platform[] = ['facebook_page', 'zalo_group', 'mocha_group'];

/** Validates a proof URL for a task's platform (`personal` = a member's own social account). */
export function checkTaskProof(platform: string, raw: string): ProofUrlResult {
  if (isPlatform(platform)) return checkProofUrl(platform, raw);
  let first: ProofUrlResult | undefined;
  for (const p of PERSONAL_PLATFORMS) {
    const result = checkProofUrl(p, raw);
    if (result.ok || result.code === 'PROOF_URL_INVALID') return result;
    first ??= result;
  }
  return { ok: false, code: 'PROOF_PLATFORM_MISMATCH', reason: 'link is not on Facebook, Zalo or Mocha' };
}
