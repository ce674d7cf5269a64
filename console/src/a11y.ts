import type { Directive } from 'vue';
import { createFocusTrap, type FocusTrap } from 'focus-trap';

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

/**
 * TDesign's tab headers are plain divs: Tab never reaches them and Enter does nothing.
 * `v-keyboard-tabs` on `<t-tabs>` makes each header a focusable `tab` that Enter or Space opens.
 */
export const vKeyboardTabs: Directive<HTMLElement> = {
  mounted(el) {
    el.addEventListener('keydown', (e) => {
      const item = (e.target as HTMLElement).closest<HTMLElement>('.t-tabs__nav-item');
      if (item && (e.key === 'Enter' || e.key === ' ')) {
        e.preventDefault();
        item.click();
      }
    });
    tabStops(el);
  },
  updated: tabStops,
};

function tabStops(el: HTMLElement): void {
  el.querySelector('.t-tabs__nav-scroll')?.setAttribute('role', 'tablist');
  for (const item of Array.from(el.querySelectorAll<HTMLElement>('.t-tabs__nav-item'))) {
    item.setAttribute('role', 'tab');
    item.tabIndex = 0;
    item.setAttribute('aria-selected', String(item.classList.contains('t-is-active')));
  }
}

const OPEN_POPUPS = '.t-dialog__ctx .t-dialog, .t-drawer--open .t-drawer__content-wrapper';

/**
 * TDesign's dialogs and drawers let Tab wander to the page behind their mask. While one is open
 * (the topmost, when they stack) Tab stays inside it; when it closes, focus goes back to what opened
 * it. Esc stays TDesign's own (it closes the dialog or drawer). Watches the whole app once.
 */
export function trapFocusInPopups(root: HTMLElement = document.body): () => void {
  let trap: FocusTrap | undefined;
  let trapped: HTMLElement | undefined;
  // TDesign blurs the button that opens a dialog before the dialog shows, so the trap cannot see
  // where the focus was: the last control focused outside any popup is where it goes back to.
  let opener: HTMLElement | undefined;
  root.addEventListener('focusin', (e) => {
    const target = e.target as HTMLElement;
    if (!target.closest('.t-dialog__ctx, .t-drawer')) opener = target;
  });
  const sync = () => {
    const open = Array.from(root.querySelectorAll<HTMLElement>(OPEN_POPUPS)).filter(
      (el) => el.getClientRects().length > 0,
    );
    const top = open.at(-1);
    if (top === trapped) return;
    trap?.deactivate();
    trap = undefined;
    trapped = top;
    if (!top) return;
    if (!top.hasAttribute('tabindex')) top.tabIndex = -1;
    const back = opener;
    trap = createFocusTrap(top, {
      escapeDeactivates: false,
      allowOutsideClick: true,
      fallbackFocus: top,
      returnFocusOnDeactivate: true,
      setReturnFocus: (before) => (back?.isConnected ? back : before),
      // A drawer slides in from `visibility: hidden`, where nothing can take the focus yet.
      checkCanFocusTrap: () => whenVisible(top),
    });
    trap.activate();
  };
  const observer = new MutationObserver(sync);
  observer.observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ['class', 'style'] });
  return () => observer.disconnect();
}

function whenVisible(el: HTMLElement): Promise<void> {
  return new Promise((resolve) => {
    const look = () => (getComputedStyle(el).visibility === 'visible' ? resolve() : requestAnimationFrame(look));
    look();
  });
}

/**
 * TDesign's row checkboxes have no name, so a screen reader hears "checkbox" twenty times.
 * `v-row-select-labels="1"` on a `<t-table>` names each one after its row's cell in that column
 * (选择：张三) and the header's 全选本页.
 */
export const vRowSelectLabels: Directive<HTMLElement, number> = {
  mounted: selectLabels,
  updated: selectLabels,
};

function selectLabels(el: HTMLElement, binding: { value: number }): void {
  for (const box of Array.from(el.querySelectorAll<HTMLElement>('.t-checkbox'))) {
    const cell = box.closest('tr')?.cells[binding.value];
    const label = box.closest('th') ? '全选本页' : `选择：${cell?.innerText.trim() ?? ''}`;
    box.setAttribute('aria-label', label);
    box.querySelector('input')?.setAttribute('aria-label', label);
  }
}
