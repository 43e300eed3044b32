/** Reading an origin group (src/core/gcore/origin-group.ts): its sources, never its credentials. */
import { describe, expect, it } from '@jest/globals'
import { parseOriginGroup, readOriginGroups } from '../../../src/core/gcore/origin-group.js'
import { GcoreError } from '../../../src/core/gcore/errors.js'
import { FakeClock } from '../../support/fake-clock.js'

describe('parseOriginGroup', () => {
  it('keeps what a source is and where, and returns every credential it carried, masked or not', () => {
    const group = parseOriginGroup({
      id: 7,
      name: 'media',
      sources: [
        { source: 'origin.example.com', backup: false, enabled: true, tag: 'default', host_header_override: null },
        { source: '10.0.0.5:8080', backup: true, enabled: true, host_header_override: 'media.example.com' },
        { source: 'old.example.com', enabled: false },
        {
          origin_type: 's3',
          config: {
            s3_type: 'amazon',
            s3_bucket_name: 'media',
            s3_region: 'eu-west-1',
            s3_access_key_id: 'SECRET_VALUE',
            s3_secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
          },
          backup: true,
          enabled: true
        },
        { origin_type: 'fastedge', config: { app_id: '12345' }, enabled: true },
        { origin_type: 'teleport', enabled: true }
      ]
    })
    expect(group).toEqual({
      id: 7,
      sources: [
        { type: 'host', address: 'origin.example.com', enabled: true, backup: false, hostHeaderOverride: null },
        { type: 'host', address: '10.0.0.5:8080', enabled: true, backup: true, hostHeaderOverride: 'media.example.com' },
        { type: 'host', address: 'old.example.com', enabled: false, backup: false, hostHeaderOverride: null },
        { type: 's3', address: 'S3 bucket media (eu-west-1)', enabled: true, backup: true, hostHeaderOverride: null },
        { type: 'fastedge', address: 'FastEdge app 12345', enabled: true, backup: false, hostHeaderOverride: null },
        { type: 'unknown', address: 'teleport source', enabled: true, backup: false, hostHeaderOverride: null }
      ],
      secrets: ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY']
    })
    expect(JSON.stringify(group!.sources)).not.toContain('EXAMPLEKEY')
  })

  it('reads the deprecated form (one private bucket for the group) as an S3 source, and refuses what is no group', () => {
    const group = parseOriginGroup({
      id: 3,
      auth_type: 'awsSignatureV4',
      auth: {
        s3_type: 'other',
        s3_storage_hostname: 's3.example.com',
        s3_bucket_name: 'b',
        s3_access_key_id: 'AKIAEXAMPLE123',
        s3_secret_access_key: 'abcdefghijklmnop1234'
      }
    })
    expect(group?.sources).toEqual([
      { type: 's3', address: 'S3 bucket b (s3.example.com)', enabled: true, backup: false, hostHeaderOverride: null }
    ])
    expect(group?.secrets.sort()).toEqual(['AKIAEXAMPLE123', 'abcdefghijklmnop1234'])
    for (const body of [null, [], 'x', {}, { id: 1 }]) expect(parseOriginGroup(body)).toBeNull()
  })
})

describe('readOriginGroups', () => {
  it('reads each group once, and says why one could not be read', async () => {
    const asked: string[] = []
    const api = {
      getJson: async (path: string) => {
        asked.push(path)
        if (path.endsWith('/1')) return { id: 1, sources: [{ source: 'a.example.com' }] }
        if (path.endsWith('/2')) throw new GcoreError('HTTP 403: no', 'forbidden', 403)
        if (path.endsWith('/3')) throw new GcoreError('HTTP 404: Not found.', 'not-found', 404)
        return '<html>blocked</html>'
      }
    }
    const groups = await readOriginGroups(api, [1, 2, 1, 3, 4], new FakeClock())
    expect(asked).toEqual(['/cdn/origin_groups/1', '/cdn/origin_groups/2', '/cdn/origin_groups/3', '/cdn/origin_groups/4'])
    expect(groups.get(2)).toBe('the key may not read origin groups (HTTP 403)')
    expect(groups.get(3)).toBe('no origin group 3 (HTTP 404)')
    expect(groups.get(4)).toBe('its answer is not an origin group')
    expect(typeof groups.get(1)).toBe('object')
  })

  it('lets a refused key stop the run', async () => {
    const api = { getJson: async () => Promise.reject(new GcoreError('HTTP 401', 'auth', 401)) }
    await expect(readOriginGroups(api, [1], new FakeClock())).rejects.toMatchObject({ kind: 'auth' })
  })
})
