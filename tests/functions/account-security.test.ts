import assert from 'node:assert/strict';
import type { MemberDoc } from '../../cloudfunctions/shared/documents';
import { demoResidentId } from '../../fixtures/demo';
import { demoWorld, lastSmsCode, registerPerson, type DemoWorld } from '../helpers/api';

/** Logins, owner proof, abuse limits, recovery and deletion, tried as the owner, an intruder and an attacker would. */
describe('account security: sessions, abuse limits, recovery, deletion (through the SDK)', () => {
  let world: DemoWorld;
  before(async () => {
    world = await demoWorld();
  });
  after(() => world.close());

  const smsTo = async (
    openid: string,
    phone: string,
    purpose: 'login' | 'register' | 'changePhone' | 'resetPassword' | 'recover',
  ) => {
    await world.rewindSms();
    await world.as(openid).ok('account', 'sendSmsCode', { phone, purpose });
    return lastSmsCode(world, phone);
  };

  describe('sessions end when the password or the phone changes', () => {
    const owner = { name: '周安全', docNumber: demoResidentId(301), phone: '13900000301', password: 'Owner2026ok' };
    before(async () => {
      await registerPerson(world, 'wx-owner-phone', owner);
    });

    it('lists the bound WeChat logins, marks this one, and ends another', async () => {
      await world
        .as('wx-owner-tablet')
        .ok('account', 'loginPassword', { phone: owner.phone, password: owner.password });
      const { sessions } = await world.as('wx-owner-phone').ok('account', 'listSessions', {});
      assert.equal(sessions.length, 2);
      assert.deepEqual(sessions.map((s) => s.current).sort(), [false, true]);
      assert.ok(!JSON.stringify(sessions).includes('wx-owner'), 'other devices’ openids are never shown');
      const tablet = sessions.find((s) => !s.current);
      assert.equal(tablet?.via, 'password');
      await world.as('wx-owner-phone').ok('account', 'endSession', { key: tablet?.key as string });
      assert.equal((await world.as('wx-owner-tablet').ok('account', 'me', {})).registered, false);
      assert.equal((await world.as('wx-owner-phone').ok('account', 'listSessions', {})).sessions.length, 1);
      const self = (await world.as('wx-owner-phone').ok('account', 'listSessions', {})).sessions[0];
      assert.match(
        (await world.as('wx-owner-phone').fails('account', 'endSession', { key: self.key })).message,
        /当前设备请使用“退出登录”/,
      );
    });

    it('a password change ends every other login; the changer stays logged in', async () => {
      await world.as('wx-intruder').ok('account', 'loginPassword', { phone: owner.phone, password: owner.password });
      assert.equal((await world.as('wx-intruder').ok('account', 'me', {})).registered, true);
      await world
        .as('wx-owner-phone')
        .ok('account', 'changePassword', { oldPassword: owner.password, newPassword: 'Owner2027ok' });
      assert.equal((await world.as('wx-intruder').ok('account', 'me', {})).registered, false, 'the intruder is out');
      assert.equal((await world.as('wx-intruder').fails('member', 'my', {})).code, 'NOT_LOGGED_IN');
      assert.equal((await world.as('wx-owner-phone').ok('account', 'me', {})).registered, true);
      owner.password = 'Owner2027ok';
    });

    it('a password reset by SMS ends every login, including one made just before', async () => {
      await world.as('wx-intruder').ok('account', 'loginPassword', { phone: owner.phone, password: owner.password });
      const code = await smsTo('wx-owner-new-device', owner.phone, 'resetPassword');
      await world
        .as('wx-owner-new-device')
        .ok('account', 'resetPassword', { phone: owner.phone, smsCode: code, newPassword: 'Owner2028ok' });
      assert.equal((await world.as('wx-intruder').ok('account', 'me', {})).registered, false);
      assert.equal(
        (await world.as('wx-owner-phone').ok('account', 'me', {})).registered,
        false,
        'the reset proves the phone, not which WeChat is the owner’s',
      );
      await world.as('wx-owner-phone').ok('account', 'loginPassword', { phone: owner.phone, password: 'Owner2028ok' });
      owner.password = 'Owner2028ok';
    });

    it('a phone change needs the owner’s proof: a stolen unlocked WeChat alone cannot take the account', async () => {
      await world.as('wx-intruder').ok('account', 'loginPassword', { phone: owner.phone, password: owner.password });
      const code = await smsTo('wx-intruder', '13900000391', 'changePhone');
      const noProof = await world
        .as('wx-intruder')
        .call('account', 'changePhone', { newPhone: '13900000391', smsCode: code } as never);
      assert.equal(noProof.ok, false);
      if (!noProof.ok) assert.equal(noProof.error.field, 'proof.method');
      const wrong = await world.as('wx-intruder').fails('account', 'changePhone', {
        newPhone: '13900000391',
        smsCode: code,
        proof: { method: 'password', password: 'Guess12345' },
      });
      assert.equal(wrong.message, '当前密码不正确');
      const wrongSms = await world.as('wx-intruder').fails('account', 'changePhone', {
        newPhone: '13900000391',
        smsCode: code,
        proof: { method: 'sms', smsCode: '123456' },
      });
      assert.equal(wrongSms.code, 'SMS_CODE_INVALID');
      assert.equal(
        (
          await world.docs('users', {
            phoneIndex: (await world.docs<{ phoneIndex: string }>('users', { name: owner.name }))[0].phoneIndex,
          })
        ).length,
        1,
        'the phone is unchanged',
      );
    });

    it('the owner changes the phone with a code to the current phone; every other login ends', async () => {
      await world.rewindSms();
      const sent = await world.as('wx-owner-phone').ok('account', 'sendOwnerCode', {});
      assert.equal(sent.sentTo, '139****0301');
      const ownCode = await lastSmsCode(world, owner.phone);
      const newCode = await smsTo('wx-owner-phone', '13900000392', 'changePhone');
      const res = await world.as('wx-owner-phone').ok('account', 'changePhone', {
        newPhone: '13900000392',
        smsCode: newCode,
        proof: { method: 'sms', smsCode: ownCode },
      });
      assert.equal(res.account.phoneMasked, '139****0392');
      assert.equal((await world.as('wx-intruder').ok('account', 'me', {})).registered, false);
      assert.equal((await world.as('wx-owner-phone').ok('account', 'me', {})).registered, true);
      owner.phone = '13900000392';
    });

    it('"end all other logins" under 20 parallel logins: none made before it survives', async () => {
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          world.as(`wx-many-${i}`).ok('account', 'loginPassword', { phone: owner.phone, password: owner.password }),
        ),
      );
      assert.equal((await world.as('wx-owner-phone').ok('account', 'listSessions', {})).sessions.length, 21);
      await world.as('wx-owner-phone').ok('account', 'endOtherSessions', {});
      const alive = await Promise.all(
        Array.from({ length: 20 }, (_, i) => world.as(`wx-many-${i}`).ok('account', 'me', {})),
      );
      assert.equal(alive.filter((m) => m.registered).length, 0);
      assert.deepEqual(
        (await world.as('wx-owner-phone').ok('account', 'listSessions', {})).sessions.map((s) => s.current),
        [true],
      );
    });
  });

  describe('abuse limits', () => {
    it('one WeChat cannot make the platform text 25 different phones: 5 an hour, then a clear message', async () => {
      const phones = Array.from({ length: 25 }, (_, i) => `1390000${String(400 + i).padStart(4, '0')}`);
      const results = await Promise.all(
        phones.map((phone) => world.as('wx-pumper').call('account', 'sendSmsCode', { phone, purpose: 'register' })),
      );
      assert.equal(results.filter((r) => r.ok).length, 5);
      const refused = results.find((r) => !r.ok);
      assert.ok(refused && !refused.ok);
      assert.equal(refused.error.code, 'RATE_LIMITED');
      assert.match(refused.error.message, /当前微信获取验证码过于频繁（每小时最多 5 条），请 1 小时后再试/);
      const texted = new Set((await world.outbox('sms')).map((e) => e.payload.phone));
      assert.equal(phones.filter((p) => texted.has(p)).length, 5, 'exactly 5 texts left the platform');
    });

    it('a global rate caps the whole platform, whoever asks', async () => {
      const before = process.env.SMS_GLOBAL_PER_MINUTE;
      process.env.SMS_GLOBAL_PER_MINUTE = '3';
      try {
        // A fresh minute window for the cap, so earlier tests' sends do not count.
        const used = (await world.docs<{ _id: string; n: number }>('rateCounters')).filter((c) =>
          c._id.startsWith('sms:global:'),
        );
        for (const c of used) await world.admin.database().collection('rateCounters').doc(c._id).remove();
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            world.as(`wx-global-${i}`).call('account', 'sendSmsCode', {
              phone: `1390000${String(500 + i).padStart(4, '0')}`,
              purpose: 'register',
            }),
          ),
        );
        assert.equal(results.filter((r) => r.ok).length, 3);
        const refused = results.find((r) => !r.ok);
        assert.ok(refused && !refused.ok);
        assert.equal(refused.error.message, '短信发送繁忙，请 1 分钟后再试');
      } finally {
        if (before === undefined) delete process.env.SMS_GLOBAL_PER_MINUTE;
        else process.env.SMS_GLOBAL_PER_MINUTE = before;
      }
    });

    it('startFace answers the same for registered and unregistered IDs and is capped at 10 an hour per WeChat under 25 parallel calls', async () => {
      const registered = await world
        .as('wx-prober')
        .call('account', 'startFace', { name: '周安全', docType: 'resident', docNumber: demoResidentId(301) });
      const unknown = await world
        .as('wx-prober')
        .call('account', 'startFace', { name: '无名氏', docType: 'resident', docNumber: demoResidentId(399) });
      assert.ok(registered.ok && unknown.ok, 'neither answer tells whether the ID is registered');
      const results = await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          world.as('wx-prober').call('account', 'startFace', {
            name: '试探',
            docType: 'resident',
            docNumber: demoResidentId(310 + (i % 5)),
          }),
        ),
      );
      assert.equal(results.filter((r) => r.ok).length, 8, '2 earlier + 8 = the 10 an hour');
      const refused = results.find((r) => !r.ok);
      assert.ok(refused && !refused.ok);
      assert.match(refused.error.message, /人脸核身尝试次数过多，请 1 小时后再试/);
    });
  });

  describe('recovery after the phone is lost (spec §七.4)', () => {
    const lost = { name: '吴找回', docNumber: demoResidentId(320), phone: '13900000320', password: 'Lost2026ok' };
    before(async () => {
      await registerPerson(world, 'wx-lost-old', lost);
      await world.as('wx-lost-tablet').ok('account', 'loginPassword', { phone: lost.phone, password: lost.password });
    });

    it('passes the face check on the registered ID, binds a new phone and this WeChat; old logins and the old phone are dead', async () => {
      const me = world.as('wx-lost-new');
      const face = await me.ok('account', 'startFace', {
        name: lost.name,
        docType: 'resident',
        docNumber: lost.docNumber,
      });
      const passed = await me.ok('account', 'completeFace', { sessionId: face.sessionId });
      assert.equal(passed.registered, true);
      const code = await smsTo('wx-lost-new', '13900000321', 'recover');
      const res = await me.ok('account', 'recover', {
        sessionId: face.sessionId,
        phone: '13900000321',
        smsCode: code,
        newPassword: 'Found2026ok',
      });
      assert.equal(res.account.name, lost.name);
      assert.equal(res.account.phoneMasked, '139****0321');
      assert.equal((await me.ok('account', 'me', {})).registered, true);
      assert.equal((await world.as('wx-lost-old').ok('account', 'me', {})).registered, false);
      assert.equal((await world.as('wx-lost-tablet').ok('account', 'me', {})).registered, false);
      assert.equal(
        (await world.as('wx-x').fails('account', 'loginPassword', { phone: lost.phone, password: lost.password }))
          .message,
        '该手机号未注册',
      );
      await world.as('wx-x').ok('account', 'loginPassword', { phone: '13900000321', password: 'Found2026ok' });
      // The face check is spent: it cannot be replayed to take the account again.
      assert.equal(
        (await me.fails('account', 'recover', { sessionId: face.sessionId, phone: '13900000322', smsCode: '123456' }))
          .code,
        'ALREADY_PROCESSED',
      );
    });

    it('a failed face check recovers nothing; an unregistered ID is told to register', async () => {
      const me = world.as('wx-lost-fail');
      const face = await me.ok('account', 'startFace', {
        name: lost.name,
        docType: 'resident',
        docNumber: lost.docNumber,
      });
      await world.patchOutbox(face.verifyId as string, { result: 'fail' });
      await me.fails('account', 'completeFace', { sessionId: face.sessionId });
      assert.equal(
        (await me.fails('account', 'recover', { sessionId: face.sessionId, phone: '13900000323', smsCode: '123456' }))
          .code,
        'FACE_FAILED',
      );
      const fresh = await me.ok('account', 'startFace', {
        name: '新人',
        docType: 'resident',
        docNumber: demoResidentId(321),
      });
      assert.equal((await me.ok('account', 'completeFace', { sessionId: fresh.sessionId })).registered, false);
      assert.match(
        (await me.fails('account', 'recover', { sessionId: fresh.sessionId, phone: '13900000323', smsCode: '123456' }))
          .message,
        /该证件尚未注册，请直接注册/,
      );
    });
  });

  describe('recovery through the union admin and the province office (no face check possible)', () => {
    const holder = { name: '𪚥找回', docNumber: demoResidentId(325), phone: '13900000325', password: 'Hold2026ok' };
    before(async () => {
      await registerPerson(world, 'wx-holder-old', holder);
    });

    const apply = async (over: Partial<typeof holder> = {}) => {
      const up = await world.admin.uploadFile({
        cloudPath: 'uploads/certificates/recover.png',
        fileContent: Buffer.from('stamped certificate'),
      });
      return world.as('demo-admin-grassroots').call('review', 'submit', {
        kind: 'builtinAccount',
        data: {
          unionId: world.union('grassroots'),
          name: over.name ?? holder.name,
          docType: 'resident',
          docNumber: holder.docNumber,
          phone: over.phone ?? '13900000326',
          reason: '原手机号已停用，人脸核身无法通过',
          certificateFileId: up.fileID,
        },
      });
    };

    it('refuses a name that does not match the registered account', async () => {
      const res = await apply({ name: '别人' });
      assert.ok(!res.ok);
      if (!res.ok) assert.equal(res.error.message, '姓名与该证件已注册的账号不一致，请核对证明材料');
    });

    it('approval moves the account to the new phone and ends every old login', async () => {
      const res = await apply();
      assert.ok(res.ok);
      if (!res.ok) return;
      assert.match(res.data.application.title, /^账号找回（内置账号）：𪚥找回/);
      await world.as('demo-province-office').ok('review', 'approve', { id: res.data.application.id });
      assert.equal((await world.as('wx-holder-old').ok('account', 'me', {})).registered, false);
      const code = await smsTo('wx-holder-new', '13900000326', 'login');
      const logged = await world.as('wx-holder-new').ok('account', 'loginSms', { phone: '13900000326', smsCode: code });
      assert.equal(logged.account.name, holder.name);
      assert.equal(logged.account.verifiedBy, 'face', 'the same account, not a new one');
      assert.equal((await world.docs('users', { name: holder.name })).length, 1);
    });
  });

  describe('account deletion', () => {
    const leaver = { name: '郑注销', docNumber: demoResidentId(330), phone: '13900000330', password: 'Leave2026ok' };

    it('deletes login, phone, ID and bindings after re-verification; the union keeps an anonymised row; pending applications are withdrawn', async () => {
      const reg = await registerPerson(world, 'wx-leaver', leaver);
      const me = world.as('wx-leaver');
      const joined = await me.ok('review', 'submit', {
        kind: 'memberJoin',
        data: { unionId: world.union('grassroots'), unitName: '广州示例科技有限公司' },
      });
      await world.as('demo-admin-grassroots').ok('review', 'approve', { id: joined.application.id });
      const transfer = await me.ok('review', 'submit', {
        kind: 'memberTransfer',
        data: { unionId: world.union('federation'), unitName: '示例产业园' },
      });
      assert.equal(transfer.application.status, 'pending');

      const wrong = await me.fails('account', 'deleteAccount', {
        proof: { method: 'password', password: 'Nope12345' },
      });
      assert.equal(wrong.message, '当前密码不正确');
      assert.equal((await me.ok('account', 'me', {})).registered, true, 'nothing was deleted');

      const res = await me.ok('account', 'deleteAccount', { proof: { method: 'password', password: leaver.password } });
      assert.deepEqual(res, { deleted: true, withdrawn: 1 });
      assert.equal((await me.ok('account', 'me', {})).registered, false);
      assert.equal((await world.docs('users', { _id: reg.account.userId })).length, 0);
      assert.equal((await world.docs('bindings', { userId: reg.account.userId })).length, 0);
      assert.equal((await world.docs('faceSessions', { openid: 'wx-leaver' })).length, 0);
      const [app] = await world.docs<{ status: string }>('applications', { _id: transfer.application.id });
      assert.equal(app.status, 'withdrawn');

      const [row] = await world.docs<MemberDoc>('members', { name: leaver.name });
      assert.equal(row.status, 'active', 'the union’s register keeps the membership');
      assert.equal(row.userId, null);
      assert.equal(row.doc.cipher, '');
      assert.equal(row.phone, null);
      const list = await world
        .as('demo-admin-grassroots')
        .ok('member', 'list', { unionId: world.union('grassroots'), realName: true, keyword: leaver.name });
      assert.equal(list.items.length, 1);
      assert.equal(list.items[0].docMasked, `${leaver.docNumber.slice(0, 4)}**********${leaver.docNumber.slice(-4)}`);
      assert.equal(list.items[0].phoneMasked, '');
      assert.equal(
        (await world.as('wx-y').fails('account', 'loginPassword', { phone: leaver.phone, password: leaver.password }))
          .message,
        '该手机号未注册',
      );
    });

    it('the same person can register again later with the same ID and phone', async () => {
      const again = await registerPerson(world, 'wx-leaver-later', leaver);
      assert.equal(again.account.name, leaver.name);
      assert.equal((await world.as('wx-leaver-later').ok('account', 'me', {})).registered, true);
    });

    it('an admin must hand over the role before deleting the account', async () => {
      const err = await world
        .as('demo-admin-grassroots')
        .fails('account', 'deleteAccount', { proof: { method: 'password', password: 'x' } });
      assert.equal(err.code, 'CONFLICT');
      assert.match(err.message, /请先由上级工会撤销您的职务/);
    });
  });
});
