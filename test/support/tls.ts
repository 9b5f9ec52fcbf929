// Throwaway TLS material for tests, generated at test time with node-forge (no key or certificate is committed):
// a CA, a leaf it signed for the loopback names, and a leaf it signed for another host name only. Made once per
// process (each vitest test file) and kept in memory; the CA can be written to a file for NODE_EXTRA_CA_CERTS.
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import forge from 'node-forge'
import { PROXIED_HOST } from './proxy.ts'

/** PEM key and certificate of a server. */
export interface TlsKeyPair {
  key: string
  cert: string
}

export interface TestCertificates {
  /** PEM of the throwaway CA that signed both leaves; trust it with `ca` or NODE_EXTRA_CA_CERTS. */
  ca: string
  /** Leaf for 127.0.0.1, ::1, localhost and PROXIED_HOST. */
  server: TlsKeyPair
  /** Leaf for WRONG_HOST only: a client that trusts the CA still rejects it on 127.0.0.1. */
  wrongHost: TlsKeyPair
}

/** The only name in the wrong-host leaf (.invalid never resolves). */
export const WRONG_HOST = 'wrong-host.invalid'
// RSA 2048, made and used by Node's crypto (50-150 ms a key; forge's own RSA in JavaScript would take another
// 50-180 ms a signature). The two leaves share a key: 2 keys and 3 signatures in all.
const KEY_BITS = 2048
const VALID_BEFORE_MS = 60 * 60 * 1000
const VALID_FOR_MS = 24 * 60 * 60 * 1000

interface KeyPem {
  /** PKCS#8 PEM. */
  private: string
  /** SPKI PEM. */
  public: string
}

interface Issued {
  cert: forge.pki.Certificate
  key: KeyPem
}

let certificates: TestCertificates | undefined
let caPath: string | undefined

/** The CA and its two leaves, generated on first use (~0.3 s), then the same ones for the whole process. */
export function testCertificates(): TestCertificates {
  certificates ??= generate()
  return certificates
}

/**
 * A file holding the CA's PEM, for NODE_EXTRA_CA_CERTS of a child process (Node reads it at start-up only).
 * Written once per process in a fresh temporary folder, removed when the process exits.
 */
export function caFile(): string {
  if (caPath !== undefined) return caPath
  const dir = mkdtempSync(join(tmpdir(), 'test-ca-'))
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
  caPath = join(dir, 'ca.pem')
  writeFileSync(caPath, testCertificates().ca)
  return caPath
}

function generate(): TestCertificates {
  const leafKey = newKey()
  const ca = issue('Throwaway test CA', newKey(), undefined, [])
  const server = issue('127.0.0.1', leafKey, ca, [
    { type: 7, ip: '127.0.0.1' },
    { type: 7, ip: '::1' },
    { type: 2, value: 'localhost' },
    { type: 2, value: PROXIED_HOST }
  ])
  const wrongHost = issue(WRONG_HOST, leafKey, ca, [{ type: 2, value: WRONG_HOST }])
  return { ca: forge.pki.certificateToPem(ca.cert), server: pem(server), wrongHost: pem(wrongHost) }
}

function newKey(): KeyPem {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: KEY_BITS,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' }
  })
  return { private: privateKey, public: publicKey }
}

/** A CA certificate (no issuer: self-signed) or a server leaf with these subject alternative names. */
function issue(commonName: string, key: KeyPem, issuer: Issued | undefined, altNames: object[]): Issued {
  const cert = forge.pki.createCertificate()
  cert.publicKey = forge.pki.publicKeyFromPem(key.public)
  // A positive serial: the first byte's high bit clear.
  cert.serialNumber = '01' + randomBytes(15).toString('hex')
  cert.validity.notBefore = new Date(Date.now() - VALID_BEFORE_MS)
  cert.validity.notAfter = new Date(Date.now() + VALID_FOR_MS)
  const subject = [{ name: 'commonName', value: commonName }]
  cert.setSubject(subject)
  cert.setIssuer(issuer ? issuer.cert.subject.attributes : subject)
  cert.setExtensions(
    issuer
      ? [
          { name: 'basicConstraints', cA: false },
          { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true },
          { name: 'extKeyUsage', serverAuth: true },
          { name: 'subjectAltName', altNames }
        ]
      : [
          { name: 'basicConstraints', critical: true, cA: true },
          { name: 'keyUsage', critical: true, keyCertSign: true, cRLSign: true },
          { name: 'subjectKeyIdentifier' }
        ]
  )
  signWithNode(cert, (issuer?.key ?? key).private)
  return { cert, key }
}

/**
 * cert.sign(key, md) feeds the DER of the TBSCertificate to md.update() and takes key.sign(md) as the signature
 * (a binary string): these stand-ins keep the DER and sign it with Node's crypto (sha256WithRSAEncryption).
 */
function signWithNode(cert: forge.pki.Certificate, privateKeyPem: string): void {
  let tbs = ''
  const md = { algorithm: 'sha256', update: (bytes: string) => void (tbs += bytes) }
  const key = { sign: () => sign('sha256', Buffer.from(tbs, 'binary'), privateKeyPem).toString('binary') }
  cert.sign(key as unknown as forge.pki.rsa.PrivateKey, md as unknown as forge.md.MessageDigest)
}

/** The leaf alone, without the CA in its chain: a client trusts the CA on its own or not at all. */
function pem(leaf: Issued): TlsKeyPair {
  return { key: leaf.key.private, cert: forge.pki.certificateToPem(leaf.cert) }
}
