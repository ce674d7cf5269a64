import type { RoleRow } from '../../../typings/admin';
import type { DocumentType, Permission } from '../../../typings/models';
import type { UnionView } from '../../../typings/org';
import { call, newRequestId } from '../../api/client';
import { currentUnion, loadCurrentUnion, unionFromPicker } from '../../behaviors/current-union';
import { requestState } from '../../behaviors/request-state';
import { ALL_PERMISSIONS, PERMISSION_NAMES } from '../../generated/labels';
import { alert, askReason, bindField, confirm, run, toast } from '../../utils/ui';

const PERMISSIONS = ALL_PERMISSIONS.map((value: Permission) => ({ value, label: PERMISSION_NAMES[value] }));

/**
 * 权限设置: this union's admins and operators; add one (reviewed by the superior); revoke one
 * (handover, reviewed by the superior); enter a subordinate union's admin directly.
 */
Component({
  behaviors: [requestState, currentUnion],
  data: {
    roles: [] as RoleRow[],
    permissions: PERMISSIONS,
    role: 'operator' as 'admin' | 'operator',
    chosen: [] as Permission[],
    name: '',
    docNumber: '',
    phone: '',
    subordinates: [] as UnionView[],
    targetUnionId: '',
  },
  methods: {
    async onLoad(query: Record<string, string | undefined>) {
      if (await loadCurrentUnion(this, { preferred: query.unionId })) await this.refresh();
    },
    onInput(e: WechatMiniprogram.CustomEvent) {
      bindField(this, e);
    },
    onRole(e: WechatMiniprogram.CustomEvent<{ value: 'admin' | 'operator' }>) {
      this.setData({ role: e.detail.value });
    },
    onPermissions(e: WechatMiniprogram.CustomEvent<{ value: Permission[] }>) {
      this.setData({ chosen: e.detail.value });
    },
    onTarget(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ targetUnionId: e.detail.value });
    },
    onUnionPicked(e: WechatMiniprogram.CustomEvent<{ value: string[] }>) {
      if (unionFromPicker(this, e)) void this.refresh();
    },
    async refresh() {
      if (!this.data.unionId) return;
      await run(this, async () => {
        const res = await call('admin', 'listRoles', { unionId: this.data.unionId });
        const grassroots = await call('org', 'directory', {
          unionId: this.data.unionId,
          category: 'grassroots',
          pageSize: 50,
        });
        const above = await call('org', 'directory', { unionId: this.data.unionId, category: 'above', pageSize: 50 });
        this.setData({ roles: res.roles, subordinates: [...above.items, ...grassroots.items], loaded: true });
      });
    },
    person(unionId: string) {
      return {
        unionId,
        role: this.data.role,
        name: this.data.name,
        docType: 'resident' as DocumentType,
        docNumber: this.data.docNumber,
        phone: this.data.phone,
        permissions: this.data.role === 'admin' ? [] : this.data.chosen,
      };
    },
    async addToOwn() {
      const ok = await run(this, () =>
        call('review', 'submit', { kind: 'roleGrant', data: this.person(this.data.unionId) }, newRequestId()),
      );
      if (ok) {
        toast(this, '已提交，待上级审核');
        this.setData({ name: '', docNumber: '', phone: '', chosen: [] });
      }
    },
    async appoint() {
      const target = this.data.subordinates.find((u) => u.id === this.data.targetUnionId);
      if (!target) {
        this.setData({ 'fieldErrors.target': '请先选择下级工会' });
        return;
      }
      if (
        !(await confirm(
          this,
          '设置下级工会管理员',
          `将直接生效，无需审核。确定为“${target.name}”设置${this.data.role === 'admin' ? '管理员' : '操作员'}吗？`,
        ))
      )
        return;
      const res = await run(this, () => call('admin', 'appointSubordinate', { person: this.person(target.id) }));
      if (res) void alert(this, '已设置', res.attached ? '已生效' : '对方尚未实名注册，注册后自动生效');
    },
    async revoke(e: WechatMiniprogram.TouchEvent) {
      const role = this.data.roles.find((r) => r.id === e.currentTarget.dataset.id);
      if (
        !role ||
        !(await confirm(
          this,
          '撤销权限',
          `撤销“${role.name}”的${role.role === 'admin' ? '管理员' : '操作员'}权限需上级审核。确定吗？`,
          '申请撤销',
        ))
      )
        return;
      const reason = await askReason(this, '撤销原因', '如：工作调动');
      if (!reason) return;
      if (
        await run(this, () =>
          call(
            'review',
            'submit',
            { kind: 'roleRevoke', data: { unionId: this.data.unionId, roleId: role.id, reason } },
            newRequestId(),
          ),
        )
      )
        toast(this, '已提交，待上级审核');
    },
    openQueue() {
      wx.navigateTo({ url: '/admin/inbox/index?kind=roleGrant' });
    },
  },
});
