// Accessibility as a gate: every screen and dialog, rendered with its data, has nothing axe finds at
// fault (color-contrast aside, which jsdom cannot compute; see ../test/axe.ts).
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { axeViolations } from '../test/axe';
import { backend } from '../test/fakeBackend';
import { renderApp } from '../test/render';

async function open(page: string) {
  await fireEvent.click(within(screen.getByRole('navigation', { name: 'Sections' })).getByRole('button', { name: page }));
}

async function expectAccessible() {
  expect(await axeViolations()).toEqual([]);
}

// Each page of the main window and what it shows once its data is in.
const PAGES: { page: string; shows: () => Promise<unknown> }[] = [
  { page: 'Home', shows: () => screen.findByRole('list', { name: 'Your organizations' }) },
  { page: 'People', shows: () => screen.findByRole('listbox', { name: 'People' }) },
  { page: 'Overview', shows: () => screen.findByTestId('ov-name') },
  { page: 'Settings', shows: () => screen.findByLabelText('Name') },
  { page: 'Members', shows: () => screen.findByText('user1@example.com') },
  { page: 'Invitations', shows: () => screen.findByText('pending@example.com') },
  { page: 'Workspaces', shows: () => screen.findByText('ws-available') },
  { page: 'Teams', shows: () => screen.findByText('Runs the platform') },
  { page: 'Roles', shows: () => screen.findByText('Reads only') },
  { page: 'Diagnostics', shows: () => screen.findByTestId('diag-verdict') },
];

// axe walks every element: a shorter member list keeps a run quick, and each test gets more time.
const fewMembers = () => void backend.members.splice(10, 240);

describe('accessibility', { timeout: 30_000 }, () => {
  it('the sign-in screen', async () => {
    await renderApp({ signedIn: false });
    await expectAccessible();
  });

  it('the sign-in screen with the self-hosted options open', async () => {
    await renderApp({ signedIn: false });
    const details = screen.getByText('Self-hosted control plane').closest('details')!;
    details.open = true;
    await fireEvent(details, new Event('toggle'));
    await expectAccessible();
  });

  for (const p of PAGES) {
    it(`the main window on ${p.page}`, async () => {
      await renderApp({ setup: fewMembers });
      await open(p.page);
      await p.shows();
      await expectAccessible();
    });
  }

  it('the main window of a viewer, with the controls greyed out', async () => {
    await renderApp({
      setup: () => {
        fewMembers();
        backend.canManage = false;
        backend.myRoles = ['Organization Viewer'];
      },
    });
    await open('Members');
    await waitFor(() => expect(screen.getByLabelText('Role of User 2')).toBeDisabled());
    await expectAccessible();
  });

  it('the main window offline, with a page that could not be read', async () => {
    await renderApp({
      setup: () => {
        backend.fail('sync_now', 'offline', 'connect refused');
        backend.fail('list_teams', 'offline', 'connect refused');
      },
    });
    await open('Teams');
    await screen.findByTestId('load-error');
    await screen.findByText(/Offline — showing data as of/);
    await expectAccessible();
  });

  it('the quick switcher open', async () => {
    await renderApp();
    await fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
    await screen.findByRole('dialog', { name: 'Switch organization' });
    await expectAccessible();
  });

  it('the invite form filled in, with an address that is not valid, and its results', async () => {
    await renderApp();
    await open('Invitations');
    await screen.findByText('pending@example.com');
    await fireEvent.input(screen.getByLabelText('Email addresses'), { target: { value: 'a@example.com, not-an-email' } });
    await screen.findByRole('list', { name: 'Addresses to invite' });
    await expectAccessible();
    await fireEvent.click(screen.getByRole('button', { name: 'Invite' }));
    await screen.findByRole('list', { name: 'Invitation results' });
    await expectAccessible();
  });

  it('the sign-out dialog open', async () => {
    await renderApp();
    await fireEvent.click(screen.getByRole('button', { name: 'Sign out…' }));
    await screen.findByRole('dialog', { name: 'Sign out?' });
    await expectAccessible();
  });

  it('the remove-member dialog open', async () => {
    await renderApp({ setup: fewMembers });
    await open('Members');
    const remove = await screen.findByRole('button', { name: 'Remove User 3' });
    await waitFor(() => expect(remove).toBeEnabled());
    await fireEvent.click(remove);
    await screen.findByRole('dialog', { name: 'Remove member?' });
    await expectAccessible();
  });

  it('the sign-in screen with a refused key and with the browser sign-in waiting', async () => {
    await renderApp({ signedIn: false, setup: () => backend.fail('login_with_key', 'unauthorized', 'bad key') });
    await fireEvent.input(screen.getByLabelText(/API key or token/), { target: { value: 'bad' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByRole('alert');
    await expectAccessible();
    await fireEvent.click(screen.getByRole('button', { name: 'Sign in with the browser' }));
    await screen.findByTestId('user-code');
    await expectAccessible();
  });

  it('the sign-in screen to add an account beside a signed-in one', async () => {
    await renderApp({ setup: () => backend.addOtherAccount(false) });
    await fireEvent.click(screen.getByRole('button', { name: /Account menu/ }));
    await fireEvent.click(screen.getByRole('button', { name: 'Add another account…' }));
    await screen.findByRole('button', { name: 'Sign in with the browser' });
    await expectAccessible();
  });

  it('the quick switcher with no organization matching', async () => {
    await renderApp();
    await fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
    const dialog = await screen.findByRole('dialog', { name: 'Switch organization' });
    await fireEvent.input(within(dialog).getByRole('combobox'), { target: { value: 'nothing like it' } });
    await screen.findByText('No organization matches.');
    await expectAccessible();
  });

  it('lists that are empty, hidden from the role or missing rows', async () => {
    await renderApp({
      setup: () => {
        backend.hide('list_members');
        backend.hide('list_workspaces');
        backend.teams = [];
        backend.invitations = [];
        backend.skip('list_roles', 3);
      },
    });
    for (const [page, text] of [
      ['Members', /Not visible to your role — /],
      ['Workspaces', /Not visible to your role — /],
      ['Teams', 'No teams.'],
      ['Invitations', 'No pending invitations.'],
      ['Roles', /3 rows could not be read/],
      ['Overview', 'Not visible to your role'],
    ] as const) {
      await open(page);
      await screen.findAllByText(text);
      await expectAccessible();
    }
  });

  it('pages whose read failed', async () => {
    await renderApp({
      setup: () => {
        fewMembers();
        backend.fail('list_roles', 'server', 'boom');
        backend.fail('organization_overview', 'internal', 'db locked');
      },
    });
    await open('Overview');
    await screen.findByTestId('load-error');
    await expectAccessible();
    await open('Members');
    await screen.findByText('Could not load the roles.');
    await expectAccessible();
  });

  it('Diagnostics with the server unreachable', async () => {
    await renderApp({ setup: () => (backend.unreachable = true) });
    await open('Diagnostics');
    await screen.findByTestId('diag-verdict');
    await expectAccessible();
  });

  it('Settings after a save, and with a name that is not valid', async () => {
    await renderApp();
    await open('Settings');
    const name = (await screen.findByLabelText('Name')) as HTMLInputElement;
    await waitFor(() => expect(name.value).toBe('alpha'));
    await fireEvent.input(name, { target: { value: 'bad/name!' } });
    await screen.findByText(/Use only letters, digits, spaces/);
    await expectAccessible();
    await fireEvent.input(name, { target: { value: 'alpha-2' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText(/Saved/);
    await expectAccessible();
  });

  it('the account menu open', async () => {
    await renderApp({ setup: () => backend.addOtherAccount() });
    await fireEvent.click(screen.getByRole('button', { name: /Account menu/ }));
    await screen.findByRole('list', { name: 'Accounts' });
    await expectAccessible();
  });
});
