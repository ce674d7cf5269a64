import assert from 'node:assert/strict';
import { faceProvider, type FaceSubject } from '../../cloudfunctions/shared/providers/face';
import { sendSubscribeMessage } from '../../cloudfunctions/shared/providers/messaging';
import { callWechat, forgetWechatToken, WechatApiError } from '../../cloudfunctions/shared/providers/wechat';

/**
 * The real adapters against the official APIs' recorded answers (shapes as in WeChat's and Tencent
 * Cloud's API references): global fetch is replaced by a recorder that answers from a script, so the
 * test sees every request the adapter sends.
 */
interface Sent {
  url: string;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

const ENV = {
  WX_APPID: 'wx0123456789abcdef',
  WX_APP_SECRET: '0123456789abcdef0123456789abcdef',
  TENCENTCLOUD_API_SECRET_ID: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE',
  TENCENTCLOUD_API_SECRET_KEY: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE',
  FACEID_RULE_ID: '1',
  SUBSCRIBE_TEMPLATE_REVIEW_RESULT: 'qZvoiRFqRGhPjQsrbr0XhHGsBzNM3cJdMqMhzyc4UcE',
  SUBSCRIBE_FIELDS_REVIEW_RESULT: 'thing2,phrase4,thing7',
};

describe('outside services against their recorded answers', () => {
  const realFetch = globalThis.fetch;
  const saved: Record<string, string | undefined> = {};
  let sent: Sent[] = [];
  let script: Array<(req: Sent) => unknown> = [];

  beforeEach(() => {
    for (const k of [...Object.keys(ENV), 'FACE_PROVIDER', 'SUBSCRIBE_PROVIDER']) saved[k] = process.env[k];
    Object.assign(process.env, ENV);
    sent = [];
    script = [];
    forgetWechatToken();
    globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
      const req: Sent = {
        url: String(input),
        body: JSON.parse(String(init?.body ?? '{}')) as Record<string, unknown>,
        headers: (init?.headers ?? {}) as Record<string, string>,
      };
      sent.push(req);
      const next = script.shift();
      if (!next) throw new Error(`unexpected request ${req.url}`);
      return new Response(JSON.stringify(next(req)), { headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;
  });
  afterEach(() => {
    globalThis.fetch = realFetch;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    assert.equal(script.length, 0, 'every scripted answer was asked for');
  });

  const token = (value: string) => () => ({ access_token: value, expires_in: 7200 });
  const paths = () =>
    sent.map(
      (s) =>
        new URL(s.url).pathname +
        (s.url.includes('access_token=') ? `?${new URL(s.url).searchParams.get('access_token')}` : ''),
    );

  describe('the WeChat API client', () => {
    it('refreshes a token WeChat refused (40001) and retries once; forces a new one when the stable token is the refused one', async () => {
      script = [
        token('T1'),
        () => ({ errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest rid: 1' }),
        token('T1'),
        token('T2'),
        () => ({ errcode: 0, errmsg: 'ok', verify_id: 'V1' }),
      ];
      const res = await callWechat<{ verify_id: string }>('/cityservice/face/identify/getverifyid', {});
      assert.equal(res.verify_id, 'V1');
      assert.deepEqual(paths(), [
        '/cgi-bin/stable_token',
        '/cityservice/face/identify/getverifyid?T1',
        '/cgi-bin/stable_token',
        '/cgi-bin/stable_token',
        '/cityservice/face/identify/getverifyid?T2',
      ]);
      assert.deepEqual(
        sent.filter((s) => s.url.endsWith('stable_token')).map((s) => s.body.force_refresh),
        [false, false, true],
      );
      // The new token is kept for the next call.
      script = [() => ({ errcode: 0, errmsg: 'ok' })];
      await callWechat('/cgi-bin/message/subscribe/send', {});
      assert.equal(paths().pop(), '/cgi-bin/message/subscribe/send?T2');
    });

    it('retries only once, and never for other errcodes', async () => {
      script = [
        token('T1'),
        () => ({ errcode: 42001, errmsg: 'access_token expired' }),
        token('T2'),
        () => ({ errcode: 42001, errmsg: 'access_token expired' }),
      ];
      await assert.rejects(callWechat('/x', {}), (e: unknown) => e instanceof WechatApiError && e.errcode === 42001);
      script = [() => ({ errcode: 45009, errmsg: 'reach max api daily quota limit' })];
      await assert.rejects(callWechat('/x', {}), (e: unknown) => e instanceof WechatApiError && e.errcode === 45009);
    });
  });

  describe('WeChat 人脸核身 v2', () => {
    const subject: FaceSubject = { name: '张三', docNumber: '11010519491231002X', openid: 'o-1', outSeqNo: 'seq-1' };
    const result = async (answer: Record<string, unknown>) => {
      process.env.FACE_PROVIDER = 'wechat';
      forgetWechatToken();
      script.push(token('T'), () => answer);
      return faceProvider().result('V1', subject);
    };

    it('passes only at verify_ret 10000, with the cert_hash of the identity the session started with', async () => {
      assert.deepEqual(await result({ errcode: 0, errmsg: 'ok', verify_ret: 10000 }), { outcome: 'pass' });
      const body = sent[1].body;
      assert.equal(body.verify_id, 'V1');
      assert.equal(body.out_seq_no, 'seq-1');
      assert.equal(body.openid, 'o-1');
      assert.match(String(body.cert_hash), /^[0-9a-f]{64}$/);
    });

    it('cancels on 90002–90006, keeps the session open for device, network and system trouble, fails otherwise', async () => {
      assert.deepEqual(await result({ errcode: 0, errmsg: 'ok', verify_ret: 90003 }), { outcome: 'cancelled' });
      assert.deepEqual(await result({ errcode: 0, errmsg: 'ok', verify_ret: 90007 }), {
        outcome: 'retry',
        reason: '网络错误',
      });
      assert.deepEqual(await result({ errcode: 0, errmsg: 'ok', verify_ret: 90008 }), {
        outcome: 'retry',
        reason: '未授权使用相机',
      });
      assert.deepEqual(await result({ errcode: 0, errmsg: 'ok', verify_ret: 90018 }), {
        outcome: 'retry',
        reason: '系统错误',
      });
      assert.deepEqual(await result({ errcode: 0, errmsg: 'ok', verify_ret: 10002 }), { outcome: 'fail', code: 10002 });
    });

    it('an errcode is an error to retry, never a face failure', async () => {
      await assert.rejects(result({ errcode: -1, errmsg: 'system error' }), WechatApiError);
    });
  });

  describe('Tencent Cloud FaceID, the mini-program way', () => {
    const subject: FaceSubject = { name: '张三', docNumber: '11010519491231002X', openid: 'o-1', outSeqNo: 'seq-1' };
    const detect = (text: Record<string, unknown> | null) => () => ({
      Response: { Text: text, IdCardData: null, BestFrame: null, VideoData: null, RequestId: 'r-2' },
    });
    const result = async (text: Record<string, unknown> | null) => {
      process.env.FACE_PROVIDER = 'faceid';
      script.push(detect(text));
      return faceProvider().result('BIZ-1', subject);
    };

    it('hands the client the BizToken for startVerify, not the H5 URL', async () => {
      process.env.FACE_PROVIDER = 'faceid';
      script = [
        () => ({
          Response: { Url: 'https://faceid.qq.com/api/auth/auth?token=BIZ-1', BizToken: 'BIZ-1', RequestId: 'r-1' },
        }),
      ];
      const started = await faceProvider().start(subject);
      assert.deepEqual(started, { ref: 'BIZ-1', client: { provider: 'faceid', bizToken: 'BIZ-1' } });
      assert.equal(sent[0].headers['X-TC-Action'], 'DetectAuth');
      assert.deepEqual(sent[0].body, { RuleId: '1', IdCard: subject.docNumber, Name: '张三', Extra: 'seq-1' });
    });

    it('reads text only, and maps the result codes: 17 not finished, 2005 no identity record, 1001 retry', async () => {
      assert.deepEqual(await result({ ErrCode: 0, ErrMsg: '成功', IdCard: subject.docNumber, Name: '张三' }), {
        outcome: 'pass',
      });
      assert.equal(sent[0].headers['X-TC-Action'], 'GetDetectInfoEnhanced');
      assert.deepEqual(sent[0].body, { BizToken: 'BIZ-1', RuleId: '1', InfoType: '1' });
      assert.deepEqual(await result({ ErrCode: 17, ErrMsg: '本次流程未完成' }), { outcome: 'pending' });
      assert.deepEqual(await result({ ErrCode: null, ErrMsg: null }), { outcome: 'pending' });
      assert.deepEqual(await result({ ErrCode: 2005, ErrMsg: '未查询到身份信息' }), { outcome: 'fail', code: 2005 });
      assert.deepEqual(await result({ ErrCode: 2006, ErrMsg: '姓名和身份证号不匹配' }), {
        outcome: 'fail',
        code: 2006,
      });
      assert.deepEqual(await result({ ErrCode: 1001, ErrMsg: '引擎超时' }), {
        outcome: 'retry',
        reason: '核验服务暂时没有完成',
      });
      assert.deepEqual(await result({ ErrCode: 15, ErrMsg: 'Token 过期' }), { outcome: 'expired' });
    });

    it('fails a pass for another name or ID than the session started with', async () => {
      assert.deepEqual(await result({ ErrCode: 0, ErrMsg: '成功', IdCard: '110105194912310029', Name: '张三' }), {
        outcome: 'fail',
        code: 'identity-mismatch',
      });
      assert.deepEqual(await result({ ErrCode: 0, ErrMsg: '成功', IdCard: subject.docNumber, Name: '李四' }), {
        outcome: 'fail',
        code: 'identity-mismatch',
      });
    });
  });

  describe('subscribe messages', () => {
    const message = {
      openid: 'o-1',
      template: 'reviewResult' as const,
      page: 'pages/applications/index?id=a1',
      data: { kind: '会员入会', status: '已通过', note: '请进入小程序查看' },
    };
    const logged: string[] = [];
    const orig = { info: console.info, warn: console.warn };
    beforeEach(() => {
      process.env.SUBSCRIBE_PROVIDER = 'wechat';
      logged.length = 0;
      console.info = console.warn = (...a: unknown[]) => void logged.push(a.join(' '));
    });
    afterEach(() => Object.assign(console, orig));

    it('sends with the template keys from the configuration and logs the result', async () => {
      script = [token('T'), () => ({ errcode: 0, errmsg: 'ok', msgid: 1 })];
      assert.equal(await sendSubscribeMessage(message), 'sent');
      assert.deepEqual(sent[1].body.data, {
        thing2: { value: '会员入会' },
        phrase4: { value: '已通过' },
        thing7: { value: '请进入小程序查看' },
      });
      assert.equal(sent[1].body.template_id, ENV.SUBSCRIBE_TEMPLATE_REVIEW_RESULT);
      assert.deepEqual(logged, ['[subscribe] reviewResult sent']);
    });

    it('a user who did not subscribe (43101) is expected, logged, and does not fail the review', async () => {
      script = [token('T'), () => ({ errcode: 43101, errmsg: 'user refuse to accept the msg rid: 1' })];
      assert.equal(await sendSubscribeMessage(message), 'not-subscribed');
      assert.match(logged.join('\n'), /not subscribed \(43101\)/);
      script = [() => ({ errcode: 40003, errmsg: 'invalid openid' })];
      assert.equal(await sendSubscribeMessage(message), 'failed');
      assert.match(logged.join('\n'), /not sent: errcode 40003/);
    });
  });
});
