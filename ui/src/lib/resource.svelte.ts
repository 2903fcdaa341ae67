// Loads one screen's data for the active organization: again when the organization changes, when a
// `data_changed` event names one of the entities it shows (a sync names them all; a write only what it
// changed) and when `deps` read anything that changed. Nothing else reloads it: a write waits for the
// event instead of reading again itself, so one change means one read.
import { untrack } from 'svelte';
import type { Entity } from './api';
import { activeOrg, app } from './state.svelte';

export interface Resource<T> {
  readonly data: T | null;
  readonly error: unknown;
  readonly loading: boolean;
  reload(): Promise<void>;
}

/**
 * `entities`: what the data is made of, as `data_changed` names it (the members page shows
 * `members`, …). Created inside a component (it lives as long as the component).
 */
export function orgResource<T>(
  entities: readonly Entity[],
  fetcher: (org: string) => Promise<T>,
  deps: () => unknown = () => null,
): Resource<T> {
  const r = $state({ data: null as T | null, error: null as unknown, loading: false });
  let seq = 0;
  // The id alone: a new organization list with the same active one does not read again.
  const orgId = $derived(activeOrg()?.id);

  async function load(org: string): Promise<void> {
    const mine = ++seq;
    r.loading = true;
    try {
      const data = await fetcher(org);
      if (mine === seq) {
        r.data = data;
        r.error = null;
      }
    } catch (e) {
      if (mine === seq) r.error = e;
    } finally {
      if (mine === seq) r.loading = false;
    }
  }

  $effect(() => {
    const org = orgId;
    for (const e of entities) void app.changes[e];
    deps();
    if (org) untrack(() => void load(org));
  });

  return {
    get data() {
      return r.data;
    },
    get error() {
      return r.error;
    },
    get loading() {
      return r.loading;
    },
    reload() {
      const org = activeOrg()?.id;
      return org ? load(org) : Promise.resolve();
    },
  };
}

/** The first of a page's reads that failed, named for people (`what`), and a retry of all of them. */
export function firstFailure(
  reads: [Resource<unknown>, string][],
): { error: unknown; what: string; retry: () => Promise<void> } | null {
  const failed = reads.find(([r]) => r.error != null);
  if (!failed) return null;
  return {
    error: failed[0].error,
    what: failed[1],
    retry: async () => {
      await Promise.all(reads.filter(([r]) => r.error != null).map(([r]) => r.reload()));
    },
  };
}
