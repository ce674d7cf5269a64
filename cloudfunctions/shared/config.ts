/**
 * The one place the functions read their environment. Every variable is documented here with its
 * check; a function reads a group (keys, QR, face, SMS, subscribe, ...) when it first needs it, and a
 * wrong or missing variable throws a ConfigError naming it. The handler answers CONFIG_ERROR and logs
 * the variable once, so an operator sees "PII_ENC_KEY is still the placeholder {{env.PII_ENC_KEY}}"
 * instead of every call failing with 系统繁忙.
 *
 * Providers are chosen here, by configuration: the emulator sets FACE_PROVIDER / SMS_PROVIDER /
 * SUBSCRIBE_PROVIDER to `local` for the processes it runs; nothing guesses from the emulator's URL.
 */

export type Env = Record<string, string | undefined>;

/** Which function needs which group; cloudbaserc.json must give each function every variable of its groups. */
export type ConfigGroup = 'pii' | 'qr' | 'face' | 'sms' | 'subscribe' | 'import';

export interface VariableDoc {
  name: string;
  /** The groups that read it; `runtime` ones are set by CloudBase or the emulator, never by an operator. */
  groups: ReadonlyArray<ConfigGroup | 'runtime'>;
  /** What it is and where an operator gets it. */
  doc: string;
  /** A secret: never logged, never committed, only `{{env.X}}` in cloudbaserc.json. */
  secret: boolean;
  /** Only needed for this choice of provider. */
  when?: string;
}

export const CONFIG_VARIABLES: readonly VariableDoc[] = [
  {
    name: 'PII_ENC_KEY',
    groups: ['pii'],
    secret: true,
    doc: 'AES-256-GCM key for ID numbers and phones: 32 random bytes, base64. Losing it loses every ID number and phone.',
  },
  {
    name: 'PII_INDEX_KEY',
    groups: ['pii'],
    secret: true,
    doc: 'HMAC key of the blind indexes (lookups, uniqueness, SMS code hashes): 32 random bytes, base64. Changing it breaks every lookup.',
  },
  {
    name: 'QR_SIGNING_KEY',
    groups: ['qr'],
    secret: true,
    doc: 'HMAC key that signs registration QR codes and member cards: at least 32 random bytes, base64.',
  },
  {
    name: 'QR_BASE_URL',
    groups: ['qr'],
    secret: false,
    doc: 'https URL the QR codes carry, configured in 公众平台 → 开发管理 → 扫普通链接二维码打开小程序 to open pages/scan/index.',
  },
  {
    name: 'FACE_PROVIDER',
    groups: ['face'],
    secret: false,
    doc: '`wechat` (人脸核身 v2, default), `faceid` (Tencent Cloud FaceID, mini-program SDK) or `local` (emulator only).',
  },
  {
    name: 'FACEID_RULE_ID',
    groups: ['face'],
    secret: false,
    when: 'FACE_PROVIDER=faceid',
    doc: 'FaceID 业务流程 RuleId from the FaceID console (digits).',
  },
  {
    name: 'SMS_PROVIDER',
    groups: ['sms'],
    secret: false,
    doc: '`tencent` (Tencent Cloud SMS, default) or `local` (emulator only).',
  },
  {
    name: 'SMS_SDK_APP_ID',
    groups: ['sms'],
    secret: false,
    when: 'SMS_PROVIDER=tencent',
    doc: 'SMS application SdkAppId (1400…), Tencent Cloud console → 短信 → 应用管理.',
  },
  {
    name: 'SMS_SIGN_NAME',
    groups: ['sms'],
    secret: false,
    when: 'SMS_PROVIDER=tencent',
    doc: 'Approved SMS signature text, e.g. 某某市总工会.',
  },
  {
    name: 'SMS_TEMPLATE_ID',
    groups: ['sms'],
    secret: false,
    when: 'SMS_PROVIDER=tencent',
    doc: 'Approved verification-code template id; its parameters are {1} the code, {2} the minutes it is valid.',
  },
  {
    name: 'SUBSCRIBE_PROVIDER',
    groups: ['subscribe'],
    secret: false,
    doc: '`wechat` (subscribeMessage.send, default) or `local` (emulator only).',
  },
  {
    name: 'SUBSCRIBE_TEMPLATE_REVIEW_RESULT',
    groups: ['subscribe'],
    secret: false,
    when: 'SUBSCRIBE_PROVIDER=wechat',
    doc: 'Template id of the 审核结果通知 chosen in 公众平台 → 订阅消息; the same id goes to the mini-program.',
  },
  {
    name: 'SUBSCRIBE_FIELDS_REVIEW_RESULT',
    groups: ['subscribe'],
    secret: false,
    when: 'SUBSCRIBE_PROVIDER=wechat',
    doc: "The template's keys for 申请事项, 审核结果, 备注, comma-separated in that order (default thing1,phrase2,thing3).",
  },
  {
    name: 'WX_APPID',
    groups: ['face', 'subscribe'],
    secret: false,
    when: 'FACE_PROVIDER=wechat or SUBSCRIBE_PROVIDER=wechat',
    doc: 'The mini-program AppID (wx + 16 hex), 公众平台 → 开发管理 → 开发设置.',
  },
  {
    name: 'WX_APP_SECRET',
    groups: ['face', 'subscribe'],
    secret: true,
    when: 'FACE_PROVIDER=wechat or SUBSCRIBE_PROVIDER=wechat',
    doc: 'The mini-program AppSecret (32 hex), same page; for the server API access token.',
  },
  {
    name: 'TENCENTCLOUD_API_SECRET_ID',
    groups: ['sms', 'face'],
    secret: true,
    when: 'SMS_PROVIDER=tencent or FACE_PROVIDER=faceid',
    doc: 'SecretId of a CAM sub-user allowed only SMS SendSms and FaceID (AKID…).',
  },
  {
    name: 'TENCENTCLOUD_API_SECRET_KEY',
    groups: ['sms', 'face'],
    secret: true,
    when: 'SMS_PROVIDER=tencent or FACE_PROVIDER=faceid',
    doc: 'SecretKey of that sub-user.',
  },
  {
    name: 'SMS_GLOBAL_PER_MINUTE',
    groups: ['sms'],
    secret: false,
    doc: 'Most SMS codes the whole platform sends in a minute (default 300): a cap against SMS pumping, sized to the SMS package bought.',
  },
  {
    name: 'IMPORT_BUDGET_MS',
    groups: ['import'],
    secret: false,
    doc: "Milliseconds of import work per call, below the importer's timeout (default 2500).",
  },
  {
    name: 'TCB_SERVICE_URL',
    groups: ['runtime'],
    secret: false,
    doc: "Local only: the emulator's SDK endpoint. Unset in the cloud.",
  },
  {
    name: 'TCB_EMULATOR_URL',
    groups: ['runtime'],
    secret: false,
    doc: 'Local only: the emulator, where the local providers record their outbox.',
  },
  {
    name: 'TCB_ENV',
    groups: ['runtime'],
    secret: false,
    doc: 'Set by CloudBase (and the emulator): the current environment id.',
  },
];

/** The groups each deployed function reads; the cloudbaserc.json test holds the file to this. */
export const FUNCTION_GROUPS: Record<string, readonly ConfigGroup[]> = {
  system: [],
  account: ['pii', 'qr', 'face', 'sms'],
  review: ['pii', 'qr', 'subscribe'],
  org: ['pii', 'qr'],
  member: ['pii', 'qr'],
  admin: ['pii', 'qr'],
  importer: ['pii', 'qr', 'import'],
  // Deletes expired files and records; reads no personal data, so it gets no keys.
  cleanup: [],
};

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(`${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

const PLACEHOLDER = /\{\{\s*env\.[A-Za-z0-9_]+\s*\}\}/;

function read(env: Env, name: string): string | undefined {
  const v = env[name];
  if (v === undefined || v.trim() === '') return undefined;
  if (PLACEHOLDER.test(v))
    throw new ConfigError(
      name,
      `is still the placeholder ${v.match(PLACEHOLDER)?.[0]}: put ${name} in the .env beside cloudbaserc.json and deploy again`,
    );
  return v.trim();
}

function required(env: Env, name: string, why = 'is not set'): string {
  const v = read(env, name);
  if (v === undefined) throw new ConfigError(name, why);
  return v;
}

function matching(env: Env, name: string, pattern: RegExp, shape: string, why?: string): string {
  const v = required(env, name, why);
  if (!pattern.test(v)) throw new ConfigError(name, `must be ${shape}`);
  return v;
}

/** A random key, base64: exactly `bytes` long, or at least that long when `atLeast`. */
function key(env: Env, name: string, bytes: number, atLeast = false): Buffer {
  const v = required(env, name);
  const buf = /^[A-Za-z0-9+/]+={0,2}$/.test(v) ? Buffer.from(v, 'base64') : Buffer.alloc(0);
  if (atLeast ? buf.length < bytes : buf.length !== bytes) {
    throw new ConfigError(
      name,
      `must be ${atLeast ? 'at least ' : ''}${bytes} random bytes, base64 (it decodes to ${buf.length}); generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('base64'))"`,
    );
  }
  return buf;
}

function choice<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const v = read(env, name) ?? fallback;
  if (!(allowed as readonly string[]).includes(v))
    throw new ConfigError(name, `must be one of ${allowed.join(', ')} (it is ${v})`);
  return v as T;
}

/**
 * Each group is read once per distinct set of values: an import seals hundreds of thousands of values
 * with the same keys, and tests change the environment between runs.
 */
function memo<T>(names: readonly string[], build: (env: Env) => T): (env?: Env) => T {
  let cached: { stamp: string; value: T } | undefined;
  return (env = process.env) => {
    const stamp = names.map((n) => env[n] ?? '\u0000').join('\u0001');
    if (cached?.stamp !== stamp) cached = { stamp, value: build(env) };
    return cached.value;
  };
}

export interface PiiConfig {
  encKey: Buffer;
  indexKey: Buffer;
}

export const piiConfig = memo(['PII_ENC_KEY', 'PII_INDEX_KEY'], (env): PiiConfig => ({
  encKey: key(env, 'PII_ENC_KEY', 32),
  indexKey: key(env, 'PII_INDEX_KEY', 32),
}));

export interface QrConfig {
  signingKey: string;
  baseUrl: string;
}

export const qrConfig = memo(['QR_SIGNING_KEY', 'QR_BASE_URL', 'TCB_EMULATOR_URL'], (env): QrConfig => {
  key(env, 'QR_SIGNING_KEY', 32, true);
  const local = read(env, 'TCB_EMULATOR_URL') !== undefined;
  // Locally a made-up domain is fine: the page tests and DevTools read the token from the URL.
  const baseUrl = read(env, 'QR_BASE_URL') ?? (local ? 'https://union.example.cn/q' : undefined);
  if (!baseUrl)
    throw new ConfigError(
      'QR_BASE_URL',
      'is not set: the QR codes need the https URL configured in 公众平台 → 扫普通链接二维码打开小程序',
    );
  if (!/^https:\/\/[^\s?#]+$/.test(baseUrl))
    throw new ConfigError('QR_BASE_URL', 'must be an https URL without ? or #');
  return { signingKey: required(env, 'QR_SIGNING_KEY'), baseUrl };
});

export function emulatorUrl(env: Env = process.env): string {
  return required(
    env,
    'TCB_EMULATOR_URL',
    'is not set: a `local` provider only works inside the emulator; choose a real provider in the cloud',
  ).replace(/\/$/, '');
}

export interface WechatCredentials {
  appid: string;
  secret: string;
}

export const wechatCredentials = memo(['WX_APPID', 'WX_APP_SECRET'], (env): WechatCredentials => ({
  appid: matching(env, 'WX_APPID', /^wx[0-9a-f]{16}$/, 'the mini-program AppID: wx followed by 16 hex digits'),
  secret: matching(env, 'WX_APP_SECRET', /^[0-9a-f]{32}$/, 'the AppSecret: 32 hex digits'),
}));

export interface TencentCloudCredentials {
  secretId: string;
  secretKey: string;
}

export const tencentCloudCredentials = memo(
  ['TENCENTCLOUD_API_SECRET_ID', 'TENCENTCLOUD_API_SECRET_KEY'],
  (env): TencentCloudCredentials => ({
    secretId: matching(env, 'TENCENTCLOUD_API_SECRET_ID', /^AKID[0-9A-Za-z]{20,}$/, 'a Tencent Cloud SecretId (AKID…)'),
    secretKey: matching(
      env,
      'TENCENTCLOUD_API_SECRET_KEY',
      /^[0-9A-Za-z]{20,}$/,
      'a Tencent Cloud SecretKey (letters and digits, usually 32)',
    ),
  }),
);

export type FaceConfig = { provider: 'wechat' } | { provider: 'faceid'; ruleId: string } | { provider: 'local' };

export const faceConfig = memo(
  [
    'FACE_PROVIDER',
    'FACEID_RULE_ID',
    'WX_APPID',
    'WX_APP_SECRET',
    'TENCENTCLOUD_API_SECRET_ID',
    'TENCENTCLOUD_API_SECRET_KEY',
    'TCB_EMULATOR_URL',
  ],
  (env): FaceConfig => {
    const provider = choice(env, 'FACE_PROVIDER', ['wechat', 'faceid', 'local'] as const, 'wechat');
    if (provider === 'local') return (emulatorUrl(env), { provider });
    if (provider === 'wechat') return (wechatCredentials(env), { provider });
    tencentCloudCredentials(env);
    return {
      provider,
      ruleId: matching(
        env,
        'FACEID_RULE_ID',
        /^\d+$/,
        'the FaceID RuleId (digits)',
        'is not set: FACE_PROVIDER=faceid needs the RuleId of the FaceID 业务流程',
      ),
    };
  },
);

export type SmsConfig =
  { provider: 'tencent'; sdkAppId: string; signName: string; templateId: string } | { provider: 'local' };

export const smsConfig = memo(
  [
    'SMS_PROVIDER',
    'SMS_SDK_APP_ID',
    'SMS_SIGN_NAME',
    'SMS_TEMPLATE_ID',
    'TENCENTCLOUD_API_SECRET_ID',
    'TENCENTCLOUD_API_SECRET_KEY',
    'TCB_EMULATOR_URL',
  ],
  (env): SmsConfig => {
    const provider = choice(env, 'SMS_PROVIDER', ['tencent', 'local'] as const, 'tencent');
    if (provider === 'local') return (emulatorUrl(env), { provider });
    tencentCloudCredentials(env);
    return {
      provider,
      sdkAppId: matching(env, 'SMS_SDK_APP_ID', /^14\d{8}$/, 'the SMS SdkAppId (10 digits starting 14)'),
      signName: required(env, 'SMS_SIGN_NAME'),
      templateId: matching(env, 'SMS_TEMPLATE_ID', /^\d+$/, 'the SMS template id (digits)'),
    };
  },
);

/** Our three facts of a review result, in the order SUBSCRIBE_FIELDS_REVIEW_RESULT names their template keys. */
export interface ReviewResultFields {
  kind: string;
  status: string;
  note: string;
}

export type SubscribeConfig =
  { provider: 'wechat'; reviewResult: { templateId: string; fields: ReviewResultFields } } | { provider: 'local' };

export const subscribeConfig = memo(
  [
    'SUBSCRIBE_PROVIDER',
    'SUBSCRIBE_TEMPLATE_REVIEW_RESULT',
    'SUBSCRIBE_FIELDS_REVIEW_RESULT',
    'WX_APPID',
    'WX_APP_SECRET',
    'TCB_EMULATOR_URL',
  ],
  (env): SubscribeConfig => {
    const provider = choice(env, 'SUBSCRIBE_PROVIDER', ['wechat', 'local'] as const, 'wechat');
    if (provider === 'local') return (emulatorUrl(env), { provider });
    wechatCredentials(env);
    const keys = (read(env, 'SUBSCRIBE_FIELDS_REVIEW_RESULT') ?? 'thing1,phrase2,thing3')
      .split(',')
      .map((k) => k.trim());
    if (keys.length !== 3 || !keys.every((k) => /^[a-z_]+\d+$/.test(k))) {
      throw new ConfigError(
        'SUBSCRIBE_FIELDS_REVIEW_RESULT',
        "must be the template's three keys for 申请事项, 审核结果, 备注, e.g. thing1,phrase2,thing3",
      );
    }
    return {
      provider,
      reviewResult: {
        templateId: matching(
          env,
          'SUBSCRIBE_TEMPLATE_REVIEW_RESULT',
          /^[A-Za-z0-9_-]{20,64}$/,
          'a subscribe-message template id from 公众平台 → 订阅消息',
        ),
        fields: { kind: keys[0], status: keys[1], note: keys[2] },
      },
    };
  },
);

export function importBudgetMs(env: Env = process.env): number {
  const v = read(env, 'IMPORT_BUDGET_MS') ?? '2500';
  if (!/^\d+$/.test(v)) throw new ConfigError('IMPORT_BUDGET_MS', 'must be a whole number of milliseconds');
  return Number(v);
}

/** The platform-wide SMS rate (codes a minute); see SMS_GLOBAL_PER_MINUTE above. */
export function smsGlobalPerMinute(env: Env = process.env): number {
  const v = read(env, 'SMS_GLOBAL_PER_MINUTE') ?? '300';
  if (!/^\d+$/.test(v) || Number(v) < 1)
    throw new ConfigError('SMS_GLOBAL_PER_MINUTE', 'must be a whole number of SMS codes a minute, at least 1');
  return Number(v);
}

/** The running function's name as SCF sets it; unset where bundles run in-process (the emulator). */
export function scfFunctionName(env: Env = process.env): string | undefined {
  return read(env, 'SCF_FUNCTIONNAME');
}

/** Where the SDK goes: the current environment in the cloud, the emulator locally. */
export function cloudbaseTarget(env: Env = process.env): { env: string | undefined; serviceUrl: string | undefined } {
  return { env: read(env, 'TCB_ENV'), serviceUrl: read(env, 'TCB_SERVICE_URL') };
}

/** Every variable one function needs, for the deploy check: the group's always-needed ones and the provider-dependent ones. */
export function variablesOf(groups: readonly ConfigGroup[]): string[] {
  return CONFIG_VARIABLES.filter((v) => v.groups.some((g) => g !== 'runtime' && groups.includes(g))).map((v) => v.name);
}

/** Reads every group a function uses and returns the problems, for `npm run smoke` and the tests. */
export function configProblems(groups: readonly ConfigGroup[], env: Env = process.env): ConfigError[] {
  const readers: Record<ConfigGroup, (env: Env) => unknown> = {
    pii: piiConfig,
    qr: qrConfig,
    face: faceConfig,
    sms: smsConfig,
    subscribe: subscribeConfig,
    import: importBudgetMs,
  };
  const problems: ConfigError[] = [];
  for (const g of groups) {
    try {
      readers[g](env);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(err);
    }
  }
  return problems;
}
