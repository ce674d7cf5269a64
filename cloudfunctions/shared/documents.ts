/** Shapes of the stored documents. Personal data is only ever stored sealed (see security/pii). */
import { randomBytes } from 'node:crypto';
import type {
  AboveSubtype,
  DocumentType,
  MemberStatus,
  Permission,
  RoleName,
  UnionCategory,
  UnionStatus,
} from '../../typings/models';
import { unionSearchTokens } from './org/search-tokens';

/** An ID number or phone as stored: ciphertext, blind index and the masked form lists show. */
export interface SealedPii {
  cipher: string;
  index: string;
  masked: string;
}

/**
 * An ID number or phone as a new member row keeps it: without the blind index, which the row holds
 * once, in the indexed `docIndex` / `phoneIndex` that every lookup reads. An import writes 100k of
 * these rows, and the second copy of each index was an eighth of every row the SDK serialises and
 * signs and the database parses (a 100k-row import took 0.5 s less without it, three runs each).
 * Rows written before, and rows whose phone changed since (an update sets the fields it is given, so
 * it gives the whole sealed value, leaving no stale index behind), still hold one inside; nothing reads it.
 */
export type RowPii = Pick<SealedPii, 'cipher' | 'masked'>;

export function rowPii({ cipher, masked }: RowPii): RowPii {
  return { cipher, masked };
}

/** A new active user: the indexes come from the sealed values, so they can never disagree. */
export function newUser(
  fields: Pick<UserDoc, 'name' | 'docType' | 'doc' | 'phone' | 'passwordHash' | 'verifiedBy'> &
    Partial<Pick<UserDoc, 'activeMemberId'>>,
  id = `usr${randomBytes(12).toString('hex')}`,
): UserDoc {
  const now = new Date();
  return {
    _id: id,
    activeMemberId: null,
    ...fields,
    docIndex: fields.doc.index,
    phoneIndex: fields.phone.index,
    failedLogins: 0,
    lockedUntil: null,
    status: 'active',
    createdAt: now,
    updatedAt: now,
  };
}

/** What a union's registration form gives; the rest of a union document follows from its place and its history. */
export type UnionFields = Pick<
  UnionDoc,
  | 'name'
  | 'unitName'
  | 'creditCode'
  | 'category'
  | 'subtype'
  | 'address'
  | 'chairName'
  | 'contactPhone'
  | 'declaredMembers'
>;

/** A new active union under `parent` (null for the root): its ancestors come from the parent, its counters start at `counts` or 0. */
export function newUnion(
  id: string,
  fields: UnionFields,
  parent: Pick<UnionDoc, '_id' | 'ancestors'> | null,
  counts: Partial<Pick<UnionDoc, 'childCount' | 'adminCount'>> = {},
): UnionDoc {
  const now = new Date();
  return {
    ...fields,
    _id: id,
    parentId: parent?._id ?? null,
    ancestors: parent ? [...parent.ancestors, parent._id] : [],
    status: 'active',
    memberCount: 0,
    childCount: counts.childCount ?? 0,
    adminCount: counts.adminCount ?? 0,
    searchTokens: unionSearchTokens(fields),
    qrTokens: {},
    changeLog: [],
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
}

export interface UserDoc {
  _id: string;
  name: string;
  docType: DocumentType;
  doc: SealedPii;
  docIndex: string;
  phone: SealedPii;
  phoneIndex: string;
  passwordHash: string | null;
  /** The one active membership, set in the same transaction as the member row. */
  activeMemberId: string | null;
  failedLogins: number;
  lockedUntil: Date | null;
  verifiedBy: 'face' | 'document' | 'builtin';
  status: 'active' | 'disabled';
  /** Raised by every event that must end other logins; bindings of an older epoch are dead (missing = 0). */
  sessionEpoch?: number;
  createdAt: Date;
  updatedAt: Date;
}

/** `_id` is the WeChat openid: who is calling is one primary-key read. */
export interface BindingDoc {
  _id: string;
  userId: string;
  appid: string;
  boundAt: Date;
  /** The user's sessionEpoch when this login was made (missing = 0). */
  epoch?: number;
  /** How the login was proved, shown in 账号与安全. */
  via?: 'register' | 'password' | 'sms' | 'recover' | 'document' | 'qr';
}

export interface UnionStats {
  realName: number;
  notRealName: number;
  subtreeRealName: number;
  subtreeNotRealName: number;
  /** Active unions below this one (not itself), by category: the 工会组织目录 totals. */
  subtreeAbove?: number;
  subtreeGrassroots?: number;
}

/** A union's roll-ups before anything is counted: where the seeds and the checker start their counts. */
export function emptyStats(): Required<UnionStats> {
  return {
    realName: 0,
    notRealName: 0,
    subtreeRealName: 0,
    subtreeNotRealName: 0,
    subtreeAbove: 0,
    subtreeGrassroots: 0,
  };
}

export interface UnionDoc {
  _id: string;
  name: string;
  unitName: string;
  creditCode: string;
  category: UnionCategory;
  subtype: AboveSubtype | null;
  parentId: string | null;
  /** Ids from the root down to the parent, for subtree queries. */
  ancestors: string[];
  status: UnionStatus;
  address: string;
  chairName: string;
  /** The union's published contact number, shown to applicants (spec §三.9). */
  contactPhone: string;
  /** Members the union declared on its registration form. */
  declaredMembers: number;
  /** Active member rows, kept in the same transaction as every join and removal. */
  memberCount: number;
  /** Active subordinate unions, so deregistration can be checked inside its transaction. */
  childCount: number;
  /** Active admins: a revoke that would leave none is refused. */
  adminCount: number;
  /** Roll-up member counts (org/rollup.ts); missing until the first change, read as zeros. */
  stats?: UnionStats;
  /** Bigrams of name and unitName for union search (org/search-tokens.ts); rewritten with either name. */
  searchTokens: string[];
  /** The current registration-QR tokens; regenerating replaces (and revokes) them. */
  qrTokens: { org?: string; member?: string };
  /** Old values of every approved change (spec: the history keeps them). */
  changeLog: Array<{
    at: Date;
    applicationId: string;
    before: Record<string, unknown>;
    after: Record<string, unknown>;
  }>;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

export interface MemberDoc {
  _id: string;
  /** Null for an imported person who has not registered yet. */
  userId: string | null;
  unionId: string;
  realName: boolean;
  status: MemberStatus;
  name: string;
  docType: DocumentType;
  doc: RowPii;
  docIndex: string;
  phone: RowPii | null;
  phoneIndex: string | null;
  source: 'import' | 'register' | 'join' | 'transfer';
  /** Unit (workplace) the member gave, which may differ from the union's own unit. */
  unitName: string;
  joinedAt: Date;
  /** Set when the row stops being active: removal or transfer keep the row, never delete it. */
  endedAt?: Date;
  endReason?: string;
  importJobId?: string;
  /**
   * Search keys (membership/search-tokens.ts): the name's characters and pairs, and the tails the
   * masks show (`#5678`). Set by every writer of the name or numbers; old rows by `npm run check -- --repair`.
   */
  searchTokens: string[];
  updatedAt: Date;
  version: number;
}

export interface RoleDoc {
  _id: string;
  /** Null while a role entered by a superior waits for the person to register. */
  userId: string | null;
  docIndex: string;
  /** Who holds the role, as shown in the permission lists (masked). */
  name: string;
  docMasked: string;
  phone: SealedPii | null;
  /** A union id, or 'platform' for the province office. */
  unionId: string;
  role: RoleName;
  permissions: Permission[];
  status: 'active' | 'revoked';
  /** The admin agreed that applicants waiting on this union may see and call this phone (spec §三.9). */
  phoneShown?: boolean;
  grantedBy: string;
  grantedAt: Date;
}

export const PLATFORM_SCOPE = 'platform';
