import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { CommandName } from '../lib/bindings/commands';
import { backend, callsOf } from '../test/fakeBackend';
import { renderApp } from '../test/render';

async function open(page: string) {
  await fireEvent.click(within(screen.getByRole('navigation', { name: 'Sections' })).getByRole('button', { name: page }));
}

// Each page, the read it depends on, the words naming what could not be read, and something the page
// shows once the read works again.
const PAGES: { page: string; command: CommandName; what: string; shows: () => Promise<unknown> }[] = [
  { page: 'Overview', command: 'organization_overview', what: "this organization's overview", shows: () => screen.findByTestId('ov-name') },
  { page: 'Settings', command: 'organization_overview', what: "this organization's settings", shows: () => screen.findByLabelText('Name') },
  { page: 'Members', command: 'list_members', what: 'the members', shows: () => screen.findByText('user1@example.com') },
  { page: 'Invitations', command: 'list_invitations', what: 'the invitations', shows: () => screen.findByText('pending@example.com') },
  { page: 'Workspaces', command: 'list_workspaces', what: 'the workspaces', shows: () => screen.findByText('ws-available') },
  { page: 'Teams', command: 'list_teams', what: 'the teams', shows: () => screen.findByText('Runs the platform') },
  { page: 'Roles', command: 'list_roles', what: 'the roles', shows: () => screen.findByText('Reads only') },
];

describe('a page whose read fails', () => {
  for (const p of PAGES) {
    it(`${p.page}: says what could not be loaded in plain words, and Try again reads it again`, async () => {
      await renderApp({ setup: () => backend.fail(p.command, 'internal', '{"panic":"db locked"}') });
      await open(p.page);
      const alert = await screen.findByTestId('load-error');
      expect(alert).toHaveAttribute('role', 'alert');
      expect(alert).toHaveTextContent(`Could not load ${p.what}.`);
      expect(alert).toHaveTextContent('Something went wrong inside the app');
      expect(alert.textContent).not.toContain('{');
      expect(screen.queryByText('Loading…')).toBeNull();
      expect(screen.queryByText(/^No (teams|roles|members match)/)).toBeNull();

      backend.failures.clear();
      const before = callsOf(p.command).length;
      await fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
      await waitFor(() => expect(callsOf(p.command).length).toBeGreaterThan(before));
      await p.shows();
      await waitFor(() => expect(screen.queryByTestId('load-error')).toBeNull());
    });
  }

  it('names a failed read the page depends on besides its list (the roles on Members)', async () => {
    await renderApp({ setup: () => backend.fail('list_roles', 'not_found', 'organization gone') });
    await open('Members');
    const alert = await screen.findByTestId('load-error');
    expect(alert).toHaveTextContent('Could not load the roles.');
    expect(alert).toHaveTextContent('This item no longer exists');
    expect(alert).toHaveTextContent('organization gone');
    // The members themselves still show.
    expect(await screen.findByText('user1@example.com')).toBeInTheDocument();
  });

  it('shows its own error next to the offline banner', async () => {
    await renderApp({
      setup: () => {
        backend.fail('sync_now', 'offline', 'connect refused');
        backend.fail('list_teams', 'offline', 'connect refused');
      },
    });
    await open('Teams');
    expect(await screen.findByText(/Offline — showing data as of/)).toBeInTheDocument();
    const alert = await screen.findByTestId('load-error');
    expect(alert).toHaveTextContent('Could not load the teams.');
    expect(alert).toHaveTextContent('You are offline');
  });
});
