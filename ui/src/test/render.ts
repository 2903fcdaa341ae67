// Renders the whole app against a fresh fake backend.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
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

/** Opens a page from the Sections navigation, as a click does (the window starts on Home). */
export async function openPage(name: string) {
  await fireEvent.click(within(screen.getByRole('navigation', { name: 'Sections' })).getByRole('button', { name }));
}
