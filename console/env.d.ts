/// <reference types="vite/client" />
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

declare module 'vue' {
  interface ComponentCustomProperties {
    vLabel: import('vue').Directive<HTMLElement, string>;
    vKeyboardTabs: import('vue').Directive<HTMLElement>;
    vRowSelectLabels: import('vue').Directive<HTMLElement, number>;
  }
}
export {};
