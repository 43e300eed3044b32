/** Temporary folders of files for the tests that read a workspace: the engine's, the sources', the end-to-end ones. */
import { mkdirSync, mkdtempSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import nodePath from 'node:path'

/** A temporary workspace holding `files`: a size makes a sparse file of that many bytes, a string its text. */
export function workspaceWith(files: Record<string, number | string | Buffer>): string {
  const dir = mkdtempSync(nodePath.join(tmpdir(), 'gcore-workspace-'))
  for (const [file, content] of Object.entries(files)) {
    const full = nodePath.join(dir, file)
    mkdirSync(nodePath.dirname(full), { recursive: true })
    if (typeof content === 'number') {
      writeFileSync(full, '')
      truncateSync(full, content) // sparse: no 300 MB written to disk
    } else writeFileSync(full, content)
  }
  return dir
}
