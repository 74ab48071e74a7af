import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [react()],
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    globalSetup: ['test/support/globalSetup.ts'],
    reporters: ['default', './test/support/summaryReporter.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
