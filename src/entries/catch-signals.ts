/**
 * Imported first by the main entry, for its side effect: the workflow-cancel handlers are installed before any
 * other module loads (ES modules run their imports in order), so an early cancel is kept, not fatal.
 */
import { catchSignals } from '../shared/signals.ts'

catchSignals()
