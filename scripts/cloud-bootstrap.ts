/**
 * `npm run cloud:bootstrap -- --file bootstrap.json [--env <envId>] [--dry-run]`: the first data of
 * a fresh environment, which nobody can create from the app because every union registers under a
 * superior and every role is granted by someone who holds one:
 *   - the top-level union(s), e.g. the province federation;
 *   - their first admins, as roles waiting for the person to register (as a superior's direct entry
 *     does): the role attaches when that ID number registers in the mini-program;
 *   - the province office (省总智慧工会办公室) role, which reviews built-in account applications.
 *
 * Idempotent: ids are derived from the credit code and the ID number, so a second run finds
 * everything and changes nothing. Every entry is validated first; one bad entry writes nothing.
 * Runs with the same keys as the functions (PII_ENC_KEY / PII_INDEX_KEY: ID numbers and phones are
 * sealed exactly as the functions seal them) and Tencent Cloud credentials for the database.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { ALL_PERMISSIONS, type AboveSubtype, type DocumentType, type RoleName } from '../typings/models';
import { userByDocIndex } from '../cloudfunctions/shared/actor';
import { AppError } from '../cloudfunctions/shared/app-error';
import { auditInTx } from '../cloudfunctions/shared/audit';
import { ConfigError, piiConfig } from '../cloudfunctions/shared/config';
import { cmd, db, transaction, txGet, type Tx } from '../cloudfunctions/shared/db';
import { newUnion, PLATFORM_SCOPE, type RoleDoc, type UnionDoc } from '../cloudfunctions/shared/documents';
import { DOCUMENT_TYPES, validateDocument } from '../cloudfunctions/shared/identity/documents';
import { validateName, validatePhone } from '../cloudfunctions/shared/identity/person';
import { CATEGORY_FIELDS, FORM_FIELDS } from '../cloudfunctions/shared/org/unions';
import { roleId } from '../cloudfunctions/shared/roles/grants';
import { sealIdentity, sealPhone } from '../cloudfunctions/shared/security/seal';
import { parse } from '../cloudfunctions/shared/validate';

/** The file the operator writes (see README → 部署). */
export interface BootstrapFile {
  unions: Array<{
    name: string;
    unitName: string;
    creditCode: string;
    subtype?: AboveSubtype;
    address: string;
    chairName: string;
    contactPhone: string;
    declaredMembers?: number;
    admins: BootstrapPerson[];
  }>;
  provinceOffice: BootstrapPerson[];
}

export interface BootstrapPerson {
  name: string;
  docType?: DocumentType;
  docNumber: string;
  phone: string;
}

interface PersonPlan {
  name: string;
  docType: DocumentType;
  sealed: ReturnType<typeof sealIdentity>;
  phone: ReturnType<typeof sealPhone>;
}

interface Plan {
  unions: Array<{ id: string; fields: Parameters<typeof newUnion>[1]; admins: PersonPlan[] }>;
  office: PersonPlan[];
}

/** A top-level union's id follows from its credit code, so a second run finds it. */
export function bootstrapUnionId(creditCode: string): string {
  return `u${createHash('sha256').update(`bootstrap:${creditCode}`).digest('hex').slice(0, 31)}`;
}

function person(raw: unknown, where: string, problems: string[]): PersonPlan | undefined {
  const p = (raw ?? {}) as Partial<BootstrapPerson>;
  try {
    const docType = p.docType ?? 'resident';
    if (!DOCUMENT_TYPES.includes(docType))
      throw new AppError('INVALID_INPUT', `证件类型应为 ${DOCUMENT_TYPES.join('、')} 之一`, 'docType');
    const name = validateName(p.name, 'name');
    const doc = validateDocument(docType, String(p.docNumber ?? ''));
    const phone = validatePhone(p.phone, 'phone');
    return { name, docType, sealed: sealIdentity(doc), phone: sealPhone(phone) };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    problems.push(`${where}${err.field ? `.${err.field}` : ''}: ${err.message}`);
    return undefined;
  }
}

/** Validates the whole file; throws one error listing every problem, before anything is written. */
export function planBootstrap(file: unknown): Plan {
  const f = (file ?? {}) as Partial<BootstrapFile>;
  const problems: string[] = [];
  const plan: Plan = { unions: [], office: [] };
  if (!Array.isArray(f.unions) || f.unions.length === 0) problems.push('unions: 请至少写一个顶层工会');
  if (!Array.isArray(f.provinceOffice) || f.provinceOffice.length === 0)
    problems.push('provinceOffice: 请至少写一位省总工会办公室审核人员');
  (Array.isArray(f.unions) ? f.unions : []).forEach((u, i) => {
    const where = `unions[${i}]`;
    const { admins: rawAdmins, subtype: rawSubtype, ...rest } = u ?? ({} as BootstrapFile['unions'][number]);
    const admins = (Array.isArray(rawAdmins) ? rawAdmins : []).map((a, j) =>
      person(a, `${where}.admins[${j}]`, problems),
    );
    if (admins.length === 0) problems.push(`${where}.admins: 请至少写一位管理员`);
    try {
      const form = parse(FORM_FIELDS, { declaredMembers: 0, ...rest });
      const { subtype } = parse(CATEGORY_FIELDS, { category: 'above', subtype: rawSubtype ?? 'province' });
      plan.unions.push({
        id: bootstrapUnionId(form.creditCode),
        fields: { ...form, category: 'above', subtype: subtype ?? 'province' },
        admins: admins.filter((a): a is PersonPlan => Boolean(a)),
      });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      problems.push(`${where}${err.field ? `.${err.field}` : ''}: ${err.message}`);
    }
  });
  (Array.isArray(f.provinceOffice) ? f.provinceOffice : []).forEach((p, i) => {
    const planned = person(p, `provinceOffice[${i}]`, problems);
    if (planned) plan.office.push(planned);
  });
  if (problems.length)
    throw new Error(
      `bootstrap file has ${problems.length} problem(s), nothing was written:\n  ${problems.join('\n  ')}`,
    );
  return plan;
}

async function roleDoc(unionId: string, role: RoleName, p: PersonPlan): Promise<Omit<RoleDoc, '_id'>> {
  // A person who already registered gets the role at once; otherwise it waits for them.
  const user = await userByDocIndex(p.sealed.index);
  return {
    userId: user?._id ?? null,
    docIndex: p.sealed.index,
    name: p.name,
    docMasked: p.sealed.masked,
    phone: p.phone,
    unionId,
    role,
    permissions: [...ALL_PERMISSIONS],
    status: 'active',
    grantedBy: 'bootstrap',
    grantedAt: new Date(),
  };
}

async function grant(
  tx: Tx,
  unionId: string,
  role: RoleName,
  p: PersonPlan,
  doc: Omit<RoleDoc, '_id'>,
): Promise<string> {
  const id = roleId(unionId, p.sealed.index);
  await tx.collection('roles').doc(id).set(doc);
  await auditInTx(
    tx,
    {
      actorUserId: 'bootstrap',
      action: 'role:grant',
      targetType: 'role',
      targetId: id,
      unionId,
      detail: { role, via: 'bootstrap' },
    },
    {},
  );
  return id;
}

/** Applies the file; returns one line per change. With dryRun it only reads. */
export async function bootstrap(
  file: unknown,
  opts: { dryRun?: boolean; log?: (line: string) => void } = {},
): Promise<string[]> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const plan = planBootstrap(file);
  const changes: string[] = [];
  const change = (line: string) => {
    changes.push(line);
    log(`${opts.dryRun ? 'would ' : ''}${line}`);
  };

  for (const u of plan.unions) {
    const sameCode = await db().collection('unions').where({ creditCode: u.fields.creditCode }).limit(2).get();
    const other = (sameCode.data as UnionDoc[]).find((d) => d._id !== u.id);
    if (other)
      throw new Error(
        `统一社会信用代码 ${u.fields.creditCode} 已属于工会“${other.name}”（${other._id}），没有写入；请核对文件`,
      );
    const existingRoles = await Promise.all(
      u.admins.map(
        async (a) => ((await db().collection('roles').doc(roleId(u.id, a.sealed.index)).get()).data as RoleDoc[])[0],
      ),
    );
    const missing = u.admins.filter((_, i) => existingRoles[i]?.status !== 'active');
    const existing = ((await db().collection('unions').doc(u.id).get()).data as UnionDoc[])[0];
    if (existing && missing.length === 0) {
      log(`${u.fields.name}: exists with its ${u.admins.length} admin(s)`);
      continue;
    }
    if (!existing) change(`create union ${u.fields.name} (${u.id})`);
    for (const a of missing) change(`grant admin of ${u.fields.name} to ${a.name} ${a.sealed.masked}`);
    if (opts.dryRun) continue;
    const docs = await Promise.all(missing.map((a) => roleDoc(u.id, 'admin', a)));
    await transaction(async (tx) => {
      // Decided again inside the transaction: a concurrent run that got there first is not counted twice.
      const added: number[] = [];
      for (let i = 0; i < missing.length; i++) {
        const role = await txGet<RoleDoc>(tx, 'roles', roleId(u.id, missing[i].sealed.index));
        if (role?.status !== 'active') added.push(i);
      }
      const current = await txGet<UnionDoc>(tx, 'unions', u.id);
      if (!current) {
        const { _id, ...fresh } = newUnion(u.id, u.fields, null, { adminCount: added.length });
        await tx.collection('unions').doc(_id).set(fresh);
      } else if (added.length) {
        await tx
          .collection('unions')
          .doc(u.id)
          .update({ adminCount: cmd().inc(added.length) });
      }
      for (const i of added) await grant(tx, u.id, 'admin', missing[i], docs[i]);
    });
  }

  for (const p of plan.office) {
    const id = roleId(PLATFORM_SCOPE, p.sealed.index);
    const existing = ((await db().collection('roles').doc(id).get()).data as RoleDoc[])[0];
    if (existing?.status === 'active') {
      log(`province office: ${p.name} ${p.sealed.masked} holds the role`);
      continue;
    }
    change(`grant province office to ${p.name} ${p.sealed.masked}`);
    if (opts.dryRun) continue;
    const doc = await roleDoc(PLATFORM_SCOPE, 'provinceOffice', p);
    await transaction(async (tx) => {
      if ((await txGet<RoleDoc>(tx, 'roles', id))?.status !== 'active')
        await grant(tx, PLATFORM_SCOPE, 'provinceOffice', p, doc);
    });
  }
  log(changes.length ? `${opts.dryRun ? 'would make' : 'made'} ${changes.length} change(s)` : 'nothing to change');
  return changes;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const file = arg('--file');
  if (!file) throw new Error('usage: npm run cloud:bootstrap -- --file bootstrap.json [--env <envId>] [--dry-run]');
  const envId = arg('--env') ?? process.env.TCB_ENV_ID;
  if (!envId) throw new Error('--env <envId> or TCB_ENV_ID: the CloudBase environment id');
  if (!process.env.TENCENTCLOUD_SECRETID || !process.env.TENCENTCLOUD_SECRETKEY)
    throw new Error(
      'TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY are not set (a CAM user allowed this CloudBase environment)',
    );
  process.env.TCB_ENV = envId;
  piiConfig(); // the same keys as the deployed functions, or every sealed value would be unreadable
  await bootstrap(JSON.parse(fs.readFileSync(file, 'utf8')) as unknown, { dryRun: process.argv.includes('--dry-run') });
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(
      err instanceof ConfigError ? `configuration: ${err.message}` : err instanceof Error ? err.message : err,
    );
    process.exit(1);
  });
}
