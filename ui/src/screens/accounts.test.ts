import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { backend, callsOf } from '../test/fakeBackend';
import { openPage, renderApp } from '../test/render';

function orgNav() {
  return within(screen.getByRole('navigation', { name: 'Organizations' }));
}

async function openSelfHosted() {
  const details = screen.getByText('Self-hosted control plane').closest('details')!;
  details.open = true;
  await fireEvent(details, new Event('toggle'));
}

async function openAccountMenu() {
  await fireEvent.click(screen.getByRole('button', { name: /Account menu/ }));
}

describe('password sign-in (self-hosted)', () => {
  it('calls login_with_password with the URL, username and password, then opens the main window', async () => {
    await renderApp({ signedIn: false });
    await openSelfHosted();
    await fireEvent.input(screen.getByLabelText('API URL'), { target: { value: 'https://zenml.internal' } });
    await fireEvent.input(screen.getByLabelText('Username'), { target: { value: 'ada' } });
    const password = screen.getByLabelText('Password');
    expect(password).toHaveAttribute('type', 'password');
    await fireEvent.input(password, { target: { value: 's3cret' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Sign in with password' }));
    await waitFor(() =>
      expect(callsOf('login_with_password')).toEqual([{ url: 'https://zenml.internal', username: 'ada', password: 's3cret' }]),
    );
    expect(await screen.findByRole('navigation', { name: 'Organizations' })).toBeInTheDocument();
    expect(callsOf('login_with_key')).toHaveLength(0);
  });

  it('asks for both fields before calling anything', async () => {
    await renderApp({ signedIn: false });
    await openSelfHosted();
    await fireEvent.click(screen.getByRole('button', { name: 'Sign in with password' }));
    expect(screen.getByText('Enter your username.')).toBeInTheDocument();
    expect(screen.getByText('Enter your password.')).toBeInTheDocument();
    expect(screen.getByLabelText('Username')).toHaveAttribute('aria-invalid', 'true');
    expect(callsOf('login_with_password')).toHaveLength(0);
  });

  it('shows a refused password in plain words, never raw JSON', async () => {
    await renderApp({ signedIn: false, setup: () => backend.fail('login_with_password', 'unauthorized', '{"detail":"bad credentials"}') });
    await openSelfHosted();
    await fireEvent.input(screen.getByLabelText('Username'), { target: { value: 'ada' } });
    await fireEvent.input(screen.getByLabelText('Password'), { target: { value: 'wrong' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Sign in with password' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Your session has ended');
    expect(alert.textContent).not.toContain('{');
  });
});

describe('account menu', () => {
  it('lists the accounts, marks the active one and switches through switch_account', async () => {
    await renderApp({ setup: () => backend.addOtherAccount() });
    await openPage('Overview');
    await openAccountMenu();
    const list = screen.getByRole('list', { name: 'Accounts' });
    expect(within(list).getByRole('button', { name: 'Me (active)' })).toHaveAttribute('aria-current', 'true');
    const syncsBefore = callsOf('sync_now').length;
    await fireEvent.click(within(list).getByRole('button', { name: 'Switch to Other' }));
    await waitFor(() => expect(callsOf('switch_account')).toEqual([{ accountId: 'acc2' }]));
    await waitFor(() => expect(orgNav().getByRole('button', { name: /delta Inc/ })).toBeInTheDocument());
    expect(orgNav().queryByRole('button', { name: /alpha Inc/ })).toBeNull();
    expect(await screen.findByTestId('ov-name')).toHaveTextContent('delta');
    await waitFor(() => expect(callsOf('sync_now').length).toBe(syncsBefore + 1));
    expect(screen.getByRole('button', { name: /Account menu/ })).toHaveTextContent('Other');
  });

  it('closes with Esc', async () => {
    await renderApp({ setup: () => backend.addOtherAccount() });
    await openAccountMenu();
    const list = screen.getByRole('list', { name: 'Accounts' });
    await fireEvent.keyDown(list, { key: 'Escape' });
    expect(screen.queryByRole('list', { name: 'Accounts' })).toBeNull();
    expect(screen.getByRole('button', { name: /Account menu/ })).toHaveAttribute('aria-expanded', 'false');
  });

  it('switching to a signed-out account opens the sign-in screen with its server filled in', async () => {
    await renderApp({ setup: () => backend.addOtherAccount(false) });
    await openPage('Overview');
    await openAccountMenu();
    await fireEvent.click(screen.getByRole('button', { name: 'Switch to Other' }));
    await screen.findByRole('button', { name: 'Try the demo' });
    expect(screen.getByText(/You signed out of Other/)).toBeInTheDocument();
    expect(screen.getByLabelText('API URL')).toHaveValue('https://zenml.other.example');
    // The account still signed in is one click away.
    await fireEvent.click(screen.getByRole('button', { name: 'Continue as Me' }));
    expect(await screen.findByTestId('ov-name')).toHaveTextContent('alpha');
  });

  it('"Add another account" shows the sign-in screen with a way back', async () => {
    await renderApp();
    await openAccountMenu();
    await fireEvent.click(screen.getByRole('button', { name: 'Add another account…' }));
    expect(await screen.findByRole('button', { name: 'Try the demo' })).toBeInTheDocument();
    await fireEvent.click(screen.getByRole('button', { name: 'Back to Me' }));
    expect(await screen.findByRole('navigation', { name: 'Organizations' })).toBeInTheDocument();
  });

  it('shows a failed switch in plain words and stays on the current account', async () => {
    await renderApp({
      setup: () => {
        backend.addOtherAccount();
        backend.fail('switch_account', 'keyring_unavailable', 'no secret service');
      },
    });
    await openAccountMenu();
    await fireEvent.click(screen.getByRole('button', { name: 'Switch to Other' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/system keyring is not available/);
    expect(orgNav().getByRole('button', { name: /alpha Inc/ })).toBeInTheDocument();
  });
});

describe('sign out', () => {
  it('asks first, keeps the saved data by default and returns to the sign-in screen', async () => {
    await renderApp();
    await fireEvent.click(screen.getByRole('button', { name: 'Sign out…' }));
    const dialog = screen.getByRole('dialog', { name: 'Sign out?' });
    const purge = within(dialog).getByRole('checkbox', { name: /Also delete this account's data/ });
    expect(purge).not.toBeChecked();
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Sign out' }));
    await waitFor(() => expect(callsOf('logout')).toEqual([{ accountId: 'acc1', purge: false }]));
    expect(await screen.findByRole('button', { name: 'Try the demo' })).toBeInTheDocument();
    expect(screen.getByText(/You signed out of Me/)).toBeInTheDocument();
  });

  it('deletes the saved data when asked', async () => {
    await renderApp();
    await fireEvent.click(screen.getByRole('button', { name: 'Sign out…' }));
    const dialog = screen.getByRole('dialog', { name: 'Sign out?' });
    await fireEvent.click(within(dialog).getByRole('checkbox', { name: /Also delete this account's data/ }));
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Sign out and delete data' }));
    await waitFor(() => expect(callsOf('logout')).toEqual([{ accountId: 'acc1', purge: true }]));
    expect(await screen.findByRole('button', { name: 'Try the demo' })).toBeInTheDocument();
  });

  it('Cancel and Esc leave everything as it was', async () => {
    await renderApp();
    await fireEvent.click(screen.getByRole('button', { name: 'Sign out…' }));
    await fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Sign out…' }));
    await fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(callsOf('logout')).toHaveLength(0);
  });

  it('shows a failed sign-out in the dialog in plain words', async () => {
    await renderApp({ setup: () => backend.fail('logout', 'keyring_unavailable', 'locked') });
    await fireEvent.click(screen.getByRole('button', { name: 'Sign out…' }));
    const dialog = screen.getByRole('dialog', { name: 'Sign out?' });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Sign out' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(/system keyring is not available/);
    expect(screen.getByRole('navigation', { name: 'Organizations' })).toBeInTheDocument();
  });

  it('after signing out of one account, offers the other one still signed in', async () => {
    await renderApp({ setup: () => backend.addOtherAccount() });
    await openPage('Overview');
    await fireEvent.click(screen.getByRole('button', { name: 'Sign out…' }));
    await fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Sign out' }));
    await fireEvent.click(await screen.findByRole('button', { name: 'Continue as Other' }));
    await waitFor(() => expect(callsOf('switch_account')).toEqual([{ accountId: 'acc2' }]));
    expect(await screen.findByTestId('ov-name')).toHaveTextContent('delta');
  });
});
