import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router';
import { loadSession, mayOpen, session } from './session';
import type { Permission } from '@typings/models';

declare module 'vue-router' {
  interface RouteMeta {
    title?: string;
    group?: string;
    permission?: Permission;
    provinceOffice?: boolean;
  }
}

// Each menu is its own chunk: the login screen loads none of them.
const children: RouteRecordRaw[] = [
  { path: '', redirect: '/dashboard' },
  { path: 'dashboard', component: () => import('./pages/dashboard/DashboardPage.vue'), meta: { title: '工作台' } },
  {
    path: 'org/directory',
    component: () => import('./pages/org/DirectoryPage.vue'),
    meta: { group: '工会信息管理', title: '工会组织目录' },
  },
  {
    path: 'org/detail/:id',
    component: () => import('./pages/org/UnionDetailPage.vue'),
    meta: { group: '工会信息管理', title: '工会详情' },
  },
  {
    path: 'member/real',
    component: () => import('./pages/member/MemberListPage.vue'),
    props: { realName: true },
    meta: { group: '会员信息管理', title: '已实名会员', permission: 'manageMembers' },
  },
  {
    path: 'member/unreal',
    component: () => import('./pages/member/MemberListPage.vue'),
    props: { realName: false },
    meta: { group: '会员信息管理', title: '未实名会员', permission: 'manageMembers' },
  },
  {
    path: 'member/import',
    component: () => import('./pages/member/ImportPage.vue'),
    meta: { group: '会员信息管理', title: '会员导入', permission: 'import' },
  },
  {
    path: 'review',
    component: () => import('./pages/review/ReviewPage.vue'),
    meta: { title: '审核管理', permission: 'reviewMembers', provinceOffice: true },
  },
  {
    path: 'admin/roles',
    component: () => import('./pages/admin/RolesPage.vue'),
    meta: { title: '管理员设置', permission: 'settings' },
  },
  {
    path: 'audit',
    component: () => import('./pages/admin/AuditPage.vue'),
    meta: { title: '操作日志', permission: 'settings' },
  },
  { path: 'forbidden', component: () => import('./pages/ForbiddenPage.vue'), meta: { title: '无权访问' } },
];

export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/login', component: () => import('./pages/login/LoginPage.vue'), meta: { title: '登录' } },
    { path: '/', component: () => import('./layouts/ConsoleLayout.vue'), children },
    { path: '/:rest(.*)', redirect: '/dashboard' },
  ],
});

router.beforeEach(async (to) => {
  if (!session.loaded) {
    try {
      await loadSession();
    } catch {
      session.loaded = true;
    }
  }
  if (to.path === '/login') return session.me ? '/dashboard' : true;
  if (!session.me) return { path: '/login', query: { next: to.fullPath } };
  if (
    to.path !== '/forbidden' &&
    !mayOpen({ path: to.path, permission: to.meta.permission, provinceOffice: to.meta.provinceOffice })
  )
    return '/forbidden';
  return true;
});

router.afterEach((to) => {
  document.title = `${to.meta.title ?? '后台系统'} · 工会会员实名制服务平台`;
});
