/** The action's name and version, sent as the User-Agent (kept equal to package.json by a test). */
export const ACTION_NAME = 'trifacta-run-job-action'
export const VERSION = '1.0.0'
export const USER_AGENT = `${ACTION_NAME}/${VERSION}`
