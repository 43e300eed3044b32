/** The proxy variables, read as @actions/http-client reads them, checked before any request. */
import { describe, expect, it } from '@jest/globals'
import { checkProxyEnvironment } from '../../src/core/proxy.js'

const errorOf = (env: Record<string, string>) => checkProxyEnvironment(env).error?.message ?? null

describe('checkProxyEnvironment', () => {
  it.each([
    [{}],
    [{ HTTPS_PROXY: 'http://proxy.corp:3128' }],
    [{ https_proxy: 'https://user:p%40ss@proxy.corp' }],
    [{ HTTP_PROXY: '10.0.0.1:3128' }], // no scheme, but an address: the library reads it as http://
    [{ HTTPS_PROXY: '', HTTP_PROXY: '' }]
  ])('%j: usable', env => {
    expect(checkProxyEnvironment(env)).toEqual({ error: null, warnings: [] })
  })

  it.each([
    [
      { HTTPS_PROXY: 'proxy.corp:3128' },
      'HTTPS_PROXY "proxy.corp:3128" has no scheme, so it reads as a URL of the scheme "proxy.corp:" with no host: write http://proxy.corp:3128'
    ],
    [
      { http_proxy: 'socks5h://proxy:1080' },
      'http_proxy "socks5h://proxy:1080" is a socks5h proxy; only http:// and https:// proxies are supported'
    ],
    [{ HTTPS_PROXY: 'http://user:secret@:8080' }, 'HTTPS_PROXY "http://***@:8080" is not a valid URL'],
    [{ HTTPS_PROXY: 'http://[::1' }, 'HTTPS_PROXY "http://[::1" is not a valid URL']
  ])('%j: an error naming the variable', (env, message) => {
    expect(errorOf(env)).toBe(`The environment variable ${message}.`)
    expect(checkProxyEnvironment(env).error?.input).toBe('environment')
  })

  it('reads the lower-case spelling first, as the library does: an ignored upper-case value is not checked', () => {
    expect(errorOf({ https_proxy: 'http://ok:1', HTTPS_PROXY: 'bad:1' })).toBeNull()
    expect(errorOf({ https_proxy: 'bad:1', HTTPS_PROXY: 'http://ok:1' })).toContain('https_proxy')
  })

  it('warns about NO_PROXY entries the library never matches', () => {
    expect(checkProxyEnvironment({ no_proxy: 'localhost, *.corp.example ,192.168.0.0/16,.ok.example,*' }).warnings).toEqual([
      'no_proxy entry "*.corp.example" never matches (a leading * is not a wildcard here): write .corp.example (a name covers its subdomains).',
      'no_proxy entry "192.168.0.0/16" never matches: address ranges are not supported; list the hosts or their names.'
    ])
  })
})
