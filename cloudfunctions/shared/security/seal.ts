import type { SealedPii } from '../documents';
import type { ValidDocument } from '../identity/documents';
import { blindIndex, encrypt, maskDocument, maskPhone } from './pii';

/** A validated document, sealed: the index is over the document's stable key (see ValidDocument). */
export function sealIdentity(doc: Pick<ValidDocument, 'type' | 'number' | 'indexKey'>): SealedPii {
  return { cipher: encrypt(doc.number), index: blindIndex('doc', doc.indexKey), masked: maskDocument(doc.number, doc.type) };
}

/** For values already normalised and whose index key is the value itself (resident IDs). */
export function sealDocument(normalised: string): SealedPii {
  return sealIdentity({ type: 'resident', number: normalised, indexKey: normalised });
}

export function sealPhone(phone: string): SealedPii {
  return { cipher: encrypt(phone), index: blindIndex('phone', phone), masked: maskPhone(phone) };
}
