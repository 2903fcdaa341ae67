// Members → Service accounts: the list (active, last login, keys, roles), creating one after the note of
// what its username may adopt, deactivating and deleting after saying that issued tokens outlive it; an
// account's API keys: created and rotated with their value shown once (Copy, then gone when the dialog
// closes), the periods checked before anything is sent, deactivated and deleted after a confirmation.
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { axeViolations } from '../test/axe';
import { backend, callsOf, invoke, listen } from '../test/fakeBackend';
import { TOKENS_OUTLIVE } from '../test/fakeServiceAccounts';
import { openPage, renderApp } from '../test/render';

/** Puts a clipboard on `navigator` (jsdom has none). */
function stubClipboard() {
  const writeText = vi.fn(async (_text: string) => undefined);
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
  return writeText;
}

afterEach(() => {
  Reflect.deleteProperty(navigator, 'clipboard');
});

async function openServiceAccounts() {
  await openPage('Members');
  await fireEvent.click(await screen.findByRole('tab', { name: 'Service accounts' }));
  return (await screen.findByText('Runs the pipelines')).closest('tr')!;
}

async function openKeys() {
  await openServiceAccounts();
  await fireEvent.click(screen.getByRole('button', { name: 'Keys of ci-bot' }));
  await screen.findByRole('heading', { name: 'API keys of ci-bot' });
  return (await screen.findByText('Used by the pipelines')).closest('tr')!;
}

const dialog = () => screen.getByRole('dialog');

describe('service accounts', { timeout: 30_000 }, () => {
  it('lists each account with whether it is active, its last login, its keys and its roles', async () => {
    await renderApp();
    const row = await openServiceAccounts();
    const headers = within(row.closest('table')!).getAllByRole('columnheader').map((h) => h.textContent?.trim());
    expect(headers).toEqual(['Name', 'Description', 'Active', 'Last login', 'Keys', 'Roles', 'Actions']);
    expect(within(row).getByText('ci-bot')).toBeInTheDocument();
    expect(within(row).getByText('Active')).toBeInTheDocument();
    expect(within(row).getByText('1')).toBeInTheDocument();
    expect(within(row).getByText('Organization Member')).toBeInTheDocument();
    expect(within(row).getByText(/ago$/)).toBeInTheDocument();
    expect(await axeViolations()).toEqual([]);
  });

  it('creates an account only after showing what its username may adopt', async () => {
    await renderApp();
    await openServiceAccounts();
    await fireEvent.click(screen.getByRole('button', { name: 'New service account' }));
    const form = screen.getByRole('form', { name: 'New service account' });
    await fireEvent.click(within(form).getByRole('button', { name: 'Create service account' }));
    expect(within(form).getByRole('alert')).toHaveTextContent('Enter a username.');
    await fireEvent.input(within(form).getByLabelText('Username'), { target: { value: 'has space' } });
    expect(within(form).getByRole('alert')).toHaveTextContent('Use only letters, digits, "-", "_" and ".".');
    expect(callsOf('service_account_adoption_note')).toHaveLength(0);

    await fireEvent.input(within(form).getByLabelText('Username'), { target: { value: 'deploy-bot' } });
    await fireEvent.input(within(form).getByLabelText(/^Description/), { target: { value: 'Deploys' } });
    await fireEvent.click(within(form).getByRole('button', { name: 'Create service account' }));
    // The note is shown, and nothing is created until it is confirmed.
    const note = await screen.findByTestId('sa-adoption-note');
    expect(note).toHaveTextContent('If a workspace has a service account named “deploy-bot”, this account takes it over');
    expect(within(dialog()).getByRole('heading', { name: 'Create service account?' })).toBeInTheDocument();
    expect(callsOf('service_account_adoption_note')).toEqual([{ username: 'deploy-bot' }]);
    expect(callsOf('create_service_account')).toHaveLength(0);
    expect(await axeViolations()).toEqual([]);

    await fireEvent.click(within(dialog()).getByRole('button', { name: 'Create' }));
    await waitFor(() =>
      expect(callsOf('create_service_account')).toEqual([{ org: 'o1', username: 'deploy-bot', description: 'Deploys' }]),
    );
    // The list reads again on the change the app announced.
    const row = (await screen.findByText('Deploys')).closest('tr')!;
    expect(within(row).getByText('deploy-bot')).toBeInTheDocument();
    expect(within(row).getByText('0')).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Created the service account deploy-bot.');
    expect(screen.queryByRole('form', { name: 'New service account' })).toBeNull();
  });

  it('cancelling the adoption note sends nothing; a refusal is said in plain words', async () => {
    await renderApp();
    await openServiceAccounts();
    await fireEvent.click(screen.getByRole('button', { name: 'New service account' }));
    await fireEvent.input(screen.getByLabelText('Username'), { target: { value: 'ci-bot' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Create service account' }));
    await screen.findByTestId('sa-adoption-note');
    await fireEvent.keyDown(dialog(), { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(callsOf('create_service_account')).toHaveLength(0);

    await fireEvent.click(screen.getByRole('button', { name: 'Create service account' }));
    await screen.findByTestId('sa-adoption-note');
    await fireEvent.click(within(dialog()).getByRole('button', { name: 'Create' }));
    const form = screen.getByRole('form', { name: 'New service account' });
    expect(await within(form).findByRole('alert')).toHaveTextContent('This clashes with something that already exists');
    expect(within(form).getByRole('alert')).toHaveTextContent('a service account named ci-bot exists');
  });

  it('deactivates and deletes after saying that issued tokens stay valid up to an hour', async () => {
    await renderApp();
    const row = await openServiceAccounts();
    await fireEvent.click(within(row).getByRole('button', { name: 'Deactivate ci-bot' }));
    expect(within(dialog()).getByRole('note')).toHaveTextContent(TOKENS_OUTLIVE);
    // The focus starts on Cancel; Cancel sends nothing.
    expect(within(dialog()).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await fireEvent.click(within(dialog()).getByRole('button', { name: 'Cancel' }));
    expect(callsOf('set_service_account_active')).toHaveLength(0);

    await fireEvent.click(within(row).getByRole('button', { name: 'Deactivate ci-bot' }));
    await fireEvent.click(within(dialog()).getByRole('button', { name: 'Deactivate' }));
    await waitFor(() =>
      expect(callsOf('set_service_account_active')).toEqual([{ org: 'o1', serviceAccount: 'sa1', active: false }]),
    );
    const again = (await screen.findByText('Inactive')).closest('tr')!;
    // Activating needs no confirmation.
    await fireEvent.click(within(again).getByRole('button', { name: 'Activate ci-bot' }));
    await waitFor(() => expect(callsOf('set_service_account_active')).toHaveLength(2));
    expect(callsOf('set_service_account_active')[1]).toEqual({ org: 'o1', serviceAccount: 'sa1', active: true });

    await fireEvent.click(await screen.findByRole('button', { name: 'Delete ci-bot' }));
    expect(within(dialog()).getByText(/and its API keys\? This cannot be undone\./)).toBeInTheDocument();
    expect(within(dialog()).getByRole('note')).toHaveTextContent(TOKENS_OUTLIVE);
    await fireEvent.click(within(dialog()).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(callsOf('delete_service_account')).toEqual([{ org: 'o1', serviceAccount: 'sa1' }]));
    expect(await screen.findByText('No service accounts.')).toBeInTheDocument();
  });

  it('a role that cannot manage sees the controls off, with the roles needed', async () => {
    await renderApp({
      setup: () => {
        backend.canManage = false;
        backend.myRoles = ['Organization Viewer'];
      },
    });
    const row = await openServiceAccounts();
    await waitFor(() => expect(screen.getByRole('button', { name: 'New service account' })).toBeDisabled());
    expect(within(row).getByRole('button', { name: 'Deactivate ci-bot' })).toBeDisabled();
    expect(within(row).getByRole('button', { name: 'Delete ci-bot' })).toBeDisabled();
    expect(within(row).getByRole('button', { name: 'Delete ci-bot' }).parentElement).toHaveAttribute(
      'title',
      'Requires Organization Admin or Organization Manager',
    );
    // The keys can still be read.
    expect(within(row).getByRole('button', { name: 'Keys of ci-bot' })).toBeEnabled();
  });
});

describe('API keys', { timeout: 30_000 }, () => {
  it('lists an account’s keys with their last use, expiry and state', async () => {
    await renderApp();
    const row = await openKeys();
    const headers = within(row.closest('table')!).getAllByRole('columnheader').map((h) => h.textContent?.trim());
    expect(headers).toEqual(['Key', 'Description', 'Active', 'Last used', 'Expires', 'Created', 'Actions']);
    expect(within(row).getByText('ci')).toBeInTheDocument();
    expect(within(row).getByText('Active')).toBeInTheDocument();
    expect(within(row).getByText(/ago$/)).toBeInTheDocument();
    expect(within(row).getByText(/^in \d+ years?$/)).toBeInTheDocument();
    expect(callsOf('list_api_keys')).toEqual([{ org: 'o1', serviceAccount: 'sa1' }]);
    expect(await axeViolations()).toEqual([]);
    await fireEvent.click(screen.getByRole('button', { name: '← All service accounts' }));
    expect(await screen.findByText('Runs the pipelines')).toBeInTheDocument();
  });

  it('creates a key and shows it once, with Copy; closed, its value is nowhere in the window', async () => {
    const writeText = stubClipboard();
    await renderApp();
    await openKeys();
    await fireEvent.click(screen.getByRole('button', { name: 'New key' }));
    const form = screen.getByRole('form', { name: 'New API key' });
    await fireEvent.input(within(form).getByLabelText('Key name'), { target: { value: 'deploy' } });
    await fireEvent.input(within(form).getByLabelText(/^Expires after/), { target: { value: 'soon' } });
    expect(within(form).getByRole('alert')).toHaveTextContent('Enter a whole number.');
    expect(within(form).getByRole('button', { name: 'Create key' })).toBeDisabled();
    await fireEvent.input(within(form).getByLabelText(/^Expires after/), { target: { value: '400' } });
    expect(within(form).getByRole('alert')).toHaveTextContent('Use at most a year (365 days).');
    await fireEvent.input(within(form).getByLabelText(/^Expires after/), { target: { value: '30' } });
    expect(within(form).queryByRole('alert')).toBeNull();
    await fireEvent.click(within(form).getByRole('button', { name: 'Create key' }));
    await waitFor(() =>
      expect(callsOf('create_api_key')).toEqual([
        { org: 'o1', serviceAccount: 'sa1', name: 'deploy', description: null, expiresInMinutes: 30 * 1440 },
      ]),
    );

    const [value] = backend.sa.values;
    const shown = await screen.findByRole('dialog', { name: 'API key created' });
    expect(within(shown).getByLabelText('The API key')).toHaveValue(value);
    expect(within(shown).getByText(/will not be shown again/)).toBeInTheDocument();
    // The focus is on the key, selected (Ctrl+C copies it), and Copy is next.
    const field = within(shown).getByLabelText<HTMLTextAreaElement>('The API key');
    expect(field).toHaveFocus();
    expect([field.selectionStart, field.selectionEnd]).toEqual([0, value.length]);
    expect(await axeViolations()).toEqual([]);
    await fireEvent.click(within(shown).getByRole('button', { name: 'Copy' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(value));
    expect(within(shown).getByRole('status')).toHaveTextContent('Copied to the clipboard.');

    // A click beside the dialog does not close it.
    await fireEvent.click(shown.parentElement!);
    expect(screen.getByRole('dialog', { name: 'API key created' })).toBeInTheDocument();

    // The new key is listed (without its value); closed, the value is gone from the window.
    expect(await screen.findByRole('cell', { name: 'deploy' })).toBeInTheDocument();
    await fireEvent.click(within(shown).getByRole('button', { name: 'Done' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.body.innerHTML).not.toContain(value);
    expect([...document.querySelectorAll('input, textarea')].some((i) => (i as HTMLInputElement).value === value)).toBe(false);
    // It crossed once, as the command's answer: no other answer and no event carried it.
    const answers = await Promise.all(invoke.mock.results.map((r) => Promise.resolve(r.value).catch(() => null)));
    expect(answers.filter((a) => JSON.stringify(a ?? null).includes(value))).toHaveLength(1);
    expect(JSON.stringify(listen.mock.calls)).not.toContain(value);
    expect(JSON.stringify(localStorage)).not.toContain(value);
    expect(JSON.stringify(sessionStorage)).not.toContain(value);
  });

  it('falls back to a selection when the clipboard refuses, and says so if that fails too', async () => {
    Object.defineProperty(navigator, 'clipboard', {
      value: { writeText: vi.fn(async () => Promise.reject(new Error('denied'))) },
      configurable: true,
    });
    await renderApp();
    await openKeys();
    await fireEvent.click(screen.getByRole('button', { name: 'New key' }));
    await fireEvent.input(screen.getByLabelText('Key name'), { target: { value: 'deploy' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Create key' }));
    const shown = await screen.findByRole('dialog', { name: 'API key created' });
    await fireEvent.click(within(shown).getByRole('button', { name: 'Copy' }));
    expect(await within(shown).findByRole('alert')).toHaveTextContent('Could not copy it. Select the key above');
  });

  it('rotates a key with a retention period checked before anything is sent, and shows the new value once', async () => {
    await renderApp();
    const row = await openKeys();
    const user = userEvent.setup();
    await fireEvent.click(within(row).getByRole('button', { name: 'Rotate ci' }));
    const rotate = screen.getByRole('dialog', { name: 'Rotate API key?' });
    const amount = within(rotate).getByLabelText(/^Keep the old value working for/);
    expect(amount).toHaveFocus();
    expect(await axeViolations()).toEqual([]);
    await fireEvent.input(amount, { target: { value: '-5' } });
    expect(within(rotate).getByRole('alert')).toHaveTextContent('Enter a whole number.');
    expect(within(rotate).getByRole('button', { name: 'Rotate' })).toBeDisabled();
    await fireEvent.input(amount, { target: { value: '2' } });
    await fireEvent.change(within(rotate).getByLabelText('Unit of the retention'), { target: { value: 'hours' } });
    expect(within(rotate).queryByRole('alert')).toBeNull();
    // Enter in the field submits.
    amount.focus();
    await user.keyboard('{Enter}');
    await waitFor(() =>
      expect(callsOf('rotate_api_key')).toEqual([{ org: 'o1', serviceAccount: 'sa1', key: 'k1', retainMinutes: 120 }]),
    );
    const shown = await screen.findByRole('dialog', { name: 'API key rotated' });
    expect(within(shown).getByLabelText('The API key')).toHaveValue(backend.sa.values[0]);
    expect(within(shown).getByText('The old value keeps working for 2 hours.')).toBeInTheDocument();
    // Esc closes it, and the value with it.
    await fireEvent.keyDown(shown, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.body.innerHTML).not.toContain(backend.sa.values[0]);

    // Left empty, the old value stops at once.
    await fireEvent.click(within(row).getByRole('button', { name: 'Rotate ci' }));
    await fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Rotate' }));
    await waitFor(() => expect(callsOf('rotate_api_key')).toHaveLength(2));
    expect(callsOf('rotate_api_key')[1].retainMinutes).toBe(0);
    expect(await screen.findByText('The old value no longer works.')).toBeInTheDocument();
  });

  it('deactivates and deletes a key after saying that issued tokens stay valid up to an hour', async () => {
    await renderApp();
    const row = await openKeys();
    await fireEvent.click(within(row).getByRole('button', { name: 'Deactivate key ci' }));
    expect(within(dialog()).getByRole('note')).toHaveTextContent(TOKENS_OUTLIVE);
    expect(await axeViolations()).toEqual([]);
    await fireEvent.click(within(dialog()).getByRole('button', { name: 'Deactivate' }));
    await waitFor(() =>
      expect(callsOf('set_api_key_active')).toEqual([{ org: 'o1', serviceAccount: 'sa1', key: 'k1', active: false }]),
    );
    expect(await screen.findByText('Inactive')).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('The key ci is deactivated.');

    await fireEvent.click(screen.getByRole('button', { name: 'Delete key ci' }));
    expect(within(dialog()).getByRole('note')).toHaveTextContent(TOKENS_OUTLIVE);
    await fireEvent.click(within(dialog()).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(callsOf('delete_api_key')).toEqual([{ org: 'o1', serviceAccount: 'sa1', key: 'k1' }]));
    expect(await screen.findByText('No API keys yet.')).toBeInTheDocument();
    // Back on the list, the account counts no key.
    await fireEvent.click(screen.getByRole('button', { name: '← All service accounts' }));
    const account = (await screen.findByText('Runs the pipelines')).closest('tr')!;
    expect(within(account).getByText('0')).toBeInTheDocument();
  });

  it('a key list the server refuses is said in plain words, with a way to try again', async () => {
    await renderApp({ setup: () => backend.fail('list_api_keys', 'forbidden') });
    await openServiceAccounts();
    await fireEvent.click(screen.getByRole('button', { name: 'Keys of ci-bot' }));
    const error = await screen.findByTestId('load-error');
    expect(error).toHaveTextContent('Could not load the API keys.');
    expect(error).toHaveTextContent('Your role does not allow this.');
    backend.failures.clear();
    await fireEvent.click(within(error).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('Used by the pipelines')).toBeInTheDocument();
  });
});
