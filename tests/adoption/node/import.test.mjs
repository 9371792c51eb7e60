// The same package from an ES module: `import { start }`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { start } from 'aliyun-vpc-emulator';

test('start() from an ES module', async () => {
  const emu = await start();
  try {
    assert.match(emu.endpoint, /^127\.0\.0\.1:\d+$/);
    assert.equal((await emu.health()).status, 'ok');
    assert.equal((await emu.state()).SslVpnClientCerts[0].Name, 'cert1');
  } finally {
    await emu.stop();
  }
});
