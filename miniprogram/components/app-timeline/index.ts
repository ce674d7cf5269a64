import type { TimelineEntry } from '../../../typings/review';
import { beijingTime } from '../../utils/format';

/** An application's history as a vertical timeline (t-steps), times in Beijing time, newest last. */
Component({
  options: { styleIsolation: 'apply-shared' },
  properties: {
    history: { type: Array, value: [] as TimelineEntry[] },
    /** Still waiting: the last step shows as in progress. */
    pending: { type: Boolean, value: false },
  },
  data: { steps: [] as Array<{ title: string; content: string }>, current: 0 },
  observers: {
    'history, pending'(history: TimelineEntry[], pending: boolean) {
      const steps = history.map((h) => ({
        title: `${h.actionName} · ${h.byName}`,
        content: `${beijingTime(h.at)}${h.note ? `\n${h.note}` : ''}`,
      }));
      if (pending) steps.push({ title: '等待审核', content: '审核结果会通过服务通知告诉您' });
      this.setData({ steps, current: pending ? steps.length - 1 : steps.length });
    },
  },
});
