// Builds the web app into dist/web, skipping the build when its inputs are unchanged since the last one.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(root, 'dist', 'web');
const stamp = join(outDir, '.inputs-hash');

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules') return []; // Vite's dev-server cache, not an input
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

const hash = createHash('sha256');
for (const file of [...files(join(root, 'web')), join(root, 'package-lock.json')].sort()) {
  hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
}
const inputs = hash.digest('hex');

if (!process.argv.includes('--force') && existsSync(stamp) && existsSync(join(outDir, 'index.html')) && readFileSync(stamp, 'utf8') === inputs) {
  process.stdout.write('web: unchanged since the last build (dist/web)\n');
} else {
  const { build } = await import('vite');
  await build({ configFile: join(root, 'web', 'vite.config.ts'), logLevel: 'warn' });
  writeFileSync(stamp, inputs);
  process.stdout.write('web: built into dist/web\n');
}
