/**
 * Resources as the emulator and the fake Gcore take them (ResourceSpec).
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

/** A resource that caches large files in 10 MB slices. */
export const SLICED: ResourceSpec = { id: 7, cname: 'cdn.example.com', options: { slice: { enabled: true, value: true } } }
/** A resource without slice, with a secondary hostname. */
export const PLAIN: ResourceSpec = { id: 8, cname: 'plain.example.com', secondaryHostnames: ['dl.example.com'] }

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
