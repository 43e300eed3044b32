/**
 * Globbing against find, planning 100,000 paths (time and peak memory, on each
 * node binary), and the bundle's size.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import nodePath from 'node:path'
import { GcoreEmulator } from '../../emulator/gcore-emulator.js'
import { matchFiles } from '../../src/core/paths/files.js'
import { nodeFileSource } from '../../src/core/paths/node-file-source.js'
import { actionEnv, CLI, DIST, type Figure, KEY, NOISE, type NodeBinary, now, ROOT, run } from './common.js'

export async function globFigures(runs: number): Promise<Figure[]> {
  const tree = mkdtempSync(nodePath.join(tmpdir(), 'gcore-glob-'))
  // 100,000 files in 1,000 directories, 2,000 of them .iso (the tree of the notes' measurements).
  for (let d = 0; d < 1000; d++) {
    const dir = nodePath.join(tree, `group-${d % 20}`, `dir-${d}`)
    mkdirSync(dir, { recursive: true })
    for (let f = 0; f < 100; f++) writeFileSync(nodePath.join(dir, f < 2 ? `image-${f}.iso` : `file-${f}.dat`), '')
  }
  const findMs = async (): Promise<number> => {
    const started = now()
    await new Promise(resolve => spawn('find', [tree, '-type', 'f', '-name', '*.iso']).on('close', resolve))
    return now() - started
  }
  const oursMs = async (): Promise<number> => {
    const started = now()
    const { files } = await matchFiles(nodeFileSource, ['**/*.iso'], tree)
    if (files.length !== 2000) throw new Error(`glob found ${files.length} files, not 2000`)
    return now() - started
  }
  // Warm the file system cache for both, and the JIT for ours.
  for (let i = 0; i < 3; i++) {
    await findMs()
    await oursMs()
  }
  const find: number[] = []
  const ours: number[] = []
  const ratio: number[] = []
  try {
    for (let i = 0; i < runs; i++) {
      const f = await findMs()
      const o = await oursMs()
      find.push(f)
      ours.push(o)
      ratio.push(o / f)
    }
  } finally {
    rmSync(tree, { recursive: true, force: true })
  }
  return [
    { name: 'glob: find, 100,000 files, *.iso', unit: 'ms', samples: find },
    { name: 'glob: files input (tinyglobby), **/*.iso', unit: 'ms', samples: ours },
    {
      name: 'glob: ours ÷ find (pair by pair)',
      unit: '×',
      samples: ratio,
      target: { max: 3, text: '≤ 3' },
      noise: NOISE.wall,
      was: 1.751,
      judgeWas: true
    }
  ]
}

/** A dry run over 100,000 paths: the action's own "planned in" time, and its peak RSS from a preloaded probe. */
export async function scaleFigures(node: NodeBinary, runs: number): Promise<Figure[]> {
  const gcore = new GcoreEmulator({ apiKey: KEY, windowMs: 1000 })
  const url = await gcore.start()
  const dir = mkdtempSync(nodePath.join(tmpdir(), 'gcore-bench-'))
  writeFileSync(
    nodePath.join(dir, 'paths.txt'),
    Array.from({ length: 100_000 }, (_, i) => `/releases/v2.1.0/assets/file-${i}.iso`).join('\n')
  )
  const probe = ['--import', nodePath.join(ROOT, '__tests__/support/max-rss.mjs')]
  const planning: number[] = []
  const rss: number[] = []
  try {
    for (let i = 0; i < runs; i++) {
      const result = await run(
        node.path,
        [...probe, DIST],
        actionEnv({ 'api-url': url, 'paths-file': 'paths.txt', 'dry-run': 'true' }, dir),
        dir
      )
      const planned = /planned in (\d+) ms/.exec(result.stdout)?.[1]
      const kib = /max-rss-kib=(\d+)/.exec(result.stderr)?.[1]
      if (result.code !== 0 || planned === undefined || kib === undefined)
        throw new Error(`the 100,000-path dry run failed on ${node.version}:\n${result.stdout.slice(-1500)}${result.stderr.slice(-1500)}`)
      planning.push(Number(planned))
      rss.push(Number(kib) / 1024)
    }
  } finally {
    await gcore.stop()
    rmSync(dir, { recursive: true, force: true })
  }
  const s = node.suffix
  const today = s === ''
  return [
    {
      name: `scale: 100,000 paths, dry run, planning${s}`,
      unit: 'ms',
      samples: planning,
      target: { max: 1000, text: '< 1000' },
      noise: NOISE.wall,
      ...(today ? { was: 522, judgeWas: true } : {})
    },
    {
      name: `scale: 100,000 paths, dry run, peak RSS${s}`,
      unit: 'MB',
      samples: rss,
      target: { max: 200, text: '< 200' },
      noise: NOISE.memory,
      ...(today ? { was: 162.3, judgeWas: true } : {})
    }
  ]
}

const kib = (file: string): number => statSync(file).size / 1024

export function bundleFigures(baselineKiB: number): Figure[] {
  const chunks = (dir: string): number =>
    readdirSync(dir)
      .filter(name => name.endsWith('.js'))
      .reduce((sum, name) => sum + kib(nodePath.join(dir, name)), 0)
  return [
    { name: 'bundle: dist/index.js size', unit: 'kB', samples: [kib(DIST)], noise: NOISE.memory, was: 1428, judgeWas: true },
    { name: 'bundle: dist/*.js, with the chunks loaded on demand', unit: 'kB', samples: [chunks(nodePath.dirname(DIST))] },
    { name: 'bundle: start-up baseline (core + http-client) size', unit: 'kB', samples: [baselineKiB] },
    { name: "bundle: the CLI's bin, dist/cli/gcore-cdn-prefetch.cjs (all that --help loads)", unit: 'kB', samples: [kib(CLI)] },
    {
      name: 'bundle: dist/cli/index.js (the CLI bundle it imports for real work)',
      unit: 'kB',
      samples: [kib(nodePath.join(ROOT, 'dist/cli/index.js'))]
    }
  ]
}
