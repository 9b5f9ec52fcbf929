// Alteryx Analytics Cloud in one call: an OAuth 2.0 token server and a /v4 API emulator that accepts its access
// tokens, for tests and scripts that sign in the AAC way.
import { TokenServer, type TokenServerOptions } from './oauth.ts'
import { Emulator } from './server.ts'
import type { EmulatorOptions } from './types.ts'

export interface AacEmulatorOptions {
  /** Options of the API emulator; its `oauth` is set to the token server. */
  emulator?: Omit<EmulatorOptions, 'oauth'>
  tokenServer?: TokenServerOptions
}

export interface AacEmulator {
  emulator: Emulator
  tokenServer: TokenServer
  /** Closes both servers. */
  close(): Promise<void>
}

export async function startAacEmulator(options: AacEmulatorOptions = {}): Promise<AacEmulator> {
  const tokenServer = await TokenServer.start(options.tokenServer)
  let emulator: Emulator
  try {
    // No AAC spec has a logs call (REAL-API-SHAPES.md "Job logs"): GET /v4/jobGroups/{id}/logs answers 404 there.
    emulator = await Emulator.start({ jobLogs: 404, ...options.emulator, oauth: tokenServer })
  } catch (error) {
    await tokenServer.close()
    throw error
  }
  return { emulator, tokenServer, close: async () => void (await Promise.all([emulator.close(), tokenServer.close()])) }
}
