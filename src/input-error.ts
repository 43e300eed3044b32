/** A problem with what the user gave us: the message names the input and quotes the value. */
export class InputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'InputError'
  }
}
