/** The action's name and version, sent as the User-Agent; the version is package.json's (ncc bundles it into dist/). */
import packageJson from '../../package.json' with { type: 'json' }

export const ACTION_NAME = 'trifacta-run-job-action'
export const VERSION: string = packageJson.version
export const USER_AGENT = `${ACTION_NAME}/${VERSION}`
