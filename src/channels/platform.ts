/** Where a channel lives; the order is the order shown in pickers. */
export const PLATFORMS = ['facebook_page', 'facebook_group', 'zalo_group', 'zalo_oa', 'mocha_group', 'website'] as const;

export type Platform = (typeof PLATFORMS)[number];

/** The platform of a share task on a member's own account (any of the social networks), beside the channel platforms. */
export const PERSONAL_PLATFORM = 'personal';

export function isPlatform(value: unknown): value is Platform {
  return typeof value === 'string' && (PLATFORMS as readonly string[]).includes(value);
}
