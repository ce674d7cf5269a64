import { createApp } from 'vue';
import 'tdesign-vue-next/es/style/index.css';
import App from './App.vue';
import { router } from './router';
import { whenSessionLost } from './api';
import { clearSession } from './session';
import { trapFocusInPopups, vKeyboardTabs, vLabel, vRowSelectLabels } from './a11y';
import { MessagePlugin } from 'tdesign-vue-next';

whenSessionLost((message) => {
  clearSession();
  void MessagePlugin.warning(message);
  if (router.currentRoute.value.path !== '/login')
    void router.push({ path: '/login', query: { next: router.currentRoute.value.fullPath } });
});

createApp(App)
  .use(router)
  .directive('label', vLabel)
  .directive('keyboard-tabs', vKeyboardTabs)
  .directive('row-select-labels', vRowSelectLabels)
  .mount('#app');
trapFocusInPopups();
