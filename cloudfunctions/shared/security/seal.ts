import type { SealedPii } from '../documents';
import { blindIndex, encrypt, maskDocument, maskPhone } from './pii';

export function sealDocument(normalised: string): SealedPii {
  return { cipher: encrypt(normalised), index: blindIndex('doc', normalised), masked: maskDocument(normalised) };
}

export function sealPhone(phone: string): SealedPii {
  return { cipher: encrypt(phone), index: blindIndex('phone', phone), masked: maskPhone(phone) };
}
