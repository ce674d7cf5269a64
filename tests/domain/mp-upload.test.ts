import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { MIN_BASE_LIBRARY, report, stage, uploadConfig } from '../../scripts/mp-upload';

const ROOT = path.join(__dirname, '..', '..');
const RELEASE = {
  WX_APPID: 'wx0123456789abcdef',
  TCB_ENV_ID: 'union-prod-7k8l9m',
  SUBSCRIBE_TEMPLATE_REVIEW_RESULT: 'qZvoiRFqRGhPjQsrbr0XhHGsBzNM3cJdMqMhzyc4UcE',
};

describe('npm run mp:upload', function () {
  this.timeout(60_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-upload-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('names every missing or malformed release setting', () => {
    assert.throws(
      () => uploadConfig({ WX_APPID: 'touristappid' }, true),
      (err: Error) => {
        assert.match(err.message, /WX_APPID must be the mini-program AppID/);
        assert.match(err.message, /TCB_ENV_ID is not set/);
        assert.match(err.message, /SUBSCRIBE_TEMPLATE_REVIEW_RESULT is not set/);
        assert.match(err.message, /MP_UPLOAD_KEY must be the path of the code-upload private key file/);
        return true;
      },
    );
    assert.equal(uploadConfig(RELEASE, false).appid, RELEASE.WX_APPID, 'a dry run needs no key');
  });

  it('stages the tested build with the AppID, environment and template from configuration, and measures it', () => {
    const staged = stage(uploadConfig(RELEASE, false), dir);
    const project = JSON.parse(fs.readFileSync(path.join(dir, 'project.config.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    assert.equal(project.appid, RELEASE.WX_APPID);
    assert.equal(project.libVersion, MIN_BASE_LIBRARY);
    assert.match(
      fs.readFileSync(path.join(dir, 'miniprogram', 'config.js'), 'utf8'),
      /^exports\.CLOUD_ENV = 'union-prod-7k8l9m';$/m,
    );
    assert.match(
      fs.readFileSync(path.join(dir, 'miniprogram', 'utils', 'ui.js'), 'utf8'),
      new RegExp(`^exports\\.REVIEW_NOTICE_TEMPLATE = '${RELEASE.SUBSCRIBE_TEMPLATE_REVIEW_RESULT}';$`, 'm'),
    );
    // The repository's own files are untouched.
    assert.match(
      fs.readFileSync(path.join(ROOT, 'dist', 'miniprogram', 'config.js'), 'utf8'),
      /exports\.CLOUD_ENV = 'union-prod-0g1h2i3j'/,
    );
    assert.deepEqual(
      staged.packages.map((p) => p.root),
      ['main', 'admin'],
    );
    const lines: string[] = [];
    report(staged, (l) => void lines.push(l));
    assert.match(lines[0], /^ {2}main +\d+\.\d KB {2}limit 2048\.0 KB/);
  });

  it('--dry-run packs and reports without uploading', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [require.resolve('ts-node/dist/bin'), '--transpile-only', 'scripts/mp-upload.ts', '--dry-run'],
      { cwd: ROOT, env: { ...process.env, ...RELEASE } },
    );
    assert.match(stdout, /staged dist\/miniprogram for wx0123456789abcdef → CloudBase union-prod-7k8l9m/);
    assert.match(stdout, /dry run: nothing uploaded/);
  });
});
