/** A JSON answer of the wrong shape is a failure naming what came, never a resource with every setting off. */
import { describe, expect, it } from '@jest/globals'
import { GcoreError } from '../../../src/core/gcore/errors.js'
import { expectList, expectRecord } from '../../../src/core/gcore/shapes.js'

describe('expectRecord', () => {
  it.each([
    [null, 'null'],
    [[], 'an empty list'],
    [[{ id: 1 }], 'a list'],
    ['x', 'a string'],
    [3, 'a number'],
    [true, 'true'],
    [{}, 'an object without a numeric id'],
    [{ id: '7' }, 'an object without a numeric id']
  ])('%j: refused as %s', (body, got) => {
    expect(() => expectRecord(body, 'GET /cdn/resources/7', 'a resource')).toThrow(
      new GcoreError(`GET /cdn/resources/7: the answer is ${got}, not a resource`, 'rejected', null)
    )
  })

  it('an object with a numeric id: taken', () => {
    expect(expectRecord({ id: 7, cname: 'cdn' }, 'GET', 'a resource')).toEqual({ id: 7, cname: 'cdn' })
  })
})

describe('expectList', () => {
  it('a list, or the results of a page', () => {
    expect(expectList([1], 'GET', 'a list')).toEqual([1])
    expect(expectList({ count: 1, results: [2] }, 'GET', 'a list')).toEqual([2])
  })

  it.each([null, {}, 'x', { results: null }])('%j: refused', body => {
    expect(() => expectList(body, 'GET /cdn/purge_statuses', 'a list of purge statuses')).toThrow(
      /^GET \/cdn\/purge_statuses: the answer is .+, not a list of purge statuses$/
    )
  })
})
