import type { ScanResult } from '../../../typings/org';
import type { AboveSubtype } from '../../../typings/models';
import { call, newRequestId } from '../../api/client';
import { askReviewNotice, bindField, REVIEW_NOTICE_TEMPLATE, run } from '../../utils/ui';

const SUBTYPES: Array<{ value: AboveSubtype | ''; label: string }> = [
  { value: '', label: '基层工会' },
  { value: 'street', label: '基层以上·街镇工会工作委员会' },
  { value: 'system', label: '基层以上·系统工会' },
  { value: 'group', label: '基层以上·集团公司工会' },
  { value: 'federation', label: '基层以上·工联会' },
  { value: 'organ', label: '基层以上·直属机关工会' },
  { value: 'other', label: '基层以上·其他' },
];

/** 工会组织登记: opened from the superior union's code; the superior's admin reviews. */
Component({
  data: {
    busy: false,
    error: '',
    code: '',
    superior: null as ScanResult['union'] | null,
    subtypes: SUBTYPES,
    subtypeIndex: 0,
    name: '',
    unitName: '',
    creditCode: '',
    address: '',
    chairName: '',
    contactPhone: '',
    declaredMembers: '',
    submitted: false,
    requestId: '',
  },
  methods: {
    async onLoad(query: Record<string, string | undefined>) {
      const code = decodeURIComponent(query.code ?? '');
      this.setData({ code, requestId: newRequestId() });
      const res = await run(this, () => call('org', 'scan', { code }));
      if (res) this.setData({ superior: res.union });
    },
    onInput(e: WechatMiniprogram.Input) {
      bindField(this, e);
    },
    onSubtype(e: WechatMiniprogram.PickerChange) {
      this.setData({ subtypeIndex: Number(e.detail.value) });
    },
    async submit() {
      await askReviewNotice(REVIEW_NOTICE_TEMPLATE);
      const subtype = SUBTYPES[this.data.subtypeIndex].value;
      const ok = await run(this, async () => {
        await call(
          'review',
          'submit',
          {
            kind: 'orgRegister',
            data: {
              code: this.data.code,
              name: this.data.name,
              unitName: this.data.unitName,
              creditCode: this.data.creditCode,
              category: subtype ? 'above' : 'grassroots',
              ...(subtype ? { subtype } : {}),
              address: this.data.address,
              chairName: this.data.chairName,
              contactPhone: this.data.contactPhone,
              declaredMembers: Number(this.data.declaredMembers || 0),
            },
          },
          this.data.requestId,
        );
        return true;
      });
      if (ok) this.setData({ submitted: true });
    },
  },
});
