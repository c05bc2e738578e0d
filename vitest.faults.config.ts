import { defineConfig } from 'vitest/config';

// `npm run faults`: the fault suite (test/faults/*.fault.ts). Files run one at a time: each kills
// and restarts real processes and measures rates, which parallel files on 2 cores would distort.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/faults/**/*.fault.ts'],
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 60_000,
  },
});
