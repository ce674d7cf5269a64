import assert from 'node:assert/strict';
import type { DocumentType } from '../../typings/models';
import { validateDocument } from '../../cloudfunctions/shared/identity/documents';
import { maskDocument, maskPhone, shownDocument } from '../../cloudfunctions/shared/security/pii';

describe('masking: one rule per document type, never more than half visible', () => {
  const samples: Array<[DocumentType, string, string]> = [
    ['resident', '44010619900307123X', '4401**********123X'],
    ['hmtResidence', '810000199001011234', '8100**********1234'],
    ['foreignerPermanent', 'USA440090011234', 'USA********1234'],
    ['foreignerPermanent', '911440011990010123', '911***********0123'],
    ['hkMacaoPermit', 'H12345678', 'H1*****78'],
    ['hkMacaoPermit', 'M1234567801', 'M1*******01'],
    ['taiwanPermit', '12345678', '12****78'],
    ['passport', 'E12345678', 'E1*****78'],
  ];

  for (const [type, number, masked] of samples) {
    it(`${type} ${number.length} characters → ${masked}`, () => {
      assert.equal(maskDocument(number, type), masked);
      const visible = [...masked].filter((c) => c !== '*').length;
      assert.ok(visible <= number.length / 2, `${visible} of ${number.length} visible`);
    });
  }

  it('every length of every type stays within half, down to one character', () => {
    const types: DocumentType[] = [
      'resident',
      'hkMacaoPermit',
      'taiwanPermit',
      'hmtResidence',
      'foreignerPermanent',
      'passport',
    ];
    for (const type of types) {
      for (let n = 1; n <= 24; n++) {
        const masked = maskDocument('A'.repeat(n), type);
        assert.equal(masked.length, n);
        assert.ok([...masked].filter((c) => c !== '*').length <= n / 2, `${type} length ${n}: ${masked}`);
      }
    }
  });

  it('counts characters, not UTF-16 units: a character beyond the BMP is one character, shown or masked whole', () => {
    assert.equal(maskDocument('𠀀1234567', 'passport'), '𠀀1****67');
    assert.equal(maskDocument('1234567𠀀', 'passport'), '12****7𠀀');
  });

  it('a row sealed under the old rule (8 of 9 visible) is shown by the new one', () => {
    assert.equal(shownDocument({ masked: 'H123*5678' }, 'hkMacaoPermit'), 'H1*****78');
    assert.equal(
      shownDocument({ masked: '4401**********123X' }, 'resident'),
      '4401**********123X',
      'a current mask is unchanged',
    );
  });

  it('validated documents mask the stored (upper-cased) form; phones stay 138****5678', () => {
    const doc = validateDocument('hkMacaoPermit', 'h12345678');
    assert.equal(maskDocument(doc.number, doc.type), 'H1*****78');
    assert.equal(maskPhone('13812345678'), '138****5678');
  });
});
