import type { SealedPii } from '../documents';
import type { ValidDocument } from '../identity/documents';
import { maskDocument, maskPhone, piiBatch } from './pii';

/** A validated document, sealed: the index is over the document's stable key (see ValidDocument). */
export function sealIdentity(doc: Pick<ValidDocument, 'type' | 'number' | 'indexKey'>): SealedPii {
  return sealer().identity(doc);
}

/** For values already normalised and whose index key is the value itself (resident IDs). */
export function sealDocument(normalised: string): SealedPii {
  return sealIdentity({ type: 'resident', number: normalised, indexKey: normalised });
}

export function sealPhone(phone: string): SealedPii {
  return sealer().phone(phone);
}

/** Both seals for a batch of rows, with the keys read once for the batch; `index` is the document's blind index when already computed. */
export function sealer(): {
  identity(doc: Pick<ValidDocument, 'type' | 'number' | 'indexKey'>, index?: string): SealedPii;
  phone(phone: string): SealedPii;
} {
  const pii = piiBatch();
  return {
    identity: (doc, index = pii.blindIndex('doc', doc.indexKey)) => ({
      cipher: pii.encrypt(doc.number),
      index,
      masked: maskDocument(doc.number, doc.type),
    }),
    phone: (phone) => ({ cipher: pii.encrypt(phone), index: pii.blindIndex('phone', phone), masked: maskPhone(phone) }),
  };
}
