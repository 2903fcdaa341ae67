// A coarse clock for "5 minutes ago" labels: ticks every 30 seconds so they age while the window is open.
export const now = $state({ value: Date.now() });

if (typeof window !== 'undefined' && !import.meta.env?.VITEST) {
  setInterval(() => (now.value = Date.now()), 30_000);
}
