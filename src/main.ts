// For `npx @github/local-action run . src/main.ts .env.example`: the action's run(), without running it.
export { run } from './action/main.js'
