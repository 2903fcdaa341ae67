// Loads one screen's data for the active organization: again when the organization changes, when a
// `data_changed` event names one of the entities it shows (a sync names them all; a write only what it
// changed) and when `deps` read anything that changed. Nothing else reloads it: a write waits for the
// event instead of reading again itself, so one change means one read.
import { untrack } from 'svelte';
import type { Entity } from './api';
import { activeOrg, app } from './state.svelte';

// Reads started together (in the same turn: a switch of organization starts the page's list, the roles
// and the access at once; a sync's event every list on screen) are shown together, when the last of
// them has answered: the window renders and lays out the new organization once, not once per answer
// (a page of rows, then its role options again, then its buttons again). One that has not answered
// after `TOGETHER_MS` no longer holds the others back.
const TOGETHER_MS = 150;

interface Together {
  open: boolean;
  pending: number;
  ready: (() => void)[];
}

let together: Together | null = null;

function showAll(t: Together): void {
  for (const show of t.ready.splice(0)) show();
}

/** Joins the reads started in this turn; `done` shows this one's answer when all of them are in. */
function joinTogether(): (show: () => void) => void {
  if (!together?.open) {
    const t: Together = { open: true, pending: 0, ready: [] };
    together = t;
    queueMicrotask(() => (t.open = false));
    setTimeout(() => {
      t.pending = 0;
      showAll(t);
    }, TOGETHER_MS);
  }
  const t = together;
  t.pending++;
  let answered = false;
  return (show) => {
    if (answered) return;
    answered = true;
    if (t.pending === 0) {
      // Waited too long: the others are shown already.
      show();
      return;
    }
    t.ready.push(show);
    t.pending--;
    if (t.pending === 0) showAll(t);
  };
}

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
    const done = joinTogether();
    let show: () => void;
    try {
      const data = await fetcher(org);
      show = () => {
        r.data = data;
        r.error = null;
      };
    } catch (e) {
      show = () => (r.error = e);
    }
    await new Promise<void>((resolve) =>
      done(() => {
        if (mine === seq) {
          show();
          r.loading = false;
        }
        resolve();
      }),
    );
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
