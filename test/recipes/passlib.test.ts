// The password hashes of generate.password's passwd-<scheme>
// (recipes/lib/passlib.ts) against the C library's crypt(3) through
// Python's crypt module, with fixed salts and rounds (Ulrich Drepper's
// SHA-crypt test vectors among them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { md5Crypt, PASSLIB_ROUNDS, passlibHash, shaCrypt } from '../../recipes/lib/passlib.ts';

test('SHA-crypt: the specification\'s test vectors', () => {
  assert.equal(shaCrypt(512, 'Hello world!', 'saltstring', 5000), '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1');
  assert.equal(shaCrypt(256, 'Hello world!', 'saltstring', 5000), '$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5');
  assert.equal(shaCrypt(512, 'Hello world!', 'saltstringsaltstring', 10000), '$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.');
  assert.equal(shaCrypt(256, 'we have a short salt string but not a short password', 'short', 77777), '$5$rounds=77777$short$JiO1O3ZpDAxGJeaDIuqCoEFysAe1mZNJRs3pw0KQRd/');
  assert.equal(shaCrypt(256, 'the minimum number is still observed', 'roundstoolow', 1000), '$5$rounds=1000$roundstoolow$yfvwcWrQ8l/K0DAWyuPMDNHpIVlTQebY9l/gL972bIC');
});

const crypt = (password: string, setting: string) => {
  const r = spawnSync('/usr/bin/python3', ['-W', 'ignore', '-c', 'import crypt, sys; print(crypt.crypt(sys.argv[1], sys.argv[2]))', password, setting], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
};
const skip = crypt('x', '$1$ab') === undefined ? "no Python crypt module (Python ≥ 3.13 or none)" : false;

test('sha256_crypt, sha512_crypt, md5_crypt: as crypt(3), long and non-ASCII passwords too', { skip }, () => {
  for (const password of ['', 'p', 'a much longer password than any hash block, some 70 characters long', 'mötley crüe ✓']) {
    assert.equal(shaCrypt(256, password, 'abcdefghijklmnop', 7000), crypt(password, '$5$rounds=7000$abcdefghijklmnop'));
    assert.equal(shaCrypt(512, password, 'ABCDEFGH./012345', 5000), crypt(password, '$6$ABCDEFGH./012345'));
    assert.equal(md5Crypt(password, 'saltsalt'), crypt(password, '$1$saltsalt'));
  }
});

test("passlib's schemes by name, random salts; an unknown scheme is undefined", () => {
  // passlib's rounds (656000: seconds here, the rounds given lower; generate.password's test uses sha256's)
  assert.deepEqual(PASSLIB_ROUNDS, { sha256_crypt: 535000, sha512_crypt: 656000 });
  assert.match(passlibHash('sha512-crypt', 'x', { sha512_crypt: 6000 })!, /^\$6\$rounds=6000\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
  assert.match(passlibHash('md5_crypt', 'x')!, /^\$1\$[./0-9A-Za-z]{8}\$[./0-9A-Za-z]{22}$/);
  assert.equal(passlibHash('ldap-sha1', 'secret'), '{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=');
  assert.equal(passlibHash('hex-md5', 'secret'), '5ebe2294ecd0e0f08eab7690d2a6ee69');
  assert.notEqual(passlibHash('ldap-salted-sha1', 'x'), passlibHash('ldap-salted-sha1', 'x'));
  assert.equal(passlibHash('bcrypt-sha3', 'x'), undefined);
});
