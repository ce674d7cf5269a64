import type { Directive } from 'vue';

/**
 * TDesign's inputs put attributes on their wrapper, so `aria-label` never reaches the native field
 * that a screen reader (and a keyboard user) lands on. `v-label="'手机号'"` names the field itself.
 */
export const vLabel: Directive<HTMLElement, string> = {
  mounted: name,
  updated: name,
};

function name(el: HTMLElement, binding: { value: string }): void {
  const field = el.matches('input, textarea') ? el : el.querySelector('input, textarea');
  field?.setAttribute('aria-label', binding.value);
}
