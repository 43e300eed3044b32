/**
 * A problem with what the user gave: it names the input and quotes the value
 * (never the key's), and is raised before any request. Each front end words
 * the input its own way: `input "paths"` for the action, `--paths` for the CLI.
 */

import type { InputName } from './input-names.js'

/** How a front end names an input in a message: `input "paths"` or `--paths`. */
export type NameInput = (input: InputName) => string

export const actionInputName: NameInput = input => `input "${input}"`

/** A problem with what the user gave us; `describe` words it for a front end. */
export class InputError extends Error {
  constructor(
    /** The input to fix, or `environment` for a variable of the run's environment (a proxy setting). */
    readonly input: InputName | 'environment',
    private readonly compose: (name: NameInput) => string
  ) {
    super(capitalise(compose(actionInputName)))
    this.name = 'InputError'
  }

  describe(name: NameInput): string {
    return capitalise(this.compose(name))
  }
}

/** The common case: a message that starts with the input's name. */
export function inputError(input: InputName, rest: string): InputError {
  return new InputError(input, name => `${name(input)} ${rest}`)
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
