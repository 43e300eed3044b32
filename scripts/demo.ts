/**
 * npm run demo: the action end to end on this machine, no Gcore account, no network.
 *
 * 1. A release: the Gcore emulator on loopback serves a CDN resource that caches
 *    large files in 10 MB slices (one transient 503 injected, purges that take
 *    half a second). Sparse files stand in for the release's artifacts. The
 *    committed dist/index.js runs exactly as the GitHub runner runs it, with
 *    `purge: true`; its log and job summary are shown as a person sees them.
 * 2. Why the purge kind matters: the previous release is cached at the edge, a
 *    new one is uploaded, and the same file is purged by URL, then with
 *    `purge: auto`. The emulator's edge shows which version each part came from.
 * 3. An upload that reaches the origin 20 s late: without the origin check the
 *    CDN caches the old file again and verification says so; with it the run
 *    waits for the new file, and the edge serves it.
 *
 * `npm run demo -- --late-upload <seconds>` shortens the late upload (the
 * demo's own test uses 4; the end-to-end tests wait the whole 20 s).
 */
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import nodePath from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { parse } from 'yaml'
import { GcoreEmulator } from '../emulator/gcore-emulator.js'

const ROOT = nodePath.resolve(fileURLToPath(import.meta.url), '../../..')
const KEY = 'demo-key'
const MiB = 1024 * 1024
const RESOURCE = 123456
const CELL = 48
const { values: args } = parseArgs({ options: { 'late-upload': { type: 'string', default: '20' } } })
const LATE_UPLOAD_S = Number(args['late-upload'])
if (!Number.isInteger(LATE_UPLOAD_S) || LATE_UPLOAD_S < 1)
  throw new Error(`--late-upload: a whole number of seconds, got ${args['late-upload']}`)
const bold = (text: string): string => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text)
const dim = (text: string): string => (process.stdout.isTTY ? `\x1b[2m${text}\x1b[0m` : text)

function decode(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
}

const plain = (html: string): string => decode(html.replace(/<[^>]+>/g, '')).replace(/\*\*/g, '')

/** A cell no wider than `width`: long text keeps both ends, with an ellipsis in the middle. */
function fit(text: string, width: number): string {
  if (text.length <= width) return text.padEnd(width)
  const head = Math.ceil((width - 1) / 2)
  return `${text.slice(0, head)}…${text.slice(text.length - (width - 1 - head))}`
}

/** The job summary (markdown with HTML tables) as terminal text. */
export function renderForTerminal(summary: string): string {
  const out: string[] = []
  let table: string[][] | null = null
  for (const line of summary.split('\n')) {
    if (line.startsWith('<table>')) table = []
    else if (line.startsWith('</table>') && table) {
      const widths = table[0].map((_, column) => Math.min(CELL, Math.max(...table!.map(row => (row[column] ?? '').length))))
      table.forEach((row, i) => {
        out.push(`  ${row.map((cell, column) => fit(cell, widths[column])).join('  ')}`.trimEnd())
        if (i === 0) out.push(`  ${widths.map(width => '─'.repeat(width)).join('  ')}`)
      })
      table = null
    } else if (table && line.startsWith('<tr>')) {
      table.push([...line.matchAll(/<t[hd]>(.*?)<\/t[hd]>/g)].map(match => plain(match[1])))
    } else if (line.startsWith('## ') || line.startsWith('### ')) {
      out.push(bold(plain(line.replace(/^#+ /, ''))))
    } else if (line.startsWith('<details')) {
      out.push(bold(`${plain(line)}:`))
    } else if (!/^<\/?(details|pre)>$/.test(line)) {
      out.push(plain(line.replace(/^> /, '')))
    }
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n')
}

/** Workflow commands as a person would see them in the Actions log. */
function showLog(chunk: string): void {
  for (const line of chunk.split('\n')) {
    if (line === '' || line.startsWith('::add-mask::') || line === '::endgroup::') continue
    const command = /^::(group|warning|notice|error|debug)::(.*)$/.exec(line)
    if (!command) process.stdout.write(`${line}\n`)
    else if (command[1] === 'group') process.stdout.write(`▸ ${command[2]}\n`)
    else if (command[1] !== 'debug') process.stdout.write(`${bold(command[1])}: ${command[2]}\n`)
  }
}

const action = parse(readFileSync(nodePath.join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }> }

/** Runs dist/index.js as the runner does; returns its exit code and the files it wrote. */
async function runAction(
  workspace: string,
  inputs: Record<string, string>,
  show: boolean
): Promise<{ code: number | null; summaryFile: string; outputFile: string }> {
  const outputFile = nodePath.join(workspace, 'github-output.txt')
  const summaryFile = nodePath.join(workspace, 'step-summary.md')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: workspace,
    GITHUB_REPOSITORY: 'acme/app',
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_SHA: 'c0ffee1234567890',
    GITHUB_RUN_ID: '1',
    GITHUB_SERVER_URL: 'https://github.com'
  }
  for (const [name, spec] of Object.entries(action.inputs)) {
    const value = inputs[name] ?? spec.default ?? ''
    env[`INPUT_${name.toUpperCase()}`] = String(value).replace('${{ github.token }}', '')
  }
  const code = await new Promise<number | null>(resolve => {
    const child = spawn(process.execPath, [nodePath.join(ROOT, 'dist/index.js')], { env, cwd: workspace })
    child.stdout.setEncoding('utf8').on('data', chunk => (show ? showLog(chunk) : undefined))
    child.stderr.pipe(process.stderr)
    child.on('close', resolve)
  })
  return { code, summaryFile, outputFile }
}

function makeFiles(workspace: string, files: [string, number][]): void {
  for (const [file, size] of files) {
    const full = nodePath.join(workspace, file)
    mkdirSync(nodePath.dirname(full), { recursive: true })
    writeFileSync(full, '')
    truncateSync(full, size) // sparse: nothing large is written to disk
  }
}

async function release(): Promise<number> {
  const files: [string, number][] = [
    ['dist/linux/app-x64.iso', 700 * MiB],
    ['dist/linux/app-arm64.iso', 650 * MiB],
    ['dist/windows/My App Setup (x64).iso', 900 * MiB],
    ['dist/macos/app-universal.iso', 1200 * MiB],
    ['dist/checksums.iso', 4096]
  ]
  const prefix = '/downloads/v2.1.0'
  const origin = Object.fromEntries(
    files.map(([file, size]) => [`${prefix}/${file.slice(5).split('/').map(encodeURIComponent).join('/')}`, { size }])
  )
  const gcore = new GcoreEmulator({
    apiKey: KEY,
    windowMs: 1000,
    purgeStatus: { durationMs: 500 },
    resources: [{ id: RESOURCE, cname: 'cdn.example.com', options: { slice: { enabled: true, value: true } } }],
    origin
  })
  await gcore.start()
  const edge = await gcore.startEdge(RESOURCE)
  gcore.inject({
    operation: 'prefetch',
    on: [2],
    fault: { kind: 'status', status: 503, body: '<html><title>503 Service Temporarily Unavailable</title></html>' }
  })

  const workspace = mkdtempSync(nodePath.join(tmpdir(), 'gcore-demo-'))
  makeFiles(workspace, files)
  const inputs: Record<string, string> = {
    'api-key': KEY,
    'resource-id': String(RESOURCE),
    'api-url': gcore.url,
    files: '**/*.iso',
    'base-dir': 'dist',
    'path-prefix': prefix,
    purge: 'true',
    'batch-size': '2',
    'prefetch-interval': '1',
    'verify-url': edge
  }

  console.log(bold('1. A release'))
  console.log(
    bold('Gcore emulator'),
    `${gcore.url}: resource ${RESOURCE} caches large files in 10 MB slices; 1 s rate window; the 2nd prefetch gets a 503; purges take 0.5 s`
  )
  console.log(bold('Workspace'), workspace)
  console.log(bold('Inputs'), JSON.stringify({ ...inputs, 'api-key': '***' }))
  console.log(dim('─'.repeat(72)))
  const { code, summaryFile, outputFile } = await runAction(workspace, inputs, true)
  await gcore.stop()
  console.log(dim('─'.repeat(72)))
  console.log(bold('Job summary'))
  console.log(renderForTerminal(readFileSync(summaryFile, 'utf8')))
  console.log(dim('─'.repeat(72)))
  console.log(`${bold('Exit code')} ${code}`)
  console.log(`${bold('Summary file')} ${summaryFile}`)
  console.log(`${bold('Outputs file')} ${outputFile}`)
  return code ?? 1
}

/** The previous release cached, a new one uploaded, the file purged as `purge` says: which parts are new? */
async function purgeKinds(): Promise<void> {
  console.log('')
  console.log(bold('2. Why the purge kind matters'))
  console.log('app.iso v1 (300 MiB) is cached at the edge in 30 slices of 10 MiB; v2 (280 MiB) replaces it at the origin.')
  for (const purge of ['url', 'auto']) {
    const gcore = new GcoreEmulator({
      apiKey: KEY,
      windowMs: 200,
      resources: [{ id: RESOURCE, cname: 'cdn.example.com', options: { slice: { enabled: true, value: true } } }],
      origin: { '/app.iso': { size: 300 * MiB, version: 'v1' } }
    })
    await gcore.start()
    const workspace = mkdtempSync(nodePath.join(tmpdir(), 'gcore-demo-'))
    const base = { 'api-key': KEY, 'resource-id': String(RESOURCE), 'api-url': gcore.url, paths: '/app.iso', 'prefetch-interval': '0.2' }
    await runAction(workspace, base, false)
    gcore.setOrigin('/app.iso', { size: 280 * MiB, version: 'v2' })
    await runAction(workspace, { ...base, purge }, false)
    const state = gcore.cacheState(RESOURCE, '/app.iso')
    const counts = new Map<string, number>()
    for (const part of state.parts) counts.set(String(part.version), (counts.get(String(part.version)) ?? 0) + 1)
    const parts = [...counts].map(([version, count]) => `${count} from ${version}`).join(', ')
    const verdict = counts.size > 1 ? 'a download made of two releases; the edge still answers HIT' : 'the new release only'
    console.log(`  purge: ${purge.padEnd(4)} → ${state.parts.length} parts cached: ${parts}: ${bold(verdict)}`)
    await gcore.stop()
  }
  console.log(
    '  purge: auto purges a sliced resource by pattern, which clears every part; see "How the purge kind is chosen" in README.md.'
  )
}

/** The edge's parts of a file, by the version each came from: `28 from v2`. */
function partsByVersion(gcore: GcoreEmulator, path: string): { parts: number; versions: string } {
  const state = gcore.cacheState(RESOURCE, path)
  const counts = new Map<string, number>()
  for (const part of state.parts) counts.set(String(part.version), (counts.get(String(part.version)) ?? 0) + 1)
  return { parts: state.parts.length, versions: [...counts].map(([version, count]) => `${count} from ${version}`).join(', ') }
}

/** v1 at the edge; v2 uploaded, reaching the origin LATE_UPLOAD_S later; the run starts at once. */
async function lateUpload(): Promise<void> {
  console.log('')
  console.log(bold(`3. An upload that reaches the origin ${LATE_UPLOAD_S} s late`))
  console.log(`app.iso v1 (300 MiB) is cached; v2 (280 MiB) is uploaded, but the origin serves it only ${LATE_UPLOAD_S} s later.`)
  for (const check of ['off', 'auto']) {
    const gcore = new GcoreEmulator({
      apiKey: KEY,
      windowMs: 200,
      resources: [{ id: RESOURCE, cname: 'cdn.example.com', options: { slice: { enabled: true, value: true } } }],
      origin: { '/v/app.iso': { size: 300 * MiB, version: 'v1' } }
    })
    await gcore.start()
    const edge = await gcore.startEdge(RESOURCE)
    const workspace = mkdtempSync(nodePath.join(tmpdir(), 'gcore-demo-'))
    makeFiles(workspace, [['v/app.iso', 280 * MiB]])
    const base = { 'api-key': KEY, 'resource-id': String(RESOURCE), 'api-url': gcore.url, 'prefetch-interval': '0.2' }
    await runAction(workspace, { ...base, paths: '/v/app.iso' }, false)
    gcore.publish('/v/app.iso', { size: 280 * MiB, version: 'v2' }, { delayMs: LATE_UPLOAD_S * 1000 })
    const started = Date.now()
    const { code, outputFile } = await runAction(
      workspace,
      { ...base, files: 'v/app.iso', purge: 'true', 'origin-check': check, 'verify-url': edge },
      false
    )
    const outputs = readFileSync(outputFile, 'utf8')
    const verify = (
      JSON.parse(/^verify<<(.+)\n([\s\S]*?)\n\1$/m.exec(outputs)?.[2] ?? '[]') as { result: string; error: string | null }[]
    )[0]
    const { parts, versions } = partsByVersion(gcore, '/v/app.iso')
    const took = Math.round((Date.now() - started) / 1000)
    console.log(
      `  origin-check: ${check.padEnd(4)} → exit ${code} after ${took} s; ${parts} parts cached: ${versions}; verification: ${bold(verify?.result ?? 'none')}` +
        (verify?.error ? ` (${verify.error})` : '')
    )
    await gcore.stop()
  }
  console.log(
    '  The origin check holds the purge until the origin serves the new file; see "How the action knows the edge serves the new file".'
  )
}

const code = await release()
await purgeKinds()
await lateUpload()
process.exitCode = code
