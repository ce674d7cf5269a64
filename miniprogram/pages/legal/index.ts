import { PRIVACY_DECLARATIONS } from '../../utils/privacy';
import { LEGAL_DOCS, type LegalDoc } from './content';

/** 用户服务协议 (`?doc=agreement`) or 个人信息处理规则 (`?doc=privacy`, with the API declarations). */
Component({
  data: { doc: LEGAL_DOCS.privacy as LegalDoc, kind: 'privacy', declarations: PRIVACY_DECLARATIONS },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const kind = query.doc === 'agreement' ? 'agreement' : 'privacy';
      this.setData({ kind, doc: LEGAL_DOCS[kind] });
      wx.setNavigationBarTitle({ title: LEGAL_DOCS[kind].title });
    },
  },
});
