// A GitHub error answer that is not JSON is quoted cut to size; a token it echoes, split by the cut, must not leave
// its first part in the message (the redaction matches whole secrets only, so it has to run before the cut).
import { describe, expect, it } from 'vitest'
import { SecretStore } from '../../src/auth/secret-store.ts'
import type { Transport } from '../../src/http/transport.ts'
import { realClock } from '../../src/shared/clock.ts'
import { redact, registerSecret } from '../../src/shared/secrets.ts'

const TOKEN = 'ghp_cut_secret_7f3a9c1e5b2d'

describe('SecretStore error text', () => {
  it('a non-JSON 403 that echoes the token: no piece of the token in the error', async () => {
    registerSecret(TOKEN)
    const body = `denied ${'x'.repeat(180)} ${TOKEN} ${TOKEN}` // the cut at 200 characters falls inside the first token
    const transport: Transport = () => Promise.resolve({ status: 403, headers: {}, body })
    const store = new SecretStore({
      writeBack: { name: 'TRIFACTA_REFRESH_TOKEN', token: TOKEN },
      transport,
      clock: realClock,
      userAgent: 'test',
      requestTimeoutMs: 1_000,
      onRetry: () => undefined,
      env: { GITHUB_REPOSITORY: 'acme/pipelines', GITHUB_API_URL: 'https://api.github.test' }
    })
    const error = await store.check().then(
      () => undefined,
      (e: unknown) => e as Error
    )

    expect(error).toBeInstanceOf(Error)
    // As it would be printed: the log redacts whole secrets.
    expect(redact(error!.message)).not.toContain(TOKEN.slice(0, 8))
  })
})
