import { searchFaq, type FaqItem } from './faq';

interface HelpData {
  keyword: string;
  items: FaqItem[];
  /** The question whose answer is shown; one at a time keeps the list short. */
  openId: string;
}

Component({
  data: { keyword: '', items: searchFaq(''), openId: '' } as HelpData,
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      if (query.q) this.applyKeyword(decodeURIComponent(query.q));
    },
    onSearch(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.applyKeyword(e.detail.value);
    },
    onClear() {
      this.applyKeyword('');
    },
    onToggle(e: WechatMiniprogram.TouchEvent) {
      const id = String(e.currentTarget.dataset.id);
      this.setData({ openId: this.data.openId === id ? '' : id });
    },
    applyKeyword(keyword: string) {
      const items = searchFaq(keyword);
      // A search with one hit opens it straight away.
      this.setData({ keyword, items, openId: items.length === 1 ? items[0].id : '' });
    },
  },
});
