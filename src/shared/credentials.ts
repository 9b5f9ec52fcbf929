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
  'auth'
]
/** `password=…`, `pwd=…`, … up to the next `;`, `&`, white space or quote (or a quoted value whole). */
const SECRET_PAIR = new RegExp(`\\b(${SECRET_KEYS.join('|')})(\\s*=\\s*)("[^"]*"|'[^']*'|[^;&\\s"']*)`, 'gi')

/** `text` without the credentials it names. */
export function withoutCredentials(text: string): string {
  return text.replace(USERINFO, '$1').replace(SECRET_PAIR, (_, key: string, sep: string) => `${key}${sep}***`)
}
