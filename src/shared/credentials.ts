/**
 * Credentials that server text can carry without being a registered secret: a URL's `user:password@`, and
 * `password=…`-style pairs of connection strings (JDBC, ODBC, SAS tokens). Removed from every text the action
 * prints or writes (through `redact`), and from what it keeps of an output's uri or a table's path. Written here,
 * not taken from a library: no well-kept one scrubs arbitrary connection-string dialects, and the rule needed is
 * small. A value ends only at `;`, `&`, white space or a quote, so a password with other punctuation is hidden
 * whole (and a closing bracket after it with it). Pure.
 */

/** `scheme://user:pass@host` → `scheme://host` (the userinfo may hold an `@` of its own). */
const USERINFO = /([a-z][a-z0-9+.-]{0,30}:\/\/)[^/\s?#]*@/gi
/** Keys whose value is a credential in connection strings and signed URLs. */
const SECRET_KEYS = [
  'password',
  'passwd',
  'pwd',
  'pass',
  'secret',
  'token',
  'access[_-]?token',
  'api[_-]?key',
  'access[_-]?key',
  'secret[_-]?key',
  'account[_-]?key',
  'sharedaccesskey',
  'sig',
  'signature',
  'credentials?',
  'auth',
  'pvtkey',
  'private[_-]?key'
]
/** A key naming a credential, also behind a prefix (`trustStorePassword`, `private_key_pwd`, `OAuthPvtKey`). */
const KEY = `[a-z0-9_-]*?(?:${SECRET_KEYS.join('|')})`
/** `password=…`, `pwd=…`, `password%3D…`, … up to the next `;`, `&`, white space or quote (or a quoted value whole). */
const SECRET_PAIR = new RegExp(`\\b(${KEY})(\\s*(?:=|%3d)\\s*)(\\\\?"[^"]*"|'[^']*'|[^;&\\s"']*)`, 'gi')
/**
 * `"password": "…"` of a JSON text, also one inside a JSON string (`\"password\": \"…\"`). Only JSON's double
 * quotes: the action's own messages name inputs as `'api-token': …`, which is no credential.
 */
const JSON_PAIR = new RegExp(`(\\\\?")(${KEY})\\1(\\s*:\\s*)(\\\\?"[^"]*"|[^,}\\s]*)`, 'gi')
/** Oracle's `user/password@host` (`jdbc:oracle:thin:scott/tiger@db`, `connect scott/tiger@orcl`). */
const SLASH_LOGIN = /(jdbc:oracle:[a-z]+:|^|[\s=(])[a-z][\w$#.]*\/[^\s/@"']+@/gi

/** `text` without the credentials it names. */
export function withoutCredentials(text: string): string {
  return text
    .replace(USERINFO, '$1')
    .replace(SLASH_LOGIN, '$1')
    .replace(SECRET_PAIR, (_, key: string, sep: string) => `${key}${sep}***`)
    .replace(JSON_PAIR, (_, q: string, key: string, sep: string) => `${q}${key}${q}${sep}${q}***${q}`)
}
