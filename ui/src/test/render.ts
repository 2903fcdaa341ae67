// Renders the whole app against a fresh fake backend.
import { render, screen, waitFor } from '@testing-library/svelte';
import { expect } from 'vitest';
import App from '../App.svelte';
import { resetApp } from '../lib/state.svelte';
import { backend, invoke } from './fakeBackend';

export async function renderApp(opts: { signedIn?: boolean; setup?: () => void } = {}) {
  backend.reset(opts.signedIn ?? true);
  opts.setup?.();
  resetApp();
  invoke.mockClear();
  const result = render(App);
  if (opts.signedIn ?? true) {
    await screen.findByRole('navigation', { name: 'Organizations' });
    await waitFor(() => expect(document.querySelector('.org[aria-current="true"]')).not.toBeNull());
  } else {
    await screen.findByRole('button', { name: 'Try the demo' });
  }
  return result;
}
