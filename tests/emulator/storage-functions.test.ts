import assert from 'node:assert/strict';
import type { RunningEmulator } from '../../emulator/server';
import { sdkFor, startTestEmulator } from '../helpers/emulator';

describe('emulator storage and functions through @cloudbase/node-sdk', () => {
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startTestEmulator();
  });
  after(() => emulator.close());

  it('uploads, hands out a temporary URL, downloads and deletes a file', async () => {
    const app = sdkFor(emulator);
    const content = Buffer.from('会员导入 测试文件 ✓');
    const { fileID } = await app.uploadFile({ cloudPath: 'imports/测试 文件.txt', fileContent: content });
    assert.match(fileID, /^cloud:\/\/local-dev\.local-bucket\/imports\//);

    const { fileList } = await app.getTempFileURL({ fileList: [{ fileID, maxAge: 60 }] });
    assert.equal(fileList[0].code, 'SUCCESS');
    const viaUrl = await fetch(fileList[0].tempFileURL);
    assert.equal(viaUrl.status, 200);
    assert.equal(Buffer.from(await viaUrl.arrayBuffer()).toString(), content.toString());

    const downloaded = await app.downloadFile({ fileID });
    assert.equal(Buffer.from(downloaded.fileContent as Buffer).toString(), content.toString());

    const deleted = await app.deleteFile({ fileList: [fileID] });
    assert.equal(deleted.fileList[0].code, 'SUCCESS');
    const after = await app.getTempFileURL({ fileList: [{ fileID, maxAge: 60 }] });
    assert.equal(after.fileList[0].code, 'STORAGE_FILE_NONEXIST');
  });

  it('refuses a temporary URL whose signature was tampered with', async () => {
    const app = sdkFor(emulator);
    const { fileID } = await app.uploadFile({ cloudPath: 'qr/a.png', fileContent: Buffer.from('png') });
    const { fileList } = await app.getTempFileURL({ fileList: [{ fileID, maxAge: 60 }] });
    const forged = fileList[0].tempFileURL.replace(/sign=[0-9a-f]{4}/, 'sign=0000');
    assert.equal((await fetch(forged)).status, 403);
    const otherFile = fileList[0].tempFileURL.replace('/qr/a.png', '/qr/b.png');
    assert.equal((await fetch(otherFile)).status, 403);
  });

  it('refuses cloud paths that climb out of the bucket', async () => {
    await assert.rejects(sdkFor(emulator).uploadFile({ cloudPath: '../../etc/passwd', fileContent: Buffer.from('x') }));
  });

  it('callFunction delivers the caller identity to getCloudbaseContext(context)', async () => {
    const asMember = await sdkFor(emulator, 'o-member-1').callFunction({ name: 'system', data: { action: 'ping' } });
    assert.deepEqual((asMember.result as { ok: boolean; data: { hasIdentity: boolean } }).data.hasIdentity, true);
    const asServer = await sdkFor(emulator).callFunction({ name: 'system', data: { action: 'ping' } });
    assert.equal((asServer.result as { data: { hasIdentity: boolean } }).data.hasIdentity, false);
  });

  it('a function can call another function; the inner call is a server call without the user identity', async () => {
    const res = await sdkFor(emulator, 'o-member-2').callFunction({
      name: 'relay',
      data: { target: 'system', data: { action: 'ping' } },
    });
    const result = res.result as { relayedBy: string; inner: { ok: boolean; data: { hasIdentity: boolean } } };
    assert.equal(result.relayedBy, 'o-member-2');
    assert.equal(result.inner.ok, true);
    assert.equal(result.inner.data.hasIdentity, false);
  });

  it('the HTTP gateway takes the dev identity header and answers like wx.cloud.callFunction', async () => {
    const res = await fetch(`${emulator.gatewayUrl}/system`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-emulator-openid': 'o-gateway' },
      body: JSON.stringify({ action: 'ping' }),
    });
    const body = (await res.json()) as { errMsg: string; result: { ok: boolean; data: { hasIdentity: boolean } } };
    assert.equal(body.errMsg, 'cloud.callFunction:ok');
    assert.equal(body.result.data.hasIdentity, true);
    const call = emulator.functions.calls.find((c) => c.openid === 'o-gateway');
    assert.ok(call, 'the call should be in the inspector call log');
  });

  it('an unknown function and an unknown action give clear errors', async () => {
    await assert.rejects(
      sdkFor(emulator).callFunction({ name: 'nope', data: {} }),
      (err: { code?: string }) => err.code === 'FUNCTIONS_NOT_FOUND',
    );
    const res = await sdkFor(emulator, 'o1').callFunction({ name: 'system', data: { action: 'format-disk' } });
    assert.deepEqual(res.result, {
      ok: false,
      error: { code: 'UNKNOWN_ACTION', message: '不支持的操作，请升级小程序后重试' },
    });
  });

  it('an old client is told its version is too low', async () => {
    const res = await sdkFor(emulator, 'o1').callFunction({
      name: 'system',
      data: { action: 'ping', clientVersion: '0.9.0' },
    });
    const result = res.result as { ok: boolean; error: { code: string; message: string } };
    assert.equal(result.error.code, 'CLIENT_TOO_OLD');
    assert.match(result.error.message, /版本过低/);
  });

  it('the outbox records and updates entries over HTTP', async () => {
    const recorded = await fetch(`${emulator.baseUrl}/_/outbox/sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ payload: { phone: '13800138000', text: '验证码 123456' } }),
    });
    const entry = (await recorded.json()) as { id: string };
    const list = (await (await fetch(`${emulator.baseUrl}/_/outbox?kind=sms`)).json()) as {
      entries: Array<{ id: string; payload: { text: string } }>;
    };
    assert.equal(list.entries[0].id, entry.id);
    assert.equal(list.entries[0].payload.text, '验证码 123456');
    const patched = await fetch(`${emulator.baseUrl}/_/outbox/entry/${entry.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ delivered: true }),
    });
    assert.deepEqual(((await patched.json()) as { state: unknown }).state, { delivered: true });
    assert.equal((await fetch(`${emulator.baseUrl}/_/outbox?kind=carrier-pigeon`)).status, 400);
  });
});
