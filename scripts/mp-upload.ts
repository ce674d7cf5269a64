/**
 * `npm run mp:upload [-- --dry-run]`: uploads the mini-program that `npm run build` compiled into
 * dist/miniprogram (the tree the page tests ran against) as a development version, with miniprogram-ci
 * and the code-upload key. Nothing is edited by hand: the AppID, the CloudBase environment and the
 * subscribe template come from configuration and are written into a staged copy:
 *
 *   WX_APPID                          the mini-program AppID
 *   TCB_ENV_ID                        the CloudBase environment the client calls
 *   SUBSCRIBE_TEMPLATE_REVIEW_RESULT  the template the client asks the user to subscribe to
 *   MP_UPLOAD_KEY                     path of the code-upload private key (公众平台 → 开发管理 → 开发设置 →
 *                                     小程序代码上传), kept outside the repository; add this machine's IP to its whitelist
 *   MP_VERSION / MP_DESC              optional: version (default package.json's) and description
 *
 * `--dry-run` stages, checks and reports the package sizes against WeChat's limits without uploading.
 *
 * miniprogram-ci is not a dependency: it pulls in about 950 packages, most of them old, for a step
 * only the release operator runs. The first upload installs the pinned version into
 * .cache/miniprogram-ci (outside the app's node_modules), so `npm ci` and the tests never carry it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { MP_OUT, packageSizes, type MiniprogramBuild } from './build-miniprogram';
import { ROOT } from './lib/runtime';

export const MINIPROGRAM_CI_VERSION = '2.1.42';
/** wx.requestFacialVerify (人脸核身 v2) exists from base library 3.8.12. */
export const MIN_BASE_LIBRARY = '3.8.12';
const BUILT = MP_OUT;

export interface UploadConfig {
  appid: string;
  envId: string;
  reviewTemplate: string;
  keyPath?: string;
  version: string;
  desc: string;
}

/** Reads and checks the release configuration; every problem names its variable. */
export function uploadConfig(env: NodeJS.ProcessEnv, needKey: boolean): UploadConfig {
  const problems: string[] = [];
  const need = (name: string, pattern: RegExp, shape: string): string => {
    const v = (env[name] ?? '').trim();
    if (!v) problems.push(`${name} is not set (${shape})`);
    else if (!pattern.test(v)) problems.push(`${name} must be ${shape}`);
    return v;
  };
  const appid = need('WX_APPID', /^wx[0-9a-f]{16}$/, 'the mini-program AppID: wx followed by 16 hex digits');
  const envId = need('TCB_ENV_ID', /^[a-z0-9][a-z0-9-]{3,40}$/, 'the CloudBase environment id');
  const reviewTemplate = need(
    'SUBSCRIBE_TEMPLATE_REVIEW_RESULT',
    /^[A-Za-z0-9_-]{20,64}$/,
    'the subscribe-message template id',
  );
  const keyPath = env.MP_UPLOAD_KEY?.trim();
  if (needKey && (!keyPath || !fs.existsSync(keyPath)))
    problems.push(
      `MP_UPLOAD_KEY must be the path of the code-upload private key file${keyPath ? ` (${keyPath} does not exist)` : ''}`,
    );
  if (problems.length) throw new Error(`mp:upload configuration:\n  ${problems.join('\n  ')}`);
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
  return {
    appid,
    envId,
    reviewTemplate,
    keyPath,
    version: env.MP_VERSION?.trim() || pkg.version,
    desc: env.MP_DESC?.trim() || `release ${env.MP_VERSION?.trim() || pkg.version}`,
  };
}

/** Replaces `exports.NAME = '…'` in a compiled file, exactly once, or fails. */
function setExport(file: string, name: string, value: string): void {
  const text = fs.readFileSync(file, 'utf8');
  const pattern = new RegExp(`^exports\\.${name} = '[^'\\n]*';$`, 'gm');
  const hits = text.match(pattern)?.length ?? 0;
  if (hits !== 1)
    throw new Error(
      `${path.relative(ROOT, file)}: expected one "exports.${name} = '…'", found ${hits}; rebuild with npm run build`,
    );
  fs.writeFileSync(file, text.replace(pattern, `exports.${name} = ${JSON.stringify(value).replace(/^"|"$/g, "'")};`));
}

/** A staged copy of the build, measured against WeChat's limits by the build's own measure. */
export interface StagedProject extends MiniprogramBuild {
  dir: string;
}

/** Copies dist/miniprogram into `dir` with the configuration written in, and measures it. */
export function stage(cfg: UploadConfig, dir: string): StagedProject {
  if (!fs.existsSync(path.join(BUILT, 'app.json')))
    throw new Error('dist/miniprogram is missing: run npm run build (and npm test) first');
  fs.rmSync(dir, { recursive: true, force: true });
  const mp = path.join(dir, 'miniprogram');
  fs.cpSync(BUILT, mp, { recursive: true });
  const localOn = /enabled:\s*true/.test(
    fs.readFileSync(path.join(mp, 'config.js'), 'utf8').split('exports.local')[1] ?? '',
  );
  if (localOn)
    throw new Error('miniprogram/config.ts has local.enabled = true: a release must call CloudBase, not the emulator');
  setExport(path.join(mp, 'config.js'), 'CLOUD_ENV', cfg.envId);
  setExport(path.join(mp, 'utils', 'ui.js'), 'REVIEW_NOTICE_TEMPLATE', cfg.reviewTemplate);
  const project = JSON.parse(fs.readFileSync(path.join(ROOT, 'project.config.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const setting = { ...(project.setting as Record<string, unknown>) };
  // dist/miniprogram is already JavaScript: DevTools' TypeScript plugin has nothing to do.
  delete setting.useCompilerPlugins;
  fs.writeFileSync(
    path.join(dir, 'project.config.json'),
    `${JSON.stringify({ ...project, appid: cfg.appid, miniprogramRoot: 'miniprogram/', cloudfunctionRoot: undefined, libVersion: MIN_BASE_LIBRARY, setting }, null, 2)}\n`,
  );

  const { packages, totalBytes, totalLimit } = packageSizes(mp);
  return { dir, packages, totalBytes, totalLimit };
}

/** The pinned miniprogram-ci, installed on first use outside the app's node_modules. */
function miniprogramCi(): unknown {
  const prefix = path.join(ROOT, '.cache', 'miniprogram-ci');
  const entry = path.join(prefix, 'node_modules', 'miniprogram-ci');
  const installed =
    fs.existsSync(path.join(entry, 'package.json')) &&
    (JSON.parse(fs.readFileSync(path.join(entry, 'package.json'), 'utf8')) as { version: string }).version ===
      MINIPROGRAM_CI_VERSION;
  if (!installed) {
    console.log(`installing miniprogram-ci@${MINIPROGRAM_CI_VERSION} into .cache/miniprogram-ci (once)`);
    fs.mkdirSync(prefix, { recursive: true });
    execFileSync(
      'npm',
      [
        'install',
        '--prefix',
        prefix,
        '--no-save',
        '--no-audit',
        '--no-fund',
        `miniprogram-ci@${MINIPROGRAM_CI_VERSION}`,
      ],
      { stdio: 'inherit' },
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- installed at run time, so it cannot be a static import
  return require(entry) as unknown;
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

export function report(staged: StagedProject, log: (l: string) => void): boolean {
  let ok = true;
  for (const p of staged.packages) {
    const over = p.bytes > p.limit;
    ok &&= !over;
    log(`  ${p.root.padEnd(10)} ${kb(p.bytes).padStart(10)}  limit ${kb(p.limit)}${over ? '  OVER LIMIT' : ''}`);
  }
  log(`  ${'total'.padEnd(10)} ${kb(staged.totalBytes).padStart(10)}  limit ${kb(staged.totalLimit)}`);
  log(
    '  (files on disk; upload with ignoreUploadUnusedFiles keeps only what the pages reference, which npm run build reports)',
  );
  return ok && staged.totalBytes <= staged.totalLimit;
}

async function main(): Promise<void> {
  const dryRun = process.argv.includes('--dry-run');
  const cfg = uploadConfig(process.env, !dryRun);
  const staged = stage(cfg, path.join(ROOT, 'dist', 'upload'));
  console.log(
    `staged dist/miniprogram for ${cfg.appid} → CloudBase ${cfg.envId}, version ${cfg.version}, base library ≥ ${MIN_BASE_LIBRARY}:`,
  );
  if (!report(staged, console.log)) throw new Error("the package is over WeChat's size limits");
  if (dryRun) {
    console.log('dry run: nothing uploaded');
    return;
  }
  const ci = miniprogramCi() as {
    Project: new (o: Record<string, unknown>) => unknown;
    upload(o: Record<string, unknown>): Promise<unknown>;
  };
  const project = new ci.Project({
    appid: cfg.appid,
    type: 'miniProgram',
    projectPath: staged.dir,
    privateKeyPath: cfg.keyPath,
    ignores: ['node_modules/**/*'],
  });
  const result = await ci.upload({
    project,
    version: cfg.version,
    desc: cfg.desc,
    setting: { es6: true, minify: true, autoPrefixWXSS: true },
    onProgressUpdate: () => undefined,
  });
  console.log(`uploaded version ${cfg.version}: ${JSON.stringify(result)}`);
  console.log('next: 公众平台 → 版本管理 → 开发版本 → 提交审核');
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
