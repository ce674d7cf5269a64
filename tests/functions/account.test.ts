import assert from 'node:assert/strict';
import { demoPhone, demoResidentId, DEMO_PASSWORD } from '../../fixtures/demo';
import type { UserDoc } from '../../cloudfunctions/shared/documents';
import { demoWorld, lastSmsCode, type DemoWorld } from '../helpers/api';

describe('account: real-name registration, login and account security (through the SDK)', () => {
  let world: DemoWorld;
  before(async () => {
    world = await demoWorld();
  });
  after(() => world.close());

  const rare = { name: '𠇔䶮·阿依', docNumber: demoResidentId(201), phone: '13900000201' };

  it('registers a person with rare characters: face check, SMS code, password, bound to this WeChat', async () => {
    const me = world.as('wx-rare');
    assert.deepEqual(await me.ok('account', 'me', {}), {
      registered: false,
      account: null,
      roles: [],
      showAdminTab: false,
    });
    const face = await me.ok('account', 'startFace', {
      name: rare.name,
      docType: 'resident',
      docNumber: rare.docNumber.toLowerCase(),
    });
    assert.equal(face.provider, 'local');
    const faceEntry = (await world.outbox('face')).find((e) => e.id === face.verifyId);
    assert.ok(faceEntry, 'the local face provider records the session in the outbox');
    assert.equal(faceEntry.payload.name, rare.name);
    assert.ok(!JSON.stringify(faceEntry).includes(rare.docNumber), 'the outbox never holds the ID number');

    const passed = await me.ok('account', 'completeFace', { sessionId: face.sessionId });
    assert.equal(passed.name, rare.name);
    await me.ok('account', 'sendSmsCode', { phone: rare.phone, purpose: 'register' });
    const smsCode = await lastSmsCode(world, rare.phone);
    const result = await me.ok('account', 'register', {
      sessionId: face.sessionId,
      phone: rare.phone,
      smsCode,
      password: 'Union2026ok',
    });
    assert.equal(result.account.name, '𠇔䶮·阿依');
    assert.equal(result.account.docMasked, `${rare.docNumber.slice(0, 4)}**********${rare.docNumber.slice(-4)}`);
    assert.equal(result.account.phoneMasked, '139****0201');

    const now = await me.ok('account', 'me', {});
    assert.equal(now.registered, true);
    assert.equal(now.account?.name, '𠇔䶮·阿依');

    const [stored] = await world.docs<UserDoc>('users', { _id: result.account.userId });
    assert.equal(stored.name, '𠇔䶮·阿依', 'the name round-trips through the database');
    const raw = JSON.stringify(stored);
    assert.ok(!raw.includes(rare.docNumber) && !raw.includes(rare.phone), 'ID number and phone are encrypted at rest');
    assert.match(stored.passwordHash ?? '', /^scrypt/);
  });

  it('refuses a second account for the same document; only a passed face check learns it is registered', async () => {
    const other = world.as('wx-rare-again');
    const face = await other.ok('account', 'startFace', {
      name: rare.name,
      docType: 'resident',
      docNumber: rare.docNumber,
    });
    assert.deepEqual(
      Object.keys(face).sort(),
      ['provider', 'sessionId', 'verifyId'],
      'startFace says nothing about whether the ID is registered',
    );
    const passed = await other.ok('account', 'completeFace', { sessionId: face.sessionId });
    assert.equal(passed.registered, true);
    await world.rewindSms();
    await other.ok('account', 'sendSmsCode', { phone: '13900000298', purpose: 'register' });
    const err = await other.fails('account', 'register', {
      sessionId: face.sessionId,
      phone: '13900000298',
      smsCode: await lastSmsCode(world, '13900000298'),
      password: 'Union2026ok',
    });
    assert.equal(err.code, 'DUPLICATE');
    assert.match(err.message, /该证件号码已注册。如原手机号已不再使用，请选择“找回账号”/);
  });

  it('says which step went wrong: face failed, cancelled, expired, invalid document', async () => {
    const me = world.as('wx-face-trouble');
    const docNumber = demoResidentId(202);
    const bad = await me.fails('account', 'startFace', {
      name: '赵六',
      docType: 'resident',
      docNumber: docNumber.slice(0, 17) + (docNumber[17] === '0' ? '1' : '0'),
    });
    assert.match(bad.message, /校验位不正确/);
    assert.equal(bad.field, 'docNumber');

    const failed = await me.ok('account', 'startFace', { name: '赵六', docType: 'resident', docNumber });
    await world.patchOutbox(failed.verifyId as string, { result: 'fail' });
    const f = await me.fails('account', 'completeFace', { sessionId: failed.sessionId });
    assert.equal(f.code, 'FACE_FAILED');
    assert.match(f.message, /人脸核身未通过.*内置账号/);

    const cancelled = await me.ok('account', 'startFace', { name: '赵六', docType: 'resident', docNumber });
    await world.patchOutbox(cancelled.verifyId as string, { result: 'cancelled' });
    assert.equal(
      (await me.fails('account', 'completeFace', { sessionId: cancelled.sessionId })).code,
      'FACE_CANCELLED',
    );

    const expired = await me.ok('account', 'startFace', { name: '赵六', docType: 'resident', docNumber });
    await world.admin
      .database()
      .collection('faceSessions')
      .doc(expired.sessionId)
      .update({ expiresAt: new Date(Date.now() - 1000) });
    const e = await me.fails('account', 'completeFace', { sessionId: expired.sessionId });
    assert.equal(e.code, 'FACE_EXPIRED');
    assert.equal(e.message, '人脸核身已超时，请重新开始');

    // A failed session cannot be used to register, whatever the client claims.
    const reg = await me.fails('account', 'register', {
      sessionId: failed.sessionId,
      phone: '13900000202',
      smsCode: '123456',
      password: 'Union2026ok',
    });
    assert.equal(reg.code, 'FACE_FAILED');
    // Someone else's session is not found at all.
    const stolen = await world.as('wx-thief').fails('account', 'completeFace', { sessionId: failed.sessionId });
    assert.equal(stolen.code, 'NOT_FOUND');
  });

  it('HK/Macao/Taiwan and foreign documents are sent to the document path, not the face check', async () => {
    const err = await world
      .as('wx-hk')
      .fails('account', 'startFace', { name: '陈大文', docType: 'hkMacaoPermit', docNumber: 'H12345678' });
    assert.match(err.message, /港澳台及外籍人员请选择“证件注册”/);
  });

  it('binds a new WeChat by phone + password with the spec’s messages', async () => {
    const phone = demoPhone(8); // demo-member
    const newPhone = world.as('wx-member-new-phone');
    assert.equal(
      (await newPhone.fails('account', 'loginPassword', { phone: '13700000000', password: 'whatever1' })).message,
      '该手机号未注册',
    );
    assert.equal(
      (await newPhone.fails('account', 'loginPassword', { phone, password: 'Wrong1234' })).message,
      '账号或密码错误',
    );
    const ok = await newPhone.ok('account', 'loginPassword', { phone, password: DEMO_PASSWORD });
    assert.equal(ok.account.name, '刘会员');
    assert.equal((await newPhone.ok('account', 'me', {})).account?.name, '刘会员');
  });

  it('locks password login for 15 minutes after 5 failures; SMS login still works', async () => {
    const phone = demoPhone(12 - 2); // demo-user 孙注册
    const c = world.as('wx-locked');
    for (let i = 0; i < 5; i++)
      assert.equal((await c.fails('account', 'loginPassword', { phone, password: 'Wrong1234' })).code, 'LOGIN_FAILED');
    const locked = await c.fails('account', 'loginPassword', { phone, password: DEMO_PASSWORD });
    assert.equal(locked.code, 'ACCOUNT_LOCKED');
    assert.match(locked.message, /账号已锁定，请 15 分钟后再试或使用短信验证码登录/);

    await world.rewindSms();
    await c.ok('account', 'sendSmsCode', { phone, purpose: 'login' });
    const again = await c.fails('account', 'sendSmsCode', { phone, purpose: 'login' });
    assert.equal(again.code, 'RATE_LIMITED');
    assert.match(again.message, /验证码已发送，请 \d+ 秒后再获取/);
    const code = await lastSmsCode(world, phone);
    const wrong = await c.fails('account', 'loginSms', { phone, smsCode: code === '000000' ? '111111' : '000000' });
    assert.match(wrong.message, /验证码不正确，还可以尝试 4 次/);
    const ok = await c.ok('account', 'loginSms', { phone, smsCode: code });
    assert.equal(ok.account.name, '孙注册');
    const reused = await c.fails('account', 'loginSms', { phone, smsCode: code });
    assert.equal(reused.code, 'SMS_CODE_INVALID');
  });

  it('an SMS code dies after 5 wrong tries, and a phone gets at most 10 codes a day', async () => {
    const phone = demoPhone(9); // demo-member-rare
    const c = world.as('wx-sms-abuse');
    await world.rewindSms();
    await c.ok('account', 'sendSmsCode', { phone, purpose: 'login' });
    const code = await lastSmsCode(world, phone);
    const wrongCode = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) await c.fails('account', 'loginSms', { phone, smsCode: wrongCode });
    const dead = await c.fails('account', 'loginSms', { phone, smsCode: code });
    assert.match(dead.message, /错误次数过多，请重新获取/);
    // Different WeChats, so the per-caller limit (5 an hour) is not what stops them.
    for (let i = 0; i < 9; i++) {
      await world.rewindSms();
      await world.as(`wx-sms-abuse-${i}`).ok('account', 'sendSmsCode', { phone, purpose: 'login' });
    }
    await world.rewindSms();
    const limit = await world.as('wx-sms-abuse-last').fails('account', 'sendSmsCode', { phone, purpose: 'login' });
    assert.match(limit.message, /今日获取验证码已达 10 次/);
  });

  it('changes the phone by SMS to the new number; the old phone no longer logs in', async () => {
    const c = world.as('wx-rare');
    await world.rewindSms();
    const taken = await c.fails('account', 'sendSmsCode', { phone: demoPhone(8), purpose: 'changePhone' });
    assert.match(taken.message, /已被其他账号使用/);
    await c.ok('account', 'sendSmsCode', { phone: '13900000299', purpose: 'changePhone' });
    const res = await c.ok('account', 'changePhone', {
      newPhone: '13900000299',
      smsCode: await lastSmsCode(world, '13900000299'),
      proof: { method: 'password', password: 'Union2026ok' },
    });
    assert.equal(res.account.phoneMasked, '139****0299');
    const stranger = world.as('wx-other-device');
    assert.equal(
      (await stranger.fails('account', 'loginPassword', { phone: rare.phone, password: 'Union2026ok' })).message,
      '该手机号未注册',
    );
    assert.equal(
      (await stranger.ok('account', 'loginPassword', { phone: '13900000299', password: 'Union2026ok' })).account.name,
      rare.name,
    );
  });

  it('changes the password with the old one, resets it by SMS, and logs out', async () => {
    const c = world.as('wx-rare');
    assert.equal(
      (await c.fails('account', 'changePassword', { oldPassword: 'Nope12345', newPassword: 'Better2027x' })).message,
      '原密码不正确',
    );
    const weak = await c.fails('account', 'changePassword', { oldPassword: 'Union2026ok', newPassword: 'short' });
    assert.match(weak.message, /8 至 32 位/);
    await c.ok('account', 'changePassword', { oldPassword: 'Union2026ok', newPassword: 'Better2027x' });

    await world.rewindSms();
    await c.ok('account', 'sendSmsCode', { phone: '13900000299', purpose: 'resetPassword' });
    await c.ok('account', 'resetPassword', {
      phone: '13900000299',
      smsCode: await lastSmsCode(world, '13900000299'),
      newPassword: 'Reset2028y',
    });
    assert.equal(
      (await world.as('wx-3rd').fails('account', 'loginPassword', { phone: '13900000299', password: 'Better2027x' }))
        .message,
      '账号或密码错误',
    );
    await world.as('wx-3rd').ok('account', 'loginPassword', { phone: '13900000299', password: 'Reset2028y' });

    await c.ok('account', 'logout', {});
    assert.equal((await c.ok('account', 'me', {})).registered, false);
    assert.equal(
      (await world.as('wx-3rd').ok('account', 'me', {})).registered,
      true,
      'logging out one WeChat leaves the others bound',
    );
    const audit = await world.docs<{ action: string }>('auditLogs', {
      actorUserId: (await world.as('wx-3rd').ok('account', 'me', {})).account?.userId,
    });
    for (const action of [
      'account:register',
      'account:changePhone',
      'account:changePassword',
      'account:resetPassword',
      'account:logout',
    ]) {
      assert.ok(
        audit.some((a) => a.action === action),
        `audit has ${action}`,
      );
    }
  });

  it('creates a built-in account: union admin applies, the province office approves, the person logs in by SMS', async () => {
    const admin = world.as('demo-admin-grassroots');
    const up = await world.admin.uploadFile({
      cloudPath: 'uploads/certificates/cert-1.png',
      fileContent: Buffer.from('stamped certificate'),
    });
    const person = { name: '𪚥𪚥', docType: 'resident' as const, docNumber: demoResidentId(203), phone: '13900000203' };
    const submitted = await admin.ok('review', 'submit', {
      kind: 'builtinAccount',
      data: {
        unionId: world.union('grassroots'),
        ...person,
        reason: '姓名含生僻字，人脸核身无法通过',
        certificateFileId: up.fileID,
      },
    });
    assert.equal(submitted.application.status, 'pending');
    assert.equal(submitted.application.reviewerName, '省总智慧工会办公室');
    assert.ok(!JSON.stringify(submitted).includes(person.docNumber), 'the application view is masked');

    const denied = await world.as('demo-admin-city').fails('review', 'approve', { id: submitted.application.id });
    assert.equal(denied.code, 'PERMISSION_DENIED');
    const office = world.as('demo-province-office');
    const inbox = await office.ok('review', 'listInbox', { kind: 'builtinAccount' });
    assert.ok(inbox.items.some((a) => a.id === submitted.application.id && a.attachments[0] === up.fileID));
    await office.ok('review', 'approve', { id: submitted.application.id });

    const phoneUser = world.as('wx-builtin');
    const noPassword = await phoneUser.fails('account', 'loginPassword', {
      phone: person.phone,
      password: 'Anything1',
    });
    assert.equal(noPassword.message, '账号或密码错误');
    await world.rewindSms();
    await phoneUser.ok('account', 'sendSmsCode', { phone: person.phone, purpose: 'login' });
    const logged = await phoneUser.ok('account', 'loginSms', {
      phone: person.phone,
      smsCode: await lastSmsCode(world, person.phone),
    });
    assert.equal(logged.account.verifiedBy, 'builtin');
    assert.equal(logged.account.name, '𪚥𪚥');
    const notices = await world.outbox('subscribe');
    assert.ok(
      notices.some(
        (n) =>
          n.payload.openid === 'demo-admin-grassroots' &&
          (n.payload.data as Record<string, string>).status === '已通过',
      ),
    );
  });

  it('an old client is told to update, in the words the spec uses', async () => {
    const res = await world.as('wx-old').raw('account', { action: 'me', payload: {}, clientVersion: '0.9.0' });
    assert.equal(res.ok, false);
    if (!res.ok) assert.match(res.error.message, /版本过低/);
  });
});
