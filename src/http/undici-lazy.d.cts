/** Types of undici-lazy.cjs: the part of undici that is used, and its loader. */
type Undici = typeof import('undici/index.js')
export declare function loadUndici(): Promise<void>
export declare const ProxyAgent: Undici['ProxyAgent']
export declare const fetch: Undici['fetch']
