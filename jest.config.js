/** ESM TypeScript under Jest 30: run with NODE_OPTIONS=--experimental-vm-modules (see package.json). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.test.json' }]
  },
  testMatch: ['**/__tests__/**/*.test.ts'],
  // A worker per core: most end-to-end tests wait on real timers, so two files share the two cores of CI well
  // (Jest's own default leaves one core idle); jest.sequencer.js keeps the two heaviest files apart.
  maxWorkers: '100%',
  testSequencer: './jest.sequencer.js',
  // it.concurrent cases at once in a file (only the chaos suite has them): its runs mostly wait on timers.
  maxConcurrency: 10,
  testTimeout: 30000
}
