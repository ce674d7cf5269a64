import type { ImportJobView, ValidationReport } from '../../../typings/importer';
import { call } from '../../api/client';
import { currentUnion, loadCurrentUnion, unionFromPicker } from '../../behaviors/current-union';
import { requestState } from '../../behaviors/request-state';
import { openSheet, uploadToCloud } from '../../utils/files';
import { run } from '../../utils/ui';

/** What the importer reads (.xlsx, .xls, .ods, CSV in UTF-8 or GBK) and its file size limit. */
const SHEET_TYPES = ['xlsx', 'xls', 'ods', 'csv'] as const;
const MAX_FILE_BYTES = 20 * 1024 * 1024;

/**
 * 会员导入: the template (opened to forward to a PC), choose the .xlsx from a chat, validate (per-row
 * report, the full report opened as a sheet), submit with progress, final report.
 */
Component({
  behaviors: [requestState, currentUnion],
  data: {
    fileName: '',
    fileId: '',
    report: null as ValidationReport | null,
    job: null as ImportJobView | null,
    step: 0,
  },
  methods: {
    async onLoad(query: Record<string, string | undefined>) {
      await loadCurrentUnion(this, { preferred: query.unionId, fits: (u) => u.union.mayHoldMembers });
    },
    onUnionPicked(e: WechatMiniprogram.CustomEvent<{ value: string[] }>) {
      if (unionFromPicker(this, e)) this.setData({ fileName: '', fileId: '', report: null, job: null, step: 0 });
    },
    async template() {
      await run(this, async () => openSheet((await call('importer', 'template', {})).url), {
        loadingText: '正在打开模板',
      });
    },
    /** The 校验 report, or once a job has run, its report of every row not imported. */
    async openReport() {
      const url = this.data.job ? this.data.job.reportUrl : this.data.report?.reportUrl;
      if (url) await run(this, () => openSheet(url), { loadingText: '正在打开报告' });
    },
    async chooseFile() {
      await run(
        this,
        async () => {
          const file = await new Promise<WechatMiniprogram.ChooseFile>((resolve, reject) =>
            wx.chooseMessageFile({
              count: 1,
              type: 'file',
              extension: [...SHEET_TYPES],
              success: (r) => resolve(r.tempFiles[0]),
              fail: reject,
            }),
          );
          // The importer's own limit (file-guard): refused here before a long upload on a phone.
          if (file.size > MAX_FILE_BYTES)
            throw new Error(`文件超过 ${MAX_FILE_BYTES / 1048576} MB，请拆分成多个文件分批导入`);
          const ext = SHEET_TYPES.find((t) => file.name.toLowerCase().endsWith(`.${t}`)) ?? 'xlsx';
          const fileId = await uploadToCloud(file.path, `uploads/imports/${Date.now()}.${ext}`);
          this.setData({ fileName: file.name, fileId, report: null, job: null, step: 1 });
        },
        { loadingText: '上传中' },
      );
    },
    async validate() {
      const report = await run(
        this,
        () => call('importer', 'validate', { unionId: this.data.unionId, fileId: this.data.fileId }),
        { loadingText: '校验中' },
      );
      if (report) this.setData({ report, step: 2 });
    },
    async submit() {
      let job = await run(
        this,
        () => call('importer', 'submit', { unionId: this.data.unionId, fileId: this.data.fileId }),
        { loadingText: '提交中' },
      );
      // Each call does a bounded amount of work; keep going until the job is done.
      while (job && job.status !== 'done') {
        this.setData({ job });
        const jobId = job.jobId;
        job = await run(this, () => call('importer', 'run', { jobId }), { loadingText: `导入中 ${job.percent}%` });
      }
      if (job) this.setData({ job, step: 3 });
    },
  },
});
