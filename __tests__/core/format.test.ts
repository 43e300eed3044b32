import { describe, expect, it } from '@jest/globals'
import { formatBytes, formatDuration } from '../../src/core/format.js'

describe('formatDuration', () => {
  it.each([
    [0, 'under a second'],
    [400, 'under a second'],
    [59_000, '59 s'],
    [120_000, '2 min'],
    [125_000, '2 min 5 s'],
    [3_600_000, '1 h'],
    [3_900_000, '1 h 5 min']
  ])('%d ms → %s', (ms, text) => expect(formatDuration(ms)).toBe(text))
})

describe('formatBytes', () => {
  it('uses binary units, one decimal below 10 of a unit', () => {
    expect([512, 1536, 300 * 1024 ** 2, 5 * 1024 ** 3].map(formatBytes)).toEqual(['512 B', '1.5 KiB', '300 MiB', '5.0 GiB'])
  })
})
