/** Where a channel lives; the order is the order shown in pickers. */
export const PLATFORMS = ['facebook_page', 'facebook_group', 'zalo_group', 'zalo_oa', 'mocha_group', 'website'] as const;

export type Platform = (typeof PLATFORMS)[number];

export function isPlatform(value: unknown): value is Platform {
  return typeof value === 'string' && (PLATFORMS as readonly string[]).includes(value);
}
