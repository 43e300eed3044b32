/**
 * The layer rule, checked in CI (`npm run lint:layers`):
 *
 *   src/action ─┐
 *               ├─▶ src/host ─▶ (node)      src/core uses nothing of the front ends,
 *   src/cli ────┴─▶ src/core                of GitHub or of the runner; no import circles.
 *
 * The same rule is an ESLint rule on each file (eslint.config.js); this one sees the whole graph.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import circle hides which module depends on which.',
      from: {},
      to: { circular: true }
    },
    {
      name: 'core-knows-no-front-end',
      severity: 'error',
      comment: 'src/core is the engine: the action and the CLI use it, never the other way.',
      from: { path: '^src/core/' },
      to: { path: '^src/(action|cli|host)/' }
    },
    {
      name: 'core-knows-no-github',
      severity: 'error',
      comment: 'Only src/action talks to the runner and GitHub.',
      from: { path: '^src/(core|cli|host)/' },
      to: { path: 'node_modules/(@actions/core|@actions/github|@octokit)/' }
    },
    {
      name: 'http-in-one-place',
      severity: 'error',
      comment: 'HTTP goes through src/core/http.ts alone (deadlines, body caps, sockets destroyed).',
      from: { path: '^src/', pathNot: '^src/core/http\\.ts$' },
      to: { path: 'node_modules/@actions/http-client/' }
    },
    {
      name: 'front-ends-apart',
      severity: 'error',
      comment: 'The CLI carries nothing of the action, and the action nothing of the CLI.',
      from: { path: '^src/cli/' },
      to: { path: '^src/action/' }
    },
    {
      name: 'action-not-cli',
      severity: 'error',
      from: { path: '^src/action/' },
      to: { path: '^src/cli/' }
    },
    {
      name: 'no-orphans',
      severity: 'error',
      comment: 'A module nothing imports is dead code (entry points excepted).',
      from: { orphan: true, path: '^src/', pathNot: '^src/(action/index|cli/index|main)\\.ts$' },
      to: {}
    }
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      mainFields: ['module', 'main', 'types']
    }
  }
}
