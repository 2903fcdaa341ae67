// Loads the data of a page across organizations (Home, People, a person): again when any organization
// of any account changed (`data_changed`: a sync names every entity, a write what it touched), when the
// session changed, and when `deps` read anything that changed. As with `orgResource`, a write waits for
// the event rather than reading again itself: one change, one read.
import { untrack } from 'svelte';
import type { Resource } from './resource.svelte';
import { app } from './state.svelte';

export function crossResource<T>(fetcher: () => Promise<T>, deps: () => unknown = () => null): Resource<T> {
  const r = $state({ data: null as T | null, error: null as unknown, loading: false });
  let seq = 0;

  async function load(): Promise<void> {
    const mine = ++seq;
    r.loading = true;
    try {
      const data = await fetcher();
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
    void app.crossChanges;
    void app.sessionVersion;
    deps();
    untrack(() => void load());
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
    reload: load,
  };
}
