// sr25519_interop.mjs — the independent side of test_sr25519_interop: @scure/sr25519 (and
// @scure/bip39 + @noble/hashes for Substrate's mnemonic rule), installed by the test under
// the build directory. Usage: node sr25519_interop.mjs <install-dir> < commands
//
// One command per input line, one answer per output line ("error <why>" on failure).
// Byte strings are hex; "-" is the empty string.
//   pub <mini>                      -> public key of the mini secret (ExpandEd25519)
//   sign <mini> <msg> [<random32>]  -> signature (random nonce unless random32 is given)
//   verify <pub> <msg> <sig>        -> 1 or 0
//   phrase <word+word+...>          -> "<mini> <pub>" by substrate-bip39 (no passphrase)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = process.argv[2];
const load = (...p) => import(pathToFileURL(join(dir, 'node_modules', ...p)).href);
const sr = await load('@scure', 'sr25519', 'index.js');
const bip39 = await load('@scure', 'bip39', 'index.js');
const { wordlist } = await load('@scure', 'bip39', 'wordlists', 'english.js');
const { pbkdf2 } = await load('@noble', 'hashes', 'pbkdf2.js');
const { sha512 } = await load('@noble', 'hashes', 'sha2.js');

const unhex = (s) => (s === '-' ? new Uint8Array(0) : Uint8Array.from(Buffer.from(s, 'hex')));
const hex = (b) => Buffer.from(b).toString('hex');

const out = [];
for (const line of readFileSync(0, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const [cmd, ...a] = line.trim().split(' ');
  try {
    if (cmd === 'pub') {
      out.push(hex(sr.getPublicKey(sr.secretFromSeed(unhex(a[0])))));
    } else if (cmd === 'sign') {
      const sk = sr.secretFromSeed(unhex(a[0]));
      out.push(hex(a[2] ? sr.sign(sk, unhex(a[1]), unhex(a[2])) : sr.sign(sk, unhex(a[1]))));
    } else if (cmd === 'verify') {
      // @scure/sr25519 throws (rather than answering false) when R is not a point
      let valid = false;
      try {
        valid = sr.verify(unhex(a[1]), unhex(a[2]), unhex(a[0]));
      } catch {
        valid = false;
      }
      out.push(valid ? '1' : '0');
    } else if (cmd === 'phrase') {
      const entropy = bip39.mnemonicToEntropy(a[0].split('+').join(' '), wordlist);
      const seed = pbkdf2(sha512, entropy, new TextEncoder().encode('mnemonic'), { c: 2048, dkLen: 64 });
      const mini = seed.subarray(0, 32);
      out.push(hex(mini) + ' ' + hex(sr.getPublicKey(sr.secretFromSeed(mini))));
    } else {
      out.push('error unknown command ' + cmd);
    }
  } catch (e) {
    out.push('error ' + String(e.message || e).replace(/\n/g, ' '));
  }
}
process.stdout.write(out.join('\n') + '\n');
