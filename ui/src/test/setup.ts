import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/svelte';
import { afterEach, vi } from 'vitest';

// Every test talks to the fake Rust side, never to a real Tauri runtime.
vi.mock('@tauri-apps/api/core', async () => {
  const fake = await import('./fakeBackend');
  return { invoke: fake.invoke };
});
vi.mock('@tauri-apps/api/event', async () => {
  const fake = await import('./fakeBackend');
  return { listen: fake.listen };
});

// Each test starts on an empty page.
afterEach(() => cleanup());
