/** Settings as the engine reads them, from a few inputs (the rest empty, so action.yml's defaults do not apply). */
import type { InputName } from '../../src/core/input-names.js'
import { readSettings, type Settings } from '../../src/core/settings.js'

export type Inputs = Partial<Record<InputName, string>>

export function settingsFrom(inputs: Inputs): Settings {
  return readSettings(name => inputs[name] ?? '')
}

/** Settings from `inputs`, with a key and resource 1 so that they read. */
export function settingsWith(inputs: Inputs = {}): Settings {
  return settingsFrom({ 'api-key': 'k', 'resource-id': '1', ...inputs })
}
