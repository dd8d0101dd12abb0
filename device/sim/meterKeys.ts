/**
 * Demo keys: meter `index`'s private key is SHA-256("peer-energy-trader/sim-meter-key/" + seed + "/" + index),
 * so a demo and its tests know every simulated meter's address in advance. Never for real meters: those get
 * keys from `peer-energy-trader provision --generate-key` (a CSPRNG off the board).
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '../../shared/protocol/hex.ts';
import { addressFromPrivateKey } from '../../shared/protocol/meterAddress.ts';

export interface MeterKey {
  privateKey: Uint8Array;
  privateKeyHex: string;
  address: string;
}

/** Deterministic key and address of simulated meter `index` for `seed`. */
export function deriveMeterKey(seed: string, index: number): MeterKey {
  for (let attempt = 0; ; attempt++) {
    const suffix = attempt === 0 ? '' : `/${attempt}`;
    const privateKey = sha256(new TextEncoder().encode(`peer-energy-trader/sim-meter-key/${seed}/${index}${suffix}`));
    if (!secp256k1.utils.isValidSecretKey(privateKey)) continue; // probability ~2^-128
    return { privateKey, privateKeyHex: bytesToHex(privateKey), address: addressFromPrivateKey(privateKey) };
  }
}
