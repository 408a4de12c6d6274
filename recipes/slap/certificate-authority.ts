// slapos.cookbook:certificate_authority and certificate_authority.request
// (docs/slapos-recipes.md#certificate_authority), with Debian's openssl.
//
// certificate_authority: writes `serial` and `crlnumber` (`01`, once),
// `index.txt` (empty, once) and `openssl.cnf` in `ca-dir`, and the service
// `wrapper`. Where slapos.cookbook's wrapper is a Python script, tsbuildout
// writes a POSIX sh one doing the same every 60 s: create the CA (a
// self-signed certificate valid 10950 days, key in `ca-private`/cakey.pem,
// certificate in `ca-dir`/cacert.pem) when missing, then for every
// request file of `requests-directory` whose key or certificate is missing,
// create the key and a certificate signed by the CA.
//
// certificate_authority.request: writes the request file
// `<requests-directory>/<sha512 of name>` (INI: [certificate] name,
// key_file, certificate_file — the CA's `<hash>.key` / `<hash>.crt`), links
// `key-file` / `cert-file` to those, and the `wrapper` that waits for both
// then execs `executable` (one path, not split; a generic_exec script as
// slapos.cookbook's: lib/wrapper-script.ts). `key-content`/`cert-content`
// install a given key and certificate instead (no request, no wrapper).
// Returned: the two links and the wrapper (the request file stays), as the
// real recipe. update = install.
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RecipeModule } from '../api.ts';
import { createExecutable, createFile, willCreate } from '../lib/files.ts';
import { shellQuote } from '../lib/shlex.ts';
import { createWrapper } from '../lib/wrapper-script.ts';

export function opensslConf(o: { caDir: string; caPrivate: string; caCerts: string; caNewcerts: string; caCrl: string; country: string; email: string; state: string; city: string; company: string }): string {
  return `# written by tsbuildout (slapos.cookbook:certificate_authority)
[ ca ]
default_ca = CA_default

[ CA_default ]
dir = ${o.caDir}
certs = ${o.caCerts}
crl_dir = ${o.caCrl}
database = ${o.caDir}/index.txt
new_certs_dir = ${o.caNewcerts}
certificate = ${o.caDir}/cacert.pem
serial = ${o.caDir}/serial
crlnumber = ${o.caDir}/crlnumber
crl = ${o.caCrl}/crl.pem
private_key = ${o.caPrivate}/cakey.pem
default_days = 3650
default_crl_days = 30
default_md = sha256
preserve = no
policy = policy_anything
unique_subject = no
copy_extensions = copy

[ policy_anything ]
countryName = optional
stateOrProvinceName = optional
localityName = optional
organizationName = optional
organizationalUnitName = optional
commonName = supplied
emailAddress = optional

[ req ]
default_bits = 2048
default_md = sha256
distinguished_name = req_distinguished_name
x509_extensions = v3_ca
prompt = no

[ req_distinguished_name ]
C = ${o.country}
ST = ${o.state}
L = ${o.city}
O = ${o.company}
CN = Certificate Authority ${o.company}
emailAddress = ${o.email}

[ usr_cert ]
basicConstraints = CA:FALSE
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid,issuer

[ v3_ca ]
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always,issuer
basicConstraints = critical,CA:true
`;
}

export function caServiceText(openssl: string, conf: string, caPrivate: string, caDir: string, requests: string): string {
  const q = shellQuote;
  return `#!/bin/sh
# Certificate authority service written by tsbuildout
# (slapos.cookbook:certificate_authority): every 60 s, create the CA when
# missing, then a key and a certificate for every request without them.
set -u
openssl=${q(openssl)}
conf=${q(conf)}
key=${q(caPrivate + '/cakey.pem')}
cert=${q(caDir + '/cacert.pem')}
requests=${q(requests)}
value() { sed -n "s/^$1 *= *//p" "$2" | head -n 1; }
while :; do
  if [ ! -f "$key" ] || [ ! -f "$cert" ]; then
    "$openssl" req -nodes -config "$conf" -new -x509 -extensions v3_ca -keyout "$key" -out "$cert" -days 10950 2>&1 || true
  fi
  for request in "$requests"/*; do
    [ -f "$request" ] || continue
    name=$(value name "$request")
    rkey=$(value key_file "$request")
    rcert=$(value certificate_file "$request")
    [ -n "$rkey" ] && [ -n "$rcert" ] || continue
    if [ ! -f "$rkey" ] || [ ! -f "$rcert" ]; then
      csr="$rkey.csr"
      "$openssl" req -nodes -newkey rsa:2048 -keyout "$rkey" -out "$csr" -subj "/CN=$name" 2>&1 &&
      "$openssl" ca -batch -config "$conf" -extensions usr_cert -in "$csr" -out "$rcert" 2>&1
      rm -f "$csr"
    fi
  done
  sleep 60
done
`;
}

export const certificateAuthority: RecipeModule = {
  names: ['slapos.cookbook:certificate_authority'],
  schema: {
    options: {
      'ca-dir': { doc: 'the CA directory (serial, index.txt, openssl.cnf)' },
      'requests-directory': { doc: 'where certificate_authority.request writes requests' },
      'ca-private': { doc: 'private keys' },
      'ca-certs': { doc: 'certificates' },
      'ca-newcerts': { doc: 'newly issued certificates' },
      'ca-crl': { doc: 'revocation lists' },
      wrapper: { doc: 'the service to write' },
      'openssl-binary': { doc: 'openssl (default: openssl on PATH)' },
      'country-code': { doc: 'CA subject C', default: 'XX' },
      email: { doc: 'CA subject emailAddress', default: 'xx@example.com' },
      state: { doc: 'CA subject ST', default: 'State' },
      city: { doc: 'CA subject L', default: 'City' },
      company: { doc: 'CA subject O', default: 'Company' },
    },
    required: ['ca-dir', 'requests-directory', 'ca-private', 'ca-certs', 'ca-newcerts', 'ca-crl', 'wrapper'],
    generated: [],
  },
  init({ options }) {
    const o = {
      caDir: options.require('ca-dir'),
      caPrivate: options.require('ca-private'),
      caCerts: options.require('ca-certs'),
      caNewcerts: options.require('ca-newcerts'),
      caCrl: options.require('ca-crl'),
      country: options.get('country-code') || 'XX',
      email: options.get('email') || 'xx@example.com',
      state: options.get('state') || 'State',
      city: options.get('city') || 'City',
      company: options.get('company') || 'Company',
    };
    const requests = options.require('requests-directory');
    const wrapper = options.require('wrapper');
    const openssl = options.get('openssl-binary') || 'openssl';
    const install = () => {
      for (const d of [o.caDir, o.caPrivate, o.caCerts, o.caNewcerts, o.caCrl, requests]) mkdirSync(d, { recursive: true });
      for (const [f, text] of [['serial', '01'], ['crlnumber', '01'], ['index.txt', '']] as const) {
        const p = join(o.caDir, f);
        if (!existsSync(p)) writeFileSync(p, text);
      }
      // as the real recipe: openssl.cnf 0600 and not returned; the service 0755 (a console script there)
      const conf = createFile(join(o.caDir, 'openssl.cnf'), opensslConf(o), 0o600);
      return [createExecutable(wrapper, caServiceText(openssl, conf, o.caPrivate, o.caDir, requests), 0o755)];
    };
    return { install, update: install };
  },
};

function link(path: string, target: string): void {
  try {
    const s = lstatSync(path);
    if (s.isSymbolicLink() && readlinkSync(path) === target) return;
    rmSync(path, { force: true });
  } catch {
    // not there
  }
  willCreate(path);
  symlinkSync(target, path);
}

export const certificateAuthorityRequest: RecipeModule = {
  names: ['slapos.cookbook:certificate_authority.request'],
  schema: {
    options: {
      'key-file': { doc: 'link to the issued key' },
      'cert-file': { doc: 'link to the issued certificate' },
      name: { doc: 'the certificate name (default: the section name)' },
      'requests-directory': { doc: "the CA's requests directory" },
      'ca-private': { doc: "the CA's private keys" },
      'ca-certs': { doc: "the CA's certificates" },
      executable: { doc: 'the service started once key and certificate exist' },
      wrapper: { doc: 'the service to write' },
      'key-content': { doc: 'a key given rather than issued' },
      'cert-content': { doc: 'a certificate given rather than issued' },
      // options of the authority, usually inherited through a macro, not read
      'ca-dir': {},
      'ca-newcerts': {},
      'ca-crl': {},
    },
    required: ['key-file', 'cert-file', 'requests-directory', 'ca-private', 'ca-certs'],
    generated: [],
  },
  init({ name, options, buildout }) {
    const python = buildout.section('buildout').get('executable');
    // Request._options: the name defaults to the part's, recorded
    if (!options.has('name')) options.set('name', name);
    const certName = options.require('name');
    const hash = createHash('sha512').update(certName).digest('hex');
    const requests = options.require('requests-directory');
    const key = join(options.require('ca-private'), hash + '.key');
    const cert = join(options.require('ca-certs'), hash + '.crt');
    const keyFile = options.require('key-file');
    const certFile = options.require('cert-file');
    const keyContent = options.get('key-content');
    const certContent = options.get('cert-content');
    const install = () => {
      // as the real Request.install: a given key and certificate, or a request and the wrapper waiting for them
      const requestNeeded = !(keyContent && certContent);
      if (!requestNeeded) {
        writeFileSync(key, keyContent!);
        writeFileSync(cert, certContent!);
      } else {
        writeFileSync(join(requests, hash), `[certificate]\nname = ${certName}\nkey_file = ${key}\ncertificate_file = ${cert}\n\n`);
      }
      link(keyFile, key);
      link(certFile, cert);
      const paths = [keyFile, certFile];
      if (requestNeeded) paths.push(createWrapper(options.require('wrapper'), { args: [options.require('executable')], waitFor: [cert, key], ...(python ? { python } : {}) }));
      return paths;
    };
    return { install, update: install };
  },
};
