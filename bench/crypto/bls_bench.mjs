// bls_bench.mjs — the @noble/curves side of bench_bls: the same three operations, timed in
// node on the same machine. Usage: node bls_bench.mjs <install-dir> <runs> <payload-bytes>
// Prints "pairing <wall ms> <cpu ms>", likewise "hash_to_g1" and "encrypt" (medians of <runs>
// timed runs; CPU time is the whole process's, from process.cpuUsage).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeTle } from '../../tests/crypto/bls_tle.mjs';

const [dir, runsArg, payloadArg] = process.argv.slice(2);
const runs = Number(runsArg), payload = Number(payloadArg);
const { bls12_381: bls } = await import(
  pathToFileURL(join(dir, 'node_modules', '@noble', 'curves', 'bls12-381.js')).href);
const { tle, DST } = makeTle(bls);
const pk = bls.G2.Point.fromHex(
  '83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3ac6a5776a2d' +
  '1064510d1fec758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8' +
  '991ef5ece45a');
const P = bls.G1.Point.BASE.multiply(0x1234567890abcdefn), Q = bls.G2.Point.BASE.multiply(0xfedcba987n);
const msg = new Uint8Array(payload).fill(7);

const mid = (t) => {
  t.sort((a, b) => a - b);
  return runs % 2 ? t[(runs - 1) / 2] : (t[runs / 2 - 1] + t[runs / 2]) / 2;
};

// "<wall ms> <cpu ms>": medians of wall-clock time and of the process's CPU time
function median(f, warm) {
  for (let i = 0; i < warm; i++) f(i);
  const w = [], c = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage(), t0 = performance.now();
    f(i);
    w.push(performance.now() - t0);
    const d = process.cpuUsage(c0);
    c.push((d.user + d.system) / 1000);
  }
  return mid(w).toFixed(4) + ' ' + mid(c).toFixed(4);
}

// generous warm-up: the JIT needs a few dozen calls before noble reaches its steady speed
console.log('pairing', median(() => bls.pairing(P, Q), 40));
console.log('hash_to_g1', median((i) => bls.G1.hashToCurve(new Uint8Array([i & 255, i >> 8]), { DST }), 200));
// the key is decoded from its bytes on every run, as proctor's pc_tle_encrypt does
console.log('encrypt', median((i) => tle(bls.G2.Point.fromBytes(pk.toBytes(true)), 1000 + i, msg), 20));
