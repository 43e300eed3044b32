/**
 * npm run demo: the action end to end on this machine, no Gcore account, no network.
 *
 * Starts the Gcore emulator on loopback (with one transient 503 injected and
 * purges that take half a second to finish), generates a few large sparse files,
 * runs the committed dist/index.js exactly as the GitHub runner would, shows its
 * log, renders the job summary for the terminal, and says where the files are.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import nodePath from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { GcoreEmulator } from '../emulator/gcore-emulator.js'

const ROOT = nodePath.resolve(fileURLToPath(import.meta.url), '../../..')
const KEY = 'demo-key'
const MiB = 1024 * 1024
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

/** The job summary (markdown with HTML tables) as terminal text. */
export function renderForTerminal(summary: string): string {
  const out: string[] = []
  let table: string[][] | null = null
  for (const line of summary.split('\n')) {
    if (line.startsWith('<table>')) table = []
    else if (line.startsWith('</table>') && table) {
      const widths = table[0].map((_, column) => Math.min(48, Math.max(...table!.map(row => (row[column] ?? '').length))))
      table.forEach((row, i) => {
        out.push(`  ${row.map((cell, column) => cell.slice(0, 48).padEnd(widths[column])).join('  ')}`.trimEnd())
        if (i === 0) out.push(`  ${widths.map(width => '─'.repeat(width)).join('  ')}`)
      })
      table = null
    } else if (table && line.startsWith('<tr>')) {
      table.push([...line.matchAll(/<t[hd]>(.*?)<\/t[hd]>/g)].map(match => plain(match[1])))
    } else if (line.startsWith('## ') || line.startsWith('### ')) {
      out.push(bold(plain(line.replace(/^#+ /, ''))))
    } else if (line.startsWith('<details>')) {
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

async function main(): Promise<void> {
  const gcore = new GcoreEmulator({ apiKey: KEY, windowMs: 1000, purgeStatus: { durationMs: 500 } })
  await gcore.start()
  const edge = await gcore.startEdge()
  gcore.inject({ operation: 'prefetch', on: [2], fault: { kind: 'status', status: 503, body: '<html><title>503 Service Temporarily Unavailable</title></html>' } })

  const workspace = mkdtempSync(nodePath.join(tmpdir(), 'gcore-demo-'))
  const files: [string, number][] = [
    ['dist/linux/app-x64.iso', 700 * MiB],
    ['dist/linux/app-arm64.iso', 650 * MiB],
    ['dist/windows/My App Setup (x64).iso', 900 * MiB],
    ['dist/macos/app-universal.iso', 1200 * MiB],
    ['dist/checksums.iso', 4096]
  ]
  for (const [file, size] of files) {
    const full = nodePath.join(workspace, file)
    mkdirSync(nodePath.dirname(full), { recursive: true })
    writeFileSync(full, '')
    truncateSync(full, size) // sparse: nothing large is written to disk
  }
  const outputFile = nodePath.join(workspace, 'github-output.txt')
  const summaryFile = nodePath.join(workspace, 'step-summary.md')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')

  const inputs: Record<string, string> = {
    'api-key': KEY,
    'resource-id': '123456',
    'api-url': gcore.url,
    files: '**/*.iso',
    'base-dir': 'dist',
    'path-prefix': '/downloads/v2.1.0',
    purge: 'true',
    'batch-size': '2',
    'prefetch-interval': '1',
    'purge-interval': '0.5',
    'verify-url': edge
  }
  const action = parse(readFileSync(nodePath.join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }> }
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

  console.log(bold('Gcore emulator'), `${gcore.url} (1 s rate window; the 2nd prefetch gets a 503; purges take 0.5 s)`)
  console.log(bold('Workspace'), workspace)
  console.log(bold('Inputs'), JSON.stringify({ ...inputs, 'api-key': '***' }))
  console.log(dim('─'.repeat(72)))
  const code = await new Promise<number | null>(resolve => {
    const child = spawn(process.execPath, [nodePath.join(ROOT, 'dist/index.js')], { env, cwd: workspace })
    child.stdout.setEncoding('utf8').on('data', showLog)
    child.stderr.pipe(process.stderr)
    child.on('close', resolve)
  })
  await gcore.stop()
  console.log(dim('─'.repeat(72)))
  console.log(bold('Job summary'))
  console.log(renderForTerminal(readFileSync(summaryFile, 'utf8')))
  console.log(dim('─'.repeat(72)))
  console.log(`${bold('Exit code')} ${code}`)
  console.log(`${bold('Summary file')} ${summaryFile}`)
  console.log(`${bold('Outputs file')} ${outputFile}`)
  process.exitCode = code ?? 1
}

await main()
