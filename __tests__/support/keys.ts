/** Keys an HTTP header cannot carry as given, as a user might paste them, each with the hint the error gives. */
export function malformedKeys(key: string): [what: string, key: string, hint: string][] {
  return [
    ['pasted with its APIKey prefix', `APIKey ${key}`, 'starts with "APIKey ": give the token alone; the action adds "APIKey " itself.'],
    [
      'holding a character outside Latin-1',
      `${key}—ключ`,
      'contains a character an HTTP header cannot carry (outside Latin-1); check that the secret holds the token itself.'
    ],
    ['holding a line break', `${key}\nsecond-line`, 'contains a control character or line break; check the secret.']
  ]
}
