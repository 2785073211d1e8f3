// bls_interop.mjs — the independent side of test_bls_interop: @noble/curves' BLS12-381
// (installed by the test under the build directory) plus the small drand-timelock
// encryptor/decryptor of bls_tle.mjs written on top of it (specs/bittensor.md 3.11).
// Usage: node bls_interop.mjs <install-dir> < commands
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
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeTle } from './bls_tle.mjs';

const dir = process.argv[2];
const load = (...p) => import(pathToFileURL(join(dir, 'node_modules', ...p)).href);
const { bls12_381: bls } = await load('@noble', 'curves', 'bls12-381.js');
const { Fp2, Fp12 } = bls.fields;
const G1 = bls.G1.Point;
const G2 = bls.G2.Point;
const { tle, tld, roundIdentity, DST } = makeTle(bls);

const unhex = (s) => (s === '-' ? new Uint8Array(0) : Uint8Array.from(Buffer.from(s, 'hex')));
const hex = (b) => Buffer.from(b).toString('hex');
const big = (s) => BigInt('0x' + s);
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
