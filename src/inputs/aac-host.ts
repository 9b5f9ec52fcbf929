/**
 * Alteryx Analytics Cloud hosts: `/v4` is served from `https://<region>.alteryxcloud.com`, while
 * `https://api.<region>.alteryxcloud.com` serves AAC's newer platform APIs (API-NOTES.md). The action's README
 * long recommended the latter, so an api-url naming it is sent to the `/v4` host, and the log says so. Pure.
 */
const PLATFORM_HOST = /^api\.([a-z0-9-]+)\.alteryxcloud\.com$/i

/** The URL for `/v4` calls: `api.<region>.alteryxcloud.com` becomes `<region>.alteryxcloud.com`, with a warning. */
export function v4ApiUrl(apiUrl: string, warnings: string[]): string {
  const url = new URL(apiUrl)
  const region = PLATFORM_HOST.exec(url.hostname)?.[1]
  if (region === undefined) return apiUrl
  url.hostname = `${region.toLowerCase()}.alteryxcloud.com`
  const v4 = `${url.origin}${url.pathname}`.replace(/\/+$/, '')
  warnings.push(
    `api-url ${apiUrl} is the host of Alteryx Analytics Cloud's platform APIs; its /v4 API is served from ${v4}, ` +
      `so the calls go there. Set api-url to ${v4}.`
  )
  return v4
}
