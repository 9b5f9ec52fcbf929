/** The action's log: every line goes through `redact`, so no secret is printed, also not inside server text. */
import * as core from '@actions/core'
import { redact } from './secrets.ts'

export interface Annotation {
  title?: string
}

export const log = {
  info: (message: string): void => core.info(redact(message)),
  debug: (message: string): void => core.debug(redact(message)),
  warning: (message: string, annotation: Annotation = {}): void => core.warning(redact(message), clean(annotation)),
  error: (message: string, annotation: Annotation = {}): void => core.error(redact(message), clean(annotation)),
  startGroup: (name: string): void => core.startGroup(redact(name)),
  endGroup: (): void => core.endGroup()
}

function clean(annotation: Annotation): core.AnnotationProperties {
  return annotation.title ? { title: redact(annotation.title) } : {}
}
