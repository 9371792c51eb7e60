'use strict';
// Checks of DescribeSslVpnClientCert key material (SPEC 7.3) with the built-in crypto module:
// the client certificate is signed by CaCert, ClientKey is its key, CN = the cert ID, validity =
// CreateTime..EndTime truncated to seconds; ClientConfig names the server and embeds the same PEMs.

const assert = require('node:assert/strict');
const crypto = require('node:crypto');

const CERT_PEM_RE = /^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n?$/;
const KEY_PEM_RE = /^-----BEGIN PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END PRIVATE KEY-----\n?$/;

/** Epoch ms truncated to the second. */
const toSecond = (ms) => Math.floor(ms / 1000) * 1000;

function configBlock(config, tag) {
  const re = new RegExp(`^<${tag}>\\n([\\s\\S]*?)^</${tag}>$`, 'gm');
  const blocks = [...config.matchAll(re)].map((m) => m[1]);
  assert.equal(blocks.length, 1, `expected exactly one <${tag}> block in ClientConfig:\n${config}`);
  return blocks[0];
}

function subjectCN(x509) {
  // Node renders the subject as one "KEY=value" per line.
  return x509.subject.split('\n').filter((l) => l.startsWith('CN=')).map((l) => l.slice(3));
}

function spki(key) {
  return key.export({ type: 'spki', format: 'der' });
}

/**
 * Check body.{CaCert, ClientCert, ClientKey, ClientConfig}; `remote`, `port`, `proto`, `cipher`
 * are what ClientConfig must name. Returns {ca, cert, key, configLines}.
 */
function checkMaterial(body, { remote, port, proto, cipher = 'AES-128-CBC' }) {
  assert.match(body.CaCert, CERT_PEM_RE);
  assert.match(body.ClientCert, CERT_PEM_RE);
  assert.match(body.ClientKey, KEY_PEM_RE);
  const ca = new crypto.X509Certificate(body.CaCert);
  const cert = new crypto.X509Certificate(body.ClientCert);
  const key = crypto.createPrivateKey(body.ClientKey);

  for (const k of [ca.publicKey, cert.publicKey, key]) {
    assert.equal(k.asymmetricKeyType, 'ec');
    assert.equal(k.asymmetricKeyDetails.namedCurve, 'prime256v1');
  }
  assert.ok(cert.verify(ca.publicKey), 'ClientCert signature does not verify with the CA public key');
  assert.ok(cert.checkIssued(ca), 'ClientCert is not issued by CaCert');
  assert.equal(cert.issuer, ca.subject);
  assert.ok(cert.checkPrivateKey(key), 'ClientKey does not match ClientCert');
  assert.deepEqual(spki(crypto.createPublicKey(key)), spki(cert.publicKey));

  assert.deepEqual(subjectCN(cert), [body.SslVpnClientCertId]);
  assert.equal(new Date(cert.validFrom).getTime(), toSecond(body.CreateTime), `validFrom ${cert.validFrom}`);
  assert.equal(new Date(cert.validTo).getTime(), toSecond(body.EndTime), `validTo ${cert.validTo}`);

  const config = body.ClientConfig;
  const lines = config.split(/\r?\n/);
  for (const line of ['client', 'dev tun', `proto ${proto}`, `remote ${remote} ${port}`, `cipher ${cipher}`]) {
    assert.equal(lines.filter((l) => l === line).length, 1, `${JSON.stringify(line)} not exactly once in ClientConfig:\n${config}`);
  }
  assert.deepEqual(lines.filter((l) => l.startsWith('proto ')), [`proto ${proto}`]);
  assert.deepEqual(lines.filter((l) => l.startsWith('remote ')), [`remote ${remote} ${port}`]);
  assert.equal(configBlock(config, 'ca').trim(), body.CaCert.trim());
  assert.equal(configBlock(config, 'cert').trim(), body.ClientCert.trim());
  assert.equal(configBlock(config, 'key').trim(), body.ClientKey.trim());
  assert.equal(new crypto.X509Certificate(configBlock(config, 'cert')).fingerprint256, cert.fingerprint256);
  return { ca, cert, key, configLines: lines };
}

module.exports = { checkMaterial, toSecond };
