import type { Permission } from '@typings/models';

/** The specification's menu paths (管理员登录后台系统 → …), with the right each one needs. */
export interface MenuItem {
  path: string;
  title: string;
  /** Absent: any admin or operator of the current union. */
  permission?: Permission;
  /** Only the province office (内置账号 / 证件注册 review). */
  provinceOffice?: boolean;
}

export interface MenuGroup {
  title: string;
  icon: string;
  items: MenuItem[];
}

export const MENU: MenuGroup[] = [
  { title: '工作台', icon: 'dashboard', items: [{ path: '/dashboard', title: '工作台' }] },
  {
    title: '工会信息管理',
    icon: 'usergroup',
    items: [{ path: '/org/directory', title: '工会组织目录' }],
  },
  {
    title: '会员信息管理',
    icon: 'user-circle',
    items: [
      { path: '/member/real', title: '已实名会员', permission: 'manageMembers' },
      { path: '/member/unreal', title: '未实名会员', permission: 'manageMembers' },
      { path: '/member/import', title: '会员导入', permission: 'import' },
    ],
  },
  // The province office reviews 内置账号 and 证件注册 applications here too.
  {
    title: '审核管理',
    icon: 'task-checked',
    items: [{ path: '/review', title: '审核管理', permission: 'reviewMembers', provinceOffice: true }],
  },
  {
    title: '管理员设置',
    icon: 'setting',
    items: [{ path: '/admin/roles', title: '管理员设置', permission: 'settings' }],
  },
  { title: '操作日志', icon: 'history', items: [{ path: '/audit', title: '操作日志', permission: 'settings' }] },
];
