import { reactive, ref, type Ref } from 'vue';
import { messageOf } from './api';

interface PageAnswer<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/**
 * One server-paged table: the rows, TDesign's pagination state, loading and the refusal to show.
 * `fetch` asks the function for one page; `loaded` sees the whole answer (counts, the union…).
 */
export function usePaged<T, A extends PageAnswer<T> = PageAnswer<T>>(fetch: (page: number, pageSize: number) => Promise<A>, loaded?: (answer: A) => void) {
  const rows = ref([]) as Ref<T[]>;
  const loading = ref(false);
  const error = ref('');
  const pagination = reactive({ current: 1, pageSize: 20, total: 0 });

  async function reload(page = pagination.current, pageSize = pagination.pageSize): Promise<void> {
    loading.value = true;
    error.value = '';
    try {
      const answer = await fetch(page, pageSize);
      rows.value = answer.items;
      Object.assign(pagination, { current: answer.page, pageSize: answer.pageSize, total: answer.total });
      loaded?.(answer);
    } catch (err) {
      error.value = messageOf(err);
      rows.value = [];
    } finally {
      loading.value = false;
    }
  }

  return { rows, loading, error, pagination, reload };
}
