import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../src/api/api-error.ts'
import {
  backoffMs,
  epochMs,
  isTransient,
  retryDelayMs,
  triggerDecision,
  withRetries
} from '../../src/api/retry-policy.ts'
import { TransportError } from '../../src/http/transport-failures.ts'
import { FakeClock } from '../support/fake-clock.ts'

const apiError = (status: number, headers: Record<string, string> = {}): ApiError =>
  new ApiError({
    method: 'GET',
    path: '/v4/jobGroups/1/status',
    status,
    headers: { 'x-trifacta-request-id': 'r1', ...headers },
    body: ''
  })

describe('what is retried', () => {
  it('reads and cancel: 429, 500, 502, 503, 504, connection and gateway failures; never 4xx', () => {
    for (const s of [429, 500, 502, 503, 504]) expect(isTransient(apiError(s))).toBe(true)
    for (const s of [400, 401, 403, 404, 410, 415, 501]) expect(isTransient(apiError(s))).toBe(false)
    for (const k of ['refused', 'dns', 'reset', 'timeout', 'redirect', 'proxy', 'other'] as const) {
      expect(isTransient(new TransportError(k, k))).toBe(true)
    }
    for (const k of ['aborted', 'no-host', 'tls', 'invalid'] as const) {
      expect(isTransient(new TransportError(k, k))).toBe(false)
    }
    expect(isTransient(apiError(200)), 'a 200 whose body is not JSON').toBe(true)
  })

  it('the trigger: resend only when the server surely did not act, reconcile when unknown, else fail', () => {
    expect(triggerDecision(apiError(429))).toBe('resend')
    expect(triggerDecision(new TransportError('refused', ''))).toBe('resend')
    expect(triggerDecision(new TransportError('dns', ''))).toBe('resend')
    for (const s of [500, 502, 503, 504]) expect(triggerDecision(apiError(s))).toBe('reconcile')
    expect(triggerDecision(new TransportError('reset', ''))).toBe('reconcile')
    expect(triggerDecision(new TransportError('timeout', ''))).toBe('reconcile')
    for (const s of [400, 401, 403, 404, 410, 415]) expect(triggerDecision(apiError(s))).toBe('fail')
    expect(triggerDecision(new TransportError('redirect', ''))).toBe('fail')
    for (const k of ['no-host', 'tls', 'proxy', 'invalid'] as const)
      expect(triggerDecision(new TransportError(k, ''))).toBe('fail')
    expect(triggerDecision(apiError(201)), 'a 201 whose body cannot be read: the server acted').toBe('settle')
    expect(triggerDecision(new TransportError('reset', 'cut', 201)), 'a 201 cut short').toBe('settle')
    expect(triggerDecision(new TransportError('too-large', 'big', 201))).toBe('settle')
    expect(triggerDecision(new Error('bug'))).toBe('fail')
  })
})

describe('retryDelayMs', () => {
  const now = 1_700_000_000_000
  it('honours x-retry-after (seconds) first', () => {
    expect(
      retryDelayMs(apiError(429, { 'x-retry-after': '57', 'x-rate-limit-user-reset': String(now + 5000) }), 0, now)
    ).toBe(57_000)
  })

  it('else the later of the reset headers, in epoch milliseconds or seconds', () => {
    expect(retryDelayMs(apiError(429, { 'x-rate-limit-user-reset': String(now + 4000) }), 0, now)).toBe(4000)
    expect(retryDelayMs(apiError(429, { 'x-rate-limit-user-reset': String((now + 9000) / 1000) }), 0, now)).toBe(9000)
    expect(
      retryDelayMs(
        apiError(429, {
          'x-rate-limit-user-reset': String(now + 1000),
          'x-rate-limit-workspace-reset': String(now + 3000)
        }),
        0,
        now
      )
    ).toBe(3000)
  })

  it('else exponential backoff with full jitter', () => {
    expect(retryDelayMs(apiError(503), 2, now, () => 0.5)).toBe(2000)
    expect(retryDelayMs(apiError(503), 3, now, () => 0.5)).toBe(4000)
    expect(retryDelayMs(new TransportError('reset', ''), 20, now, () => 0.999)).toBeLessThan(30_000)
  })

  it('never sooner than 1 s, whatever the headers say, and never later than 5 minutes at a time', () => {
    expect(retryDelayMs(apiError(429, { 'x-retry-after': '0' }), 0, now)).toBe(1000)
    expect(retryDelayMs(apiError(429, { 'x-retry-after': '0.01' }), 0, now)).toBe(1000)
    expect(retryDelayMs(apiError(429, { 'x-rate-limit-user-reset': String(now - 5000) }), 0, now, () => 0)).toBe(1000)
    expect(retryDelayMs(apiError(503), 0, now, () => 0)).toBe(1000)
    expect(retryDelayMs(apiError(429, { 'x-retry-after': '99999999999' }), 0, now)).toBe(300_000)
    expect(retryDelayMs(apiError(429, { 'x-rate-limit-user-reset': String(now + 86_400_000) }), 0, now)).toBe(300_000)
  })

  it('epochMs tells seconds from milliseconds', () => {
    expect(epochMs('1631096271')).toBe(1631096271000)
    expect(epochMs('1631096271696')).toBe(1631096271696)
    expect(epochMs('')).toBeUndefined()
    expect(epochMs('soon')).toBeUndefined()
  })

  it('property: backoff is always within [0, min(30 s, 2^attempt s)]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, r) => {
          const d = backoffMs(attempt, () => r)
          expect(d).toBeGreaterThanOrEqual(0)
          expect(d).toBeLessThanOrEqual(Math.min(30_000, 1000 * 2 ** Math.min(attempt, 30)))
        }
      )
    )
  })

  it('property: any headers give a finite delay ≥ 0, never more than 5 minutes unless the server says so', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('x-rate-limit-user-reset', 'x-rate-limit-workspace-reset'), fc.string()),
        fc.nat(100),
        (headers, attempt) => {
          const d = retryDelayMs(apiError(429, headers), attempt, now)
          expect(Number.isFinite(d)).toBe(true)
          expect(d).toBeGreaterThanOrEqual(0)
          expect(d).toBeLessThanOrEqual(5 * 60_000)
        }
      )
    )
  })
})

describe('withRetries', () => {
  it('retries transient failures until one succeeds, logging each retry', async () => {
    const clock = new FakeClock()
    const logged: string[] = []
    let calls = 0
    const value = await withRetries(
      async () => {
        if (++calls < 3) throw apiError(503)
        return 'ok'
      },
      {
        what: 'GET x',
        clock,
        deadline: clock.now() + 60_000,
        persistMs: 60_000,
        random: () => 0.5,
        onRetry: (m) => logged.push(m)
      }
    )
    expect(value).toBe('ok')
    expect(calls).toBe(3)
    expect(logged[0]).toBe('GET x failed (HTTP 503, request id r1); retry 1 in 1s')
  })

  it('does not retry a 404', async () => {
    const clock = new FakeClock()
    let calls = 0
    await expect(
      withRetries(
        async () => {
          calls++
          throw apiError(404)
        },
        { what: 'GET x', clock, deadline: clock.now() + 60_000, persistMs: 60_000, onRetry: () => {} }
      )
    ).rejects.toThrow('HTTP 404')
    expect(calls).toBe(1)
  })

  it('gives up with the last error when the failures persist or the deadline would pass', async () => {
    const clock = new FakeClock()
    const start = clock.now()
    await expect(
      withRetries(
        async () => {
          throw apiError(502)
        },
        { what: 'GET x', clock, deadline: start + 3_600_000, persistMs: 300_000, onRetry: () => {} }
      )
    ).rejects.toThrow('HTTP 502')
    expect(clock.now() - start).toBeLessThanOrEqual(300_000)
    expect(clock.now() - start).toBeGreaterThan(200_000)

    const clock2 = new FakeClock()
    await expect(
      withRetries(
        async () => {
          throw apiError(429, { 'x-retry-after': '120' })
        },
        { what: 'GET x', clock: clock2, deadline: clock2.now() + 60_000, persistMs: 300_000, onRetry: () => {} }
      )
    ).rejects.toThrow('HTTP 429')
    expect(clock2.sleeps).toEqual([])
  })
})
