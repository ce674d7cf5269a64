import {
  ABOVE_SUBTYPE_NAMES,
  MEMBER_HOLDING_SUBTYPES,
  type AboveSubtype,
  type UnionCategory,
} from '../../../typings/models';
import type { Schema } from '../../../typings/api';
import type { UnionView } from '../../../typings/org';
import type { UnionFormFields } from '../../../typings/review';
import { AppError } from '../app-error';
import { PLATFORM_SCOPE, type UnionDoc } from '../documents';
import { validateCreditCode } from '../identity/credit-code';
import { validateName } from '../identity/person';
import { int, oneOf, optional, orgName, str } from '../validate';

/** A union's registered fields as checked at registration (工会组织登记): the subtype settled against the superior. */
export interface UnionForm extends UnionFormFields {
  category: UnionCategory;
  subtype: AboveSubtype | null;
}

const SUBTYPES = Object.keys(ABOVE_SUBTYPE_NAMES) as AboveSubtype[];
const CONTACT_PHONE = /^(0\d{2,3}-?\d{7,8}(-\d{1,6})?|1[3-9]\d{9})$/;

/** Held to the contract's fields: the registration and change forms read them with these parsers. */
export const FORM_FIELDS: Schema<UnionFormFields> = {
  name: orgName('工会名称'),
  unitName: orgName('单位名称'),
  creditCode: (v: unknown, f: string) => validateCreditCode(v, f),
  address: str({ label: '单位地址', min: 2, max: 100 }),
  chairName: (v: unknown, f: string) => validateName(v, f),
  contactPhone: str({
    label: '联系电话',
    max: 20,
    pattern: CONTACT_PHONE,
    patternMessage: '联系电话应为手机号码或带区号的固定电话，如 020-87001234',
  }),
  declaredMembers: int('会员人数', 0, 1_000_000),
};

export const CATEGORY_FIELDS = {
  category: oneOf<UnionCategory>('工会类型', ['above', 'grassroots']),
  subtype: optional(oneOf<AboveSubtype>('基层以上工会类别', SUBTYPES)),
};

export function checkCategory(
  category: UnionCategory,
  subtype: AboveSubtype | undefined,
  parent: UnionDoc,
): AboveSubtype | null {
  if (category === 'grassroots') {
    if (subtype) throw new AppError('INVALID_INPUT', '基层工会不需要选择类别', 'subtype');
    return null;
  }
  if (!subtype) throw new AppError('INVALID_INPUT', '请选择基层以上工会的类别', 'subtype');
  if (subtype === 'province') throw new AppError('INVALID_INPUT', '省总工会不能通过扫码登记', 'subtype');
  if (parent.category !== 'above') throw new AppError('INVALID_INPUT', '基层工会下不能登记下级工会', 'parentId');
  return subtype;
}

/** Only grassroots unions and the group / 工联会 / 直属机关 / 其他 subtypes hold members (spec §三.8). */
export function mayHoldMembers(union: Pick<UnionDoc, 'category' | 'subtype'>): boolean {
  return union.category === 'grassroots' || (union.subtype !== null && MEMBER_HOLDING_SUBTYPES.includes(union.subtype));
}

export function typeName(union: Pick<UnionDoc, 'category' | 'subtype'>): string {
  return union.category === 'grassroots'
    ? '基层工会'
    : `基层以上工会·${ABOVE_SUBTYPE_NAMES[union.subtype as AboveSubtype]}`;
}

export function unionView(u: UnionDoc, parentName = ''): UnionView {
  return {
    id: u._id,
    name: u.name,
    unitName: u.unitName,
    creditCode: u.creditCode,
    category: u.category,
    subtype: u.subtype,
    typeName: typeName(u),
    parentId: u.parentId,
    parentName,
    status: u.status,
    address: u.address,
    chairName: u.chairName,
    contactPhone: u.contactPhone,
    declaredMembers: u.declaredMembers,
    memberCount: u.memberCount,
    childCount: u.childCount,
    mayHoldMembers: mayHoldMembers(u),
  };
}

export const CHANGEABLE_FIELDS = [
  'name',
  'unitName',
  'creditCode',
  'address',
  'chairName',
  'contactPhone',
  'declaredMembers',
] as const;
export type ChangeableField = (typeof CHANGEABLE_FIELDS)[number];
export const FIELD_LABELS: Record<ChangeableField, string> = {
  name: '工会名称',
  unitName: '单位名称',
  creditCode: '统一社会信用代码',
  address: '单位地址',
  chairName: '工会主席',
  contactPhone: '联系电话',
  declaredMembers: '会员人数',
};

/** Org and role applications are reviewed by the superior union; the top union's by the province office. */
export function superiorOf(union: Pick<UnionDoc, 'parentId'>): string {
  return union.parentId ?? PLATFORM_SCOPE;
}
