import type { ScanResult } from '../../../typings/org';
import type { AboveSubtype } from '../../../typings/models';
import { call, newRequestId } from '../../api/client';
import { requestState } from '../../behaviors/request-state';
import { ABOVE_SUBTYPE_NAMES } from '../../generated/labels';
import { askReviewNotice, bindField, REVIEW_NOTICE_TEMPLATE, run } from '../../utils/ui';

/** What a union registering by QR may be: grassroots, or an above-grassroots subtype below county level. */
const REGISTRABLE: AboveSubtype[] = ['street', 'system', 'group', 'federation', 'organ', 'other'];
const SUBTYPES: Array<{ value: AboveSubtype | 'grassroots'; label: string }> = [
  { value: 'grassroots', label: '基层工会' },
  ...REGISTRABLE.map((value) => ({ value, label: `基层以上·${ABOVE_SUBTYPE_NAMES[value]}` })),
];

/** 工会组织登记: opened from the superior union's code; the superior's admin reviews. */
Component({
  behaviors: [requestState],
  data: {
    code: '',
    superior: null as ScanResult['union'] | null,
    subtypes: SUBTYPES,
    subtype: 'grassroots' as AboveSubtype | 'grassroots',
    subtypeName: SUBTYPES[0].label,
    subtypePickerVisible: false,
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
      this.setData({ superior: res ? res.union : null, loaded: true });
    },
    onInput(e: WechatMiniprogram.Input) {
      bindField(this, e);
    },
    openSubtypes() {
      this.setData({ subtypePickerVisible: true });
    },
    closeSubtypes() {
      this.setData({ subtypePickerVisible: false });
    },
    onSubtype(e: WechatMiniprogram.CustomEvent<{ value: Array<AboveSubtype | 'grassroots'> }>) {
      const subtype = e.detail.value[0];
      this.setData({
        subtype,
        subtypeName: SUBTYPES.find((s) => s.value === subtype)?.label ?? '',
        subtypePickerVisible: false,
      });
    },
    async submit() {
      await askReviewNotice(REVIEW_NOTICE_TEMPLATE);
      const subtype = this.data.subtype === 'grassroots' ? '' : this.data.subtype;
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
