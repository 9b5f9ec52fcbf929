/**
 * The action's log, the one seam every line goes through: secrets are redacted, and no line can start a
 * workflow command, also not one carried inside server text. Every message is defused line by line: plain lines
 * would be read as commands, and the lines of an annotation or debug message (which @actions/core escapes) are
 * shown as lines again by the runner, so they too must not begin like one.
 */
import * as core from '@actions/core'
import { redact } from './secrets.ts'

export interface Annotation {
  title?: string
}

export const log = {
  info: (message: string): void => core.info(safe(message)),
  debug: (message: string): void => core.debug(safe(message)),
  notice: (message: string, annotation: Annotation = {}): void => core.notice(safe(message), clean(annotation)),
  warning: (message: string, annotation: Annotation = {}): void => core.warning(safe(message), clean(annotation)),
  error: (message: string, annotation: Annotation = {}): void => core.error(safe(message), clean(annotation)),
  startGroup: (name: string): void => core.startGroup(redact(name)),
  endGroup: (): void => core.endGroup()
}

/**
 * Every line that the runner would read as a command (`::name::`, or the older `##[name]` and `##vso[`) gets a
 * space after its first character, so it prints as text. Pure.
 */
export function neutralise(text: string): string {
  return text.replace(
    /(^|[\r\n])([ \t]*)(::|##)/g,
    (_, start: string, indent: string, mark: string) => `${start}${indent}${mark[0]} ${mark[1]}`
  )
}

/** `fn`'s value, or undefined with a debug line: for reads whose failure only shortens a report. */
export async function quietly<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn()
  } catch (error) {
    log.debug(`${what} failed: ${(error as Error).message}`)
    return undefined
  }
}

/** Redacted, and defused line by line. */
const safe = (text: string): string => neutralise(redact(text))

function clean(annotation: Annotation): core.AnnotationProperties {
  return annotation.title ? { title: safe(annotation.title) } : {}
}
