import { hmacSha256 } from './hmacSha256.ts';
import type { Sha256Function } from './sha256Function.ts';

/**
 * The HMAC_DRBG of RFC 6979 §3.2 for secp256k1 with SHA-256, where qlen = hlen = 256 so bits2int is the plain
 * big-endian integer and int2octets / bits2octets are 32 bytes (§2.3.2–2.3.4).
 *
 * The caller converts each candidate to an integer and rejects it unless 1 ≤ k < n (§3.2 step h.3), and also
 * when r or s comes out zero; {@link Rfc6979NonceGenerator.next} then continues with K = HMAC_K(V ‖ 0x00),
 * V = HMAC_K(V) as the RFC prescribes.
 */
export class Rfc6979NonceGenerator {
  private k: Uint8Array;
  private v: Uint8Array;
  private readonly sha256: Sha256Function;
  private hasCandidate: boolean;

  /**
   * @param privateKeyOctets int2octets(x): the private key as 32 big-endian bytes.
   * @param digestOctets bits2octets(h1): the digest reduced mod n, as 32 big-endian bytes.
   */
  constructor(sha256: Sha256Function, privateKeyOctets: Uint8Array, digestOctets: Uint8Array) {
    this.sha256 = sha256;
    this.hasCandidate = false;
    this.v = new Uint8Array(32).fill(0x01); // §3.2 step b
    this.k = new Uint8Array(32); // step c
    this.k = this.mac(this.concat(0x00, privateKeyOctets, digestOctets)); // step d
    this.v = this.mac(this.v); // step e
    this.k = this.mac(this.concat(0x01, privateKeyOctets, digestOctets)); // step f
    this.v = this.mac(this.v); // step g
  }

  /** The next candidate nonce T (step h.2), 32 bytes; call again if the caller rejects it (step h.3). */
  next(): Uint8Array {
    if (this.hasCandidate) {
      this.k = this.mac(this.concat(0x00, null, null));
      this.v = this.mac(this.v);
    }
    this.hasCandidate = true;
    this.v = this.mac(this.v);
    return this.v;
  }

  private mac(message: Uint8Array): Uint8Array {
    return hmacSha256(this.sha256, this.k, message);
  }

  /** V ‖ separator ‖ key ‖ digest (key and digest omitted when null). */
  private concat(separator: number, keyOctets: Uint8Array | null, digestOctets: Uint8Array | null): Uint8Array {
    const out = new Uint8Array(keyOctets && digestOctets ? 97 : 33);
    out.set(this.v, 0);
    out[32] = separator;
    if (keyOctets && digestOctets) {
      out.set(keyOctets, 33);
      out.set(digestOctets, 65);
    }
    return out;
  }
}
