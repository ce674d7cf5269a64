/**
 * Asks for a reason (reject, remove, revoke, deregister) in a TDesign dialog with a text area: an
 * empty reason gets a message in the dialog instead of closing it. Opened by utils/ui `askReason`.
 */
type Resolver = (reason: string) => void;

Component({
  options: { styleIsolation: 'apply-shared', multipleSlots: true },
  data: { visible: false, title: '', placeholder: '', confirmText: '确定', value: '', error: '' },
  methods: {
    open(o: { title: string; placeholder: string; confirmText?: string }): Promise<string> {
      this.setData({
        visible: true,
        title: o.title,
        placeholder: o.placeholder,
        confirmText: o.confirmText ?? '确定',
        value: '',
        error: '',
      });
      return new Promise<string>((resolve) => {
        (this as unknown as { resolver?: Resolver }).resolver = resolve;
      });
    },
    onInput(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ value: e.detail.value, error: '' });
    },
    confirm() {
      const reason = this.data.value.trim();
      if (!reason) {
        this.setData({ error: `请填写${this.data.title}，对方会看到` });
        return;
      }
      this.finish(reason);
    },
    cancel() {
      this.finish('');
    },
    finish(reason: string) {
      this.setData({ visible: false });
      const self = this as unknown as { resolver?: Resolver };
      self.resolver?.(reason);
      self.resolver = undefined;
    },
  },
});
