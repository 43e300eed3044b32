// The registry mirror on our build machines serves only the Linux builds of
// unrs-resolver's native bindings (a Jest dependency), so `npm install` leaves the
// other platforms' optional packages out of package-lock.json and `npm ci` then
// calls the lock out of sync. This adds lock entries for them, marked optional
// with the os/cpu their names state: npm skips them on other platforms without
// fetching anything, and installs them where they apply. Run after `npm install`.
import { readFileSync, writeFileSync } from 'node:fs'

const LOCK = new URL('../package-lock.json', import.meta.url)
const lock = JSON.parse(readFileSync(LOCK, 'utf8'))
const OS = ['android', 'darwin', 'freebsd', 'linux', 'openharmony', 'win32']
const CPU = ['arm64', 'arm', 'x64', 'ia32', 'loong64', 'ppc64', 'riscv64', 's390x', 'wasm32']

let added = 0
for (const [location, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = `${location}/node_modules/${name}`
    if (lock.packages[`node_modules/${name}`] || lock.packages[nested]) continue
    const parts = name.split('/').pop().split('-')
    const os = parts.find(part => OS.includes(part))
    const cpu = parts.find(part => CPU.includes(part))
    if (!os || !cpu) throw new Error(`cannot tell the platform of ${name}; add it to scripts/complete-lockfile.mjs`)
    const libc =
      parts.includes('musl') || parts.includes('musleabihf')
        ? ['musl']
        : parts.includes('gnu') || parts.includes('gnueabihf')
          ? ['glibc']
          : undefined
    lock.packages[`node_modules/${name}`] = {
      version,
      cpu: [cpu],
      dev: entry.dev,
      license: entry.license,
      optional: true,
      os: [os],
      ...(libc && { libc })
    }
    added++
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))))
writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`)
console.log(`complete-lockfile: added ${added} optional platform entries`)
