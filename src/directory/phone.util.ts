/**
 * Vietnamese phone numbers as people type them → E.164 (`+84…`), the form we store and dedupe on.
 */

/** Digits, the usual separators, and one leading "+"; anything else (letters, "#", "ext") is rejected. */
const ALLOWED_SHAPE = /^\+?[\d\s().-]+$/;
/** Generous cap so pathological input is rejected before any further work. */
const MAX_INPUT_LENGTH = 40;
/** Mobile: 9 digits after +84 starting 3/5/7/8/9 (the 2018 prefix plan). */
const MOBILE_NSN = /^[35789]\d{8}$/;
/** Landline: area code 2x or 2xx, 10 digits after +84 in total since the 2017 renumbering. */
const LANDLINE_NSN = /^2\d{9}$/;

/**
 * Returns `+84XXXXXXXXX` (or `+84` + 10 digits for landlines), or null when the input is not a
 * Vietnamese number. Accepts national (`0905 123 456`), international (`+84 905…`, `0084…`,
 * `84-905-…`) and the "+84 (0) 905…" habit of keeping the trunk 0.
 */
export function normaliseVietnamesePhone(input: string): string | null {
  const s = input.trim();
  if (s.length === 0 || s.length > MAX_INPUT_LENGTH || !ALLOWED_SHAPE.test(s)) return null;

  const digits = s.replace(/\D/g, '');
  let nsn: string;
  let international = true;
  if (s.startsWith('+')) {
    if (!digits.startsWith('84')) return null; // another country code
    nsn = digits.slice(2);
  } else if (digits.startsWith('00')) {
    if (!digits.startsWith('0084')) return null; // international prefix + another country
    nsn = digits.slice(4);
  } else if (digits.startsWith('0')) {
    nsn = digits.slice(1);
    international = false;
  } else if (digits.startsWith('84')) {
    // No national number starts with 84 without its trunk 0, so this is "+84" minus the plus.
    nsn = digits.slice(2);
  } else {
    return null;
  }

  // A national significant number never starts with 0, so one 0 after the country code is the
  // trunk prefix people keep ("+84 (0) 905…", "+84 0905…"); it is dropped, never a second one.
  if (international && nsn.startsWith('0')) nsn = nsn.slice(1);

  return MOBILE_NSN.test(nsn) || LANDLINE_NSN.test(nsn) ? `+84${nsn}` : null;
}
