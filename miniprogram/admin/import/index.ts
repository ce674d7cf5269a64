import type { ImportJobView, ValidationReport } from '../../../typings/importer';
import type { MyUnion } from '../../../typings/org';
import { call } from '../../api/client';
import { uploadToCloud } from '../../utils/files';
import { run } from '../../utils/ui';

/** 会员导入: template, choose the .xlsx, validate (per-row report), submit with progress, final report. */
Component({
  data: {
    busy: false,
    error: '',
    unions: [] as MyUnion[],
    unionId: '',
    fileName: '',
    fileId: '',
    report: null as ValidationReport | null,
    job: null as ImportJobView | null,
    templateUrl: '',
  },
  methods: {
    async onLoad(query: Record<string, string | undefined>) {
      const mine = await run(this, () => call('org', 'myUnions', {}));
      if (mine) this.setData({ unions: mine.unions, unionId: query.unionId ?? mine.unions.find((u) => u.union.mayHoldMembers)?.union.id ?? '' });
    },
    async template() {
      const res = await run(this, () => call('importer', 'template', {}));
      if (!res) return;
      this.setData({ templateUrl: res.url });
      wx.setClipboardData({ data: res.url });
      wx.showModal({ title: '模板已生成', content: '下载链接已复制，请在电脑浏览器中打开下载，填写后发送到微信再导入。', showCancel: false });
    },
    async chooseFile() {
      await run(this, async () => {
        const file = await new Promise<WechatMiniprogram.ChooseFile>((resolve, reject) =>
          wx.chooseMessageFile({ count: 1, type: 'file', extension: ['xlsx'], success: (r) => resolve(r.tempFiles[0]), fail: reject }),
        );
        if (file.size > 10 * 1024 * 1024) throw new Error('文件超过 10 MB，请拆分后分批导入');
        const fileId = await uploadToCloud(file.path, `uploads/imports/${Date.now()}.xlsx`);
        this.setData({ fileName: file.name, fileId, report: null, job: null });
      }, { loadingText: '上传中' });
    },
    async validate() {
      const report = await run(this, () => call('importer', 'validate', { unionId: this.data.unionId, fileId: this.data.fileId }), { loadingText: '校验中' });
      if (report) this.setData({ report });
    },
    async submit() {
      let job = await run(this, () => call('importer', 'submit', { unionId: this.data.unionId, fileId: this.data.fileId }), { loadingText: '提交中' });
      // Each call does a bounded amount of work; keep going until the job is done.
      while (job && job.status !== 'done') {
        this.setData({ job });
        const jobId = job.jobId;
        job = await run(this, () => call('importer', 'run', { jobId }), { loadingText: `导入中 ${job.percent}%` });
      }
      if (job) this.setData({ job });
    },
  },
});
