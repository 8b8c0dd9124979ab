/**
 * Jest config of `npm run test:ui`: real n8n with its editor and headless Chromium, one test file at a time.
 * `npm test` leaves these tests out (see the root jest.config.js).
 * @type {import('jest').Config}
 */
module.exports = {
	rootDir: '../..',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/ui'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
	},
	maxWorkers: 1,
	// Each step waits on n8n's editor in a browser; starting n8n has its own, longer timeout in beforeAll.
	testTimeout: 120000,
};
