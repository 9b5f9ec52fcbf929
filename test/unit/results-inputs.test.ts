// The inputs of what is read after the run: logs, log-lines, project-id; each checked before anything is sent.
import { describe, expect, it } from 'vitest'
import { appLink } from '../../src/inputs/results-inputs.ts'
import { inputParser } from '../support/parse-inputs.ts'

const { parse, errorsOf } = inputParser({
  'api-url': 'https://api.clouddataprep.com',
  'api-token': 't0ken',
  'recipe-id': '7'
})

describe('logs, log-lines and project-id', () => {
  it('default to on-failure, 50 lines and no project', () => {
    expect(parse({})).toMatchObject({ logs: 'on-failure', logLines: 50, appQuery: '' })
  })

  it('take always, never and a number of lines from 1 to 1000', () => {
    expect(parse({ logs: 'always', 'log-lines': '1' })).toMatchObject({ logs: 'always', logLines: 1 })
    expect(parse({ logs: 'never', 'log-lines': '1000' })).toMatchObject({ logs: 'never', logLines: 1000 })
  })

  it('refuse another logs value and a number of lines out of range, naming the input', () => {
    const messages = (inputs: Record<string, string>): string[] => errorsOf(inputs).map((e) => e.message)
    expect(messages({ logs: 'yes' })).toEqual(["Input 'logs': must be one of on-failure, always, never (got 'yes')."])
    expect(messages({ 'log-lines': '0' })[0]).toContain("Input 'log-lines': must be a positive integer")
    expect(messages({ 'log-lines': '5000' })).toEqual(["Input 'log-lines': must be at most 1000 (got 5000)."])
  })

  it('project-id: a Google Cloud project id goes into every app link; anything else is refused', () => {
    const config = parse({ 'project-id': 'sales-prod-42' })
    expect(config.appQuery).toBe('?projectId=sales-prod-42')
    expect(appLink(config, '/jobs/4100')).toBe('https://clouddataprep.com/jobs/4100?projectId=sales-prod-42')
    expect(parse({ 'project-id': 'example.com:sales-prod' }).appQuery).toBe('?projectId=example.com%3Asales-prod')
    for (const bad of ['Sales', 'abc', 'x'.repeat(31), 'a b', 'proj&x=1', '1project']) {
      expect(errorsOf({ 'project-id': bad })[0]!.message).toMatch(
        /^Input 'project-id': must be a Google Cloud project id/
      )
    }
  })
})
