// Credentials named in server text are removed, but the action's own messages name inputs in single quotes
// (`Input 'api-token': is empty`), and those words are no credential: they must reach the user whole.
import { describe, expect, it } from 'vitest'
import { withoutCredentials } from '../../src/shared/credentials.ts'

describe('withoutCredentials and the action’s own messages', () => {
  it.each([
    "Input 'api-token': is empty, and no other way to sign in is given",
    "Input 'refresh-token': must be one line",
    "Input 'client-secret': is given without client-id"
  ])('leaves %s as it is', (message) => {
    expect(withoutCredentials(message)).toBe(message)
  })

  it('still removes a JSON credential', () => {
    expect(withoutCredentials('{"password": "hunter2", "user": "a"}')).toBe('{"password": "***", "user": "a"}')
    expect(withoutCredentials('{"api_token": "abc"}')).not.toContain('abc')
  })
})
