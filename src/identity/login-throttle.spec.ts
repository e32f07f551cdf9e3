import { describe, expect, it } from 'vitest';
import { loginNameKey } from './login-throttle.js';

describe(loginNameKey.name, () => {
  it('is case- and surrounding-space-insensitive, so "Admin" and "admin " share one count', () => {
    expect(loginNameKey('Admin')).toBe(loginNameKey(' admin '));
    expect(loginNameKey('admin')).not.toBe(loginNameKey('admin2'));
  });
  it('makes a short key of any body, even a missing or huge login', () => {
    expect(loginNameKey(undefined)).toMatch(/^[0-9a-f]{64}$/);
    expect(loginNameKey('x'.repeat(100_000))).toMatch(/^[0-9a-f]{64}$/);
  });
});
