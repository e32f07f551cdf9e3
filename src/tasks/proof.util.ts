import { checkProofUrl, parseProofUrl, type ParsedProofUrl, type ProofUrlResult } from '../channels/channel-url.util.js';
import { isPlatform, type Platform } from '../channels/platform.js';

/** A personal-account share may be on any social network we know (not an arbitrary website). */
const PERSONAL_PLATFORMS: Platform[] = ['facebook_page', 'zalo_group', 'mocha_group'];

/** Validates a proof URL for a task's platform (`personal` = a member's own social account). */
export function checkTaskProof(platform: string, raw: string | ParsedProofUrl): ProofUrlResult {
  if (isPlatform(platform)) return checkProofUrl(platform, raw);
  let first: ProofUrlResult | undefined;
  for (const p of PERSONAL_PLATFORMS) {
    const result = checkProofUrl(p, raw);
    if (result.ok || result.code === 'PROOF_URL_INVALID') return result;
    first ??= result;
  }
  return { ok: false, code: 'PROOF_PLATFORM_MISMATCH', reason: 'link is not on Facebook, Zalo or Mocha' };
}

/**
 * What a proof URL would be accepted for, known before its task is read: the normalised URL (the
 * same whichever platform accepts it) and every task platform (`personal` included) that accepts
 * it; null when none does (the step-by-step path then answers the precise reason).
 */
export function proofAcceptance(raw: string, platforms: readonly string[]): { url: string; platforms: string[] } | null {
  const parsed = parseProofUrl(raw);
  if (!parsed.ok) return null;
  let url: string | undefined;
  const accepted: string[] = [];
  for (const platform of platforms) {
    const result = checkTaskProof(platform, parsed);
    if (!result.ok) continue;
    url ??= result.url;
    accepted.push(platform);
  }
  return url === undefined ? null : { url, platforms: accepted };
}
