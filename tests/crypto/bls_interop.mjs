// bls_interop.mjs — the independent side of test_bls_interop: @noble/curves' BLS12-381
// (installed by the test under the build directory) plus a small drand-timelock
// encryptor/decryptor written here on top of it, following specs/bittensor.md 3.11 (node's own
// crypto module for SHA-256 and AES-256-GCM). Usage: node bls_interop.mjs <install-dir> < commands
//
// One command per input line, one answer per output line ("error <why>" on failure).
// Field elements and byte strings are hex, big-endian: Fp2 = c0 || c1, Fp12 = 12 Fp in tower order.
//   fp2mul <a> <b> | fp2sqr <a> | fp2inv <a>       -> Fp2
//   fp12mul <a> <b> | fp12inv <a> | fp12frob <a>    -> Fp12
//   fexp <a>                                        -> final exponentiation of a
//   g1mul <k> | g2mul <k>                           -> k * generator, compressed
//   g1aff <point> | g2aff <point>                   -> "<x> <y> <re-encoded>" of a compressed point
//   pair <k1> <k2>                                  -> e(k1 G1, k2 G2) as Fp12
//   h2c <msg>                                       -> hash_to_G1 with the quicknet DST, compressed
//   tledec <sk> <round> <ciphertext>                -> plaintext, with sig = sk * H(round)
//   tleenc <pk> <round> <msg>                       -> a fresh timelock ciphertext
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = process.argv[2];
const load = (...p) => import(pathToFileURL(join(dir, 'node_modules', ...p)).href);
const { bls12_381: bls } = await load('@noble', 'curves', 'bls12-381.js');
const { Fp2, Fp12, Fr } = bls.fields;
const G1 = bls.G1.Point;
const G2 = bls.G2.Point;
const DST = 'BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_';

const unhex = (s) => (s === '-' ? new Uint8Array(0) : Uint8Array.from(Buffer.from(s, 'hex')));
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

const fp2 = (s) => Fp2.fromBytes(unhex(s));
const fp12 = (s) => Fp12.fromBytes(unhex(s));

const out = [];
for (const line of readFileSync(0, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const [cmd, ...a] = line.trim().split(' ');
  try {
    switch (cmd) {
      case 'fp2mul': out.push(hex(Fp2.toBytes(Fp2.mul(fp2(a[0]), fp2(a[1]))))); break;
      case 'fp2sqr': out.push(hex(Fp2.toBytes(Fp2.sqr(fp2(a[0]))))); break;
      case 'fp2inv': out.push(hex(Fp2.toBytes(Fp2.inv(fp2(a[0]))))); break;
      case 'fp12mul': out.push(hex(Fp12.toBytes(Fp12.mul(fp12(a[0]), fp12(a[1]))))); break;
      case 'fp12inv': out.push(hex(Fp12.toBytes(Fp12.inv(fp12(a[0]))))); break;
      case 'fp12frob': out.push(hex(Fp12.toBytes(Fp12.frobeniusMap(fp12(a[0]), 1)))); break;
      case 'fexp': out.push(hex(Fp12.toBytes(Fp12.finalExponentiate(fp12(a[0]))))); break;
      case 'g1mul': out.push(hex(G1.BASE.multiply(big(a[0])).toBytes(true))); break;
      case 'g2mul': out.push(hex(G2.BASE.multiply(big(a[0])).toBytes(true))); break;
      case 'g1aff': {
        const p = G1.fromBytes(unhex(a[0])), q = p.toAffine();
        out.push([q.x, q.y].map((v) => v.toString(16).padStart(96, '0')).join(' ') + ' ' +
          hex(p.toBytes(true)));
        break;
      }
      case 'g2aff': {
        const p = G2.fromBytes(unhex(a[0])), q = p.toAffine();
        out.push(hex(Fp2.toBytes(q.x)) + ' ' + hex(Fp2.toBytes(q.y)) + ' ' + hex(p.toBytes(true)));
        break;
      }
      case 'pair': {
        const e = bls.pairing(G1.BASE.multiply(big(a[0])), G2.BASE.multiply(big(a[1])));
        out.push(hex(Fp12.toBytes(e)));
        break;
      }
      case 'h2c': out.push(hex(bls.G1.hashToCurve(unhex(a[0]), { DST }).toBytes(true))); break;
      case 'tledec': {
        const sig = roundIdentity(BigInt(a[1])).multiply(big(a[0]));
        out.push(hex(tld(sig, unhex(a[2]))) || '-');
        break;
      }
      case 'tleenc': out.push(hex(tle(G2.fromBytes(unhex(a[0])), BigInt(a[1]), unhex(a[2])))); break;
      default: out.push('error unknown command ' + cmd);
    }
  } catch (e) {
    out.push('error ' + String(e.message || e).replace(/\s+/g, ' '));
  }
}
process.stdout.write(out.join('\n') + '\n');
