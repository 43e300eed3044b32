/** The command line's fault grammar (emulator/fault-spec.ts). */
import { describe, expect, it } from '@jest/globals'
import { parseFaultSpec } from '../../emulator/gcore-emulator.js'

describe('fault grammar', () => {
  it.each([
    ['prefetch:2=cut-body', { operation: 'prefetch', on: [2], fault: { kind: 'cut-body' } }],
    ['any:1,3=status:503', { operation: 'any', on: [1, 3], fault: { kind: 'status', status: 503 } }],
    [
      'prefetch:*=status:429:retry-after=0',
      { operation: 'prefetch', on: 'every', fault: { kind: 'status', status: 429, headers: { 'retry-after': '0' } } }
    ],
    ['limits:1=trickle:1000', { operation: 'limits', on: [1], fault: { kind: 'trickle', msPerByte: 1000 } }],
    ['purge:1-3=hang', { operation: 'purge', on: [{ from: 1, to: 3 }], fault: { kind: 'hang' } }],
    ['purge-status:4-=reset', { operation: 'purge-status', on: [{ from: 4 }], fault: { kind: 'reset' } }],
    ['resource:1=huge-body:5000:status=500', { operation: 'resource', on: [1], fault: { kind: 'huge-body', bytes: 5000, status: 500 } }],
    ['rules:1=never-close:status=204', { operation: 'rules', on: [1], fault: { kind: 'never-close', status: 204 } }],
    ['resources:2=cut-body:10', { operation: 'resources', on: [2], fault: { kind: 'cut-body', bytesSent: 10 } }],
    ['limits:1=hang-after-headers', { operation: 'limits', on: [1], fault: { kind: 'hang-after-headers' } }],
    [
      'prefetch:1=status:429:retry-after=Wed, 21 Oct 2015 07%3A28%3A00 GMT:body={"detail": "a:b"}',
      {
        operation: 'prefetch',
        on: [1],
        fault: { kind: 'status', status: 429, headers: { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }, body: '{"detail": "a:b"}' }
      }
    ]
  ])('parses %s', (spec, rule) => {
    expect(parseFaultSpec(spec)).toEqual(rule)
  })

  it.each([
    ['prefetch', /no "="/],
    ['prefetch=hang', /does not say which requests/],
    ['fetch:1=hang', /unknown operation "fetch"/],
    ['prefetch:x=hang', /"x" is not a request number/],
    ['prefetch:0=hang', /counted from 1/],
    ['prefetch:3-1=hang', /ends before it starts/],
    ['prefetch:1=explode', /unknown fault "explode"/],
    ['prefetch:1=status', /needs its status code/],
    ['prefetch:1=status:99', /not between 100 and 599/],
    ['prefetch:1=status:abc', /"abc" is not a whole number/],
    ['prefetch:1=hang:5', /"5" is not a <parameter>=<value> \(hang takes no number\)/],
    ['prefetch:1=reset:x=1', /reset takes no parameters/],
    ['prefetch:1=trickle:fast', /milliseconds per byte "fast"/],
    ['prefetch:1=status:503:bad header=1', /"bad header" is not a header name/],
    ['prefetch:1=status:503:retry-after=%zz', /bad percent-escape/]
  ])('rejects %s, naming the bad part', (spec, message) => {
    expect(() => parseFaultSpec(spec)).toThrow(message)
  })
})
