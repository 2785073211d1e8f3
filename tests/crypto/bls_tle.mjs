// bls_tle.mjs — a small drand-timelock encryptor/decryptor on top of @noble/curves, written
// from specs/bittensor.md 3.11 (node's crypto module for SHA-256 and AES-256-GCM). Shared by
// tests/crypto/bls_interop.mjs and bench/crypto/bls_bench.mjs:
//   const { tle, tld, roundIdentity } = makeTle(bls12_381);
//   tle(pkPoint, round, msgBytes) -> ciphertext bytes; tld(sigPoint, ct) -> plaintext (throws)
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export function makeTle(bls) {
  const { Fp12, Fr } = bls.fields;
  const G2 = bls.G2.Point;
  const DST = 'BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_';
  const hex = (b) => Buffer.from(b).toString('hex');
  const big = (s) => BigInt('0x' + s);
  const sha256 = (...parts) => {
    const h = createHash('sha256');
    for (const p of parts) h.update(p);
    return new Uint8Array(h.digest());
  };
  const xor = (a, b) => a.map((x, i) => x ^ b[i]);
  const u64le = (n) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    return b;
  };

  // arkworks' GT bytes: noble's coefficient order, each 48-byte coefficient little-endian
  function gtBytes(gt) {
    const be = Fp12.toBytes(gt);
    const le = new Uint8Array(576);
    for (let i = 0; i < 12; i++) for (let j = 0; j < 48; j++) le[48 * i + j] = be[48 * i + 47 - j];
    return le;
  }

  function roundIdentity(round) {
    return bls.G1.hashToCurve(sha256(Buffer.from(u64le(round)).reverse()), { DST });
  }

  function h3(sigma, esk) {
    return Fr.create(big(hex(sha256(sigma, esk))));
  }

  function tle(pk, round, msg) {
    const esk = randomBytes(32), sigma = randomBytes(32), nonce = randomBytes(12);
    const r = h3(sigma, esk);
    const U = G2.BASE.multiply(r);
    const V = xor(sigma, sha256(gtBytes(bls.pairing(roundIdentity(round), pk.multiply(r)))));
    const W = xor(esk, sha256(sigma));
    const c = createCipheriv('aes-256-gcm', esk, nonce);
    const ct = Buffer.concat([c.update(msg), c.final()]);
    const tag = c.getAuthTag();
    const aes = Buffer.concat([u64le(ct.length + 16), ct, tag, u64le(12), nonce]);
    return Buffer.concat([U.toBytes(true), u64le(32), V, u64le(32), W, u64le(aes.length), aes,
      u64le(8), Buffer.from('AES_GCM_')]);
  }

  function tld(sig, ct) {
    if (ct.length < 244) throw new Error('short');
    const m = ct.length - 244, b = Buffer.from(ct);
    const need = (off, v) => {
      if (b.readBigUInt64LE(off) !== BigInt(v)) throw new Error('bad length at ' + off);
    };
    need(96, 32); need(136, 32); need(176, m + 44); need(184, m + 16); need(208 + m, 12);
    need(228 + m, 8);
    if (b.subarray(236 + m).toString() !== 'AES_GCM_') throw new Error('suite');
    const U = G2.fromBytes(ct.subarray(0, 96));
    const sigma = xor(ct.subarray(104, 136), sha256(gtBytes(bls.pairing(sig, U))));
    const esk = xor(ct.subarray(144, 176), sha256(sigma));
    if (!G2.BASE.multiply(h3(sigma, esk)).equals(U)) throw new Error('U != rG2');
    const d = createDecipheriv('aes-256-gcm', esk, ct.subarray(216 + m, 228 + m));
    d.setAuthTag(ct.subarray(192 + m, 208 + m));
    return Buffer.concat([d.update(ct.subarray(192, 192 + m)), d.final()]);
  }

  return { tle, tld, roundIdentity, gtBytes, DST };
}
