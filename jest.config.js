/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The UI check starts n8n and a browser; it runs on its own with `npm run test:ui`.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/ui/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
  },
  // Engine tests start servers and poll tasks; a slow shared machine needs headroom.
  testTimeout: 60000,
};
