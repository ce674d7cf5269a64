import assert from 'node:assert/strict';
import { AppError } from '../../cloudfunctions/shared/app-error';
import { validateCreditCode } from '../../cloudfunctions/shared/identity/credit-code';
import { validateDocument } from '../../cloudfunctions/shared/identity/documents';
import { validateName, validatePhone } from '../../cloudfunctions/shared/identity/person';
import { residentIdCheckChar } from '../../cloudfunctions/shared/identity/resident-id';
import { wechatCertHash } from '../../cloudfunctions/shared/providers/face';
import type { DocumentType } from '../../typings/models';

function rejects(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof AppError, 'a user-facing AppError');
    assert.equal(err.code, 'INVALID_INPUT');
    assert.match(err.message, message);
    return true;
  });
}

describe('identity documents', () => {
  const valid: Array<[DocumentType, string, string]> = [
    // GB 11643-1999's own example, and the common public test number.
    ['resident', '11010519491231002x', '11010519491231002X'],
    [
      'resident',
      ' 440106198001011230 '.replace('1230 ', `123${residentIdCheckChar('44010619800101123')} `),
      `44010619800101123${residentIdCheckChar('44010619800101123')}`,
    ],
    ['hkMacaoPermit', 'H12345678', 'H12345678'],
    ['hkMacaoPermit', 'm1234567801', 'M1234567801'],
    ['taiwanPermit', '12345678', '12345678'],
    // Samples from the 2018 announcement of residence permits for HK, Macao and Taiwan residents.
    ['hmtResidence', '810000199408230021', '810000199408230021'],
    ['hmtResidence', '820000200009100032', '820000200009100032'],
    ['hmtResidence', '830000199201300022', '830000199201300022'],
    ['foreignerPermanent', 'USA118501010012', 'USA118501010012'],
    ['passport', 'E12345678', 'E12345678'],
    ['passport', 'X1234567', 'X1234567'],
  ];
  for (const [type, input, normalised] of valid) {
    it(`accepts ${type} ${input.trim()}`, () => assert.equal(validateDocument(type, input).number, normalised));
  }

  it('accepts the 2017 foreigner permanent residence ID (18 characters, led by 9, GB 11643 check digit)', () => {
    const body = '91115619900101001';
    assert.equal(
      validateDocument('foreignerPermanent', body + residentIdCheckChar(body)).number,
      body + residentIdCheckChar(body),
    );
  });

  it('gives a specific message for each resident ID failure', () => {
    rejects(() => validateDocument('resident', '1101051949123100'), /应为 18 位，当前为 16 位/);
    rejects(() => validateDocument('resident', '110105194912310021'), /校验位不正确/);
    rejects(() => validateDocument('resident', '110105194902300025'), /出生日期 1949-02-30 不存在/);
    rejects(
      () => validateDocument('resident', '11010520991231002X'.slice(0, 17) + residentIdCheckChar('11010520991231002')),
      /出生日期 2099-12-31 不存在/,
    );
    rejects(
      () => validateDocument('resident', '991231194912310021'.slice(0, 17) + residentIdCheckChar('99123119491231002')),
      /地区码 99 不存在/,
    );
    rejects(() => validateDocument('resident', '11010519491231002A'), /前 17 位应为数字/);
    // The well-known test number 440524188001010014 has a right check digit but a birth year of 1880.
    rejects(() => validateDocument('resident', '440524188001010014'), /出生日期 1880-01-01 不存在或不合理/);
    rejects(() => validateDocument('resident', '810000199408230021'), /港澳台居民居住证/);
    rejects(() => validateDocument('resident', '110105491231002'), /15 位的旧身份证号码已停用/);
  });

  it('gives a specific message for each other document type', () => {
    rejects(() => validateDocument('hkMacaoPermit', 'A12345678'), /应以 H（香港）或 M（澳门）开头/);
    rejects(() => validateDocument('hkMacaoPermit', 'H1234567'), /应为 9 位或 11 位/);
    rejects(() => validateDocument('taiwanPermit', '1234567'), /应为 8 位数字，当前为 7 位/);
    rejects(
      () => validateDocument('hmtResidence', '440524188001010014'),
      /应以 810000（香港）、820000（澳门）或 830000（台湾）开头/,
    );
    rejects(() => validateDocument('hmtResidence', '810000199408230022'), /校验位不正确/);
    rejects(() => validateDocument('foreignerPermanent', 'US1185010100121'), /旧版 15 位/);
    rejects(() => validateDocument('foreignerPermanent', 'USA119902300012'), /出生日期不存在/);
    rejects(() => validateDocument('foreignerPermanent', '811156199001010017'), /应以 9 开头/);
    rejects(() => validateDocument('passport', 'E1234-5678'), /只能包含英文字母和数字/);
    rejects(() => validateDocument('passport', 'ABC'), /5 至 17 位/);
  });

  it('keys an HK/Macao permit by its first 9 characters, so a renewed card finds the same person', () => {
    assert.equal(
      validateDocument('hkMacaoPermit', 'H1234567801').indexKey,
      validateDocument('hkMacaoPermit', 'H12345678').indexKey,
    );
  });
});

describe('names and phones', () => {
  it('accepts rare characters beyond the BMP and the middle dot, counted in code points', () => {
    assert.equal(validateName('𠇔䶮·阿依古丽'), '𠇔䶮·阿依古丽');
    assert.equal(validateName('  买买提・艾力 '), '买买提·艾力');
    assert.equal(validateName('𪚥'.repeat(50)).length, 100, '50 code points are 100 UTF-16 units and still allowed');
    rejects(() => validateName('𪚥'.repeat(51)), /不能超过 50 个字，当前为 51 个字/);
  });

  it('refuses names that are not well-formed or are not names', () => {
    rejects(() => validateName('张\ud800三'), /无法识别的字符/);
    rejects(() => validateName('<script>'), /只能包含汉字/);
    rejects(() => validateName('张三1'), /只能包含汉字/);
    rejects(() => validateName('·张三'), /分隔符/);
    rejects(() => validateName('   '), /请填写姓名/);
  });

  it('normalises and checks mainland mobile numbers', () => {
    assert.equal(validatePhone('+86 138-0013-8000'), '13800138000');
    rejects(() => validatePhone('1380013800'), /11 位数字/);
    rejects(() => validatePhone('23800138000'), /以 1 开头/);
  });
});

describe('unified social credit code (GB 32100)', () => {
  it('accepts a valid code and names the failure otherwise', () => {
    assert.equal(validateCreditCode('91350100M000100Y43'), '91350100M000100Y43');
    rejects(() => validateCreditCode('91350100M000100Y4'), /应为 18 位，当前为 17 位/);
    rejects(() => validateCreditCode('91350100M000100Y44'), /校验位不正确/);
    rejects(() => validateCreditCode('91350100M000100I43'), /不含 I、O、Z、S、V/);
  });
});

describe('WeChat face v2 cert_hash', () => {
  it('matches the worked example of the official documentation', () => {
    assert.equal(
      wechatCertHash('张三', '310101199801011234'),
      '3c241f7ff324977aeb91f173bb2a7b06569e6fd784d5573db34a636d8671108b',
    );
  });
});
