/**
 * Resources as the emulator and the fake Gcore take them (ResourceSpec), for
 * the tests that read them back: one sliced with a rule and a secondary
 * hostname, one on SSL that keeps Vary variants, one suspended, one deleted.
 */
import type { ResourceSpec } from '../../emulator/gcore-emulator.js'

export const VIDEOS_RULE = {
  id: 7,
  name: 'Videos',
  rule: '^/videos/',
  ruleType: 0 as const,
  weight: 1,
  options: { ignoreQueryString: { enabled: true, value: true } }
}

export const RESOURCES: ResourceSpec[] = [
  {
    id: 10,
    cname: 'cdn.example.com',
    secondaryHostnames: ['Files.Example.com'],
    options: { slice: { enabled: true, value: true } },
    rules: [VIDEOS_RULE]
  },
  { id: 11, cname: 'static.example.org', embedRules: true, rules: [VIDEOS_RULE], sslEnabled: true, can_purge_by_urls: false },
  { id: 12, status: 'suspended' },
  { id: 13, status: 'deleted' }
]
