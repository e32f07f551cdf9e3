import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

/**
 * The faults and abuse suite (`npm run test:faults`): kills, floods and fuzzes the service. Files
 * run one at a time — they start their own processes and servers, and timing-sensitive faults
 * should not fight each other for two cores. Sizes come from FAULTS_PROFILE (`full` | `ci`), see
 * test/faults/support/profile.ts.
 */
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: {
    include: ['test/faults/**/*.fault-spec.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/setup-file.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 180_000,
    reporters: ['default', ['json', { outputFile: 'test/artifacts/vitest-faults-results.json' }]],
  },
});
