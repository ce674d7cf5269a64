/**
 * The database schema in one place: every collection the functions use and the indexes they need.
 * The emulator creates these at start; scripts/cloud-setup.ts (`npm run cloud:setup`) applies the same list
 * to a real CloudBase environment, so local and cloud never drift apart. Every hot list has an index whose
 * fields are its equality filter, then its sort key, then `_id` (the keyset cursor's tie-break).
 */
export interface IndexSpec {
  /** Dotted field paths, in index order. */
  fields: string[];
  /** Unique over documents that have the fields (documents missing them are not indexed). */
  unique?: boolean;
}

export interface CollectionSpec {
  name: string;
  indexes: IndexSpec[];
}

export const COLLECTIONS: readonly CollectionSpec[] = [
  {
    name: 'users',
    indexes: [
      { fields: ['docIndex'], unique: true },
      { fields: ['phoneIndex'], unique: true },
    ],
  },
  // _id is the openid, so "who is calling" is a primary-key read.
  { name: 'bindings', indexes: [{ fields: ['userId'] }] },
  {
    name: 'unions',
    indexes: [
      { fields: ['parentId', 'status'] },
      { fields: ['creditCode'] },
      // 工会组织目录: a subtree by category in name order, paged by (name, _id).
      { fields: ['ancestors', 'category', 'status', 'name', '_id'] },
      // Union search: bigram tokens of name and unitName (multikey), exact names first.
      { fields: ['searchTokens', 'status', 'category'] },
      { fields: ['name'] },
      { fields: ['unitName'] },
    ],
  },
  {
    name: 'members',
    indexes: [
      // 会员列表: newest first, paged by (joinedAt, _id).
      { fields: ['unionId', 'status', 'realName', 'joinedAt', '_id'] },
      // 会员列表 search: a name character or pair, or a number's tail (multikey), still newest first.
      { fields: ['unionId', 'status', 'realName', 'searchTokens', 'joinedAt', '_id'] },
      { fields: ['userId', 'status'] },
      { fields: ['docIndex', 'status'] },
      { fields: ['phoneIndex'] },
    ],
  },
  {
    name: 'applications',
    indexes: [
      // 审核: the oldest pending first per reviewing union, merged across the reviewer's unions.
      { fields: ['reviewerUnionId', 'status', 'createdAt', '_id'] },
      // Pending counts per kind, answered from index keys alone (COUNT_SCAN).
      { fields: ['reviewerUnionId', 'status', 'kind'] },
      { fields: ['applicantUserId', 'status'] },
    ],
  },
  {
    name: 'roles',
    indexes: [{ fields: ['userId', 'status'] }, { fields: ['unionId', 'status'] }, { fields: ['docIndex'] }],
  },
  { name: 'importJobs', indexes: [{ fields: ['unionId', 'createdAt'] }, { fields: ['fileHash', 'unionId'] }] },
  { name: 'importChunks', indexes: [{ fields: ['jobId', 'chunk'] }] },
  // 校验's count of a file for 提交 in another container (importer/jobs.ts): counts only, swept after a day.
  { name: 'importChecks', indexes: [{ fields: ['checkedAt'] }] },
  { name: 'qrTokens', indexes: [{ fields: ['unionId', 'purpose', 'status'] }] },
  { name: 'smsCodes', indexes: [{ fields: ['phoneIndex', 'createdAt'] }] },
  // Held while an application is pending (e.g. one membership application per person); `_id` is the key.
  { name: 'locks', indexes: [] },
  // Shards of each union's member count: approvals on one union add to different documents (org/member-count.ts).
  { name: 'counterShards', indexes: [{ fields: ['unionId'] }] },
  { name: 'faceSessions', indexes: [{ fields: ['openid', 'createdAt'] }] },
  // Fixed-window abuse counters (security/rate-limit); `_id` is key + window start, expired ones are swept by cleanup.
  { name: 'rateCounters', indexes: [{ fields: ['expiresAt'] }] },
  // Stored files holding personal data and when they must be gone (lifecycle/retention); `_id` hashes the fileId.
  { name: 'piiFiles', indexes: [{ fields: ['deleteAfter'] }] },
  // Newest first per union, or across the province, paged by (at, _id).
  {
    name: 'auditLogs',
    indexes: [{ fields: ['unionId', 'at', '_id'] }, { fields: ['at', '_id'] }, { fields: ['actorUserId', 'at'] }],
  },
  // Back office QR logins (short-lived; `_id` is the code's id).
  { name: 'webLogins', indexes: [] },
  // The 工作台 trend's monthly member counters per union (org/member-months.ts); `_id` is `<unionId>:<YYYY-MM>`.
  { name: 'memberMonths', indexes: [] },
];

export const COLLECTION_NAMES = COLLECTIONS.map((c) => c.name);
