import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_NODE_FLAGS } from './api-node-flags.js';

const root = join(import.meta.dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

/** Every way of starting the API passes the same Node flags (src/cli/api-node-flags.ts). */
describe('API launch flags', () => {
  const expected = [...API_NODE_FLAGS, 'dist/src/main.js'];

  it('npm run start:api', () => {
    const scripts = JSON.parse(read('package.json')).scripts as Record<string, string>;
    expect(scripts['start:api']).toBe(['node', ...expected].join(' '));
  });

  it('the Dockerfile and docker-compose.yml', () => {
    const cmd = read('Dockerfile').match(/^CMD (\[.*\])$/m)?.[1];
    expect(JSON.parse(cmd ?? '[]')).toEqual(['node', ...expected]);
    const commands = [...read('docker-compose.yml').matchAll(/^\s+command: (\[.*main\.js.*\])$/gm)].map((m) => JSON.parse(m[1]!) as string[]);
    expect(commands).toEqual([['node', ...expected]]);
  });
});
