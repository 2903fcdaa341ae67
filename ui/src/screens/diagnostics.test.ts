import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { backend, callsOf, emit } from '../test/fakeBackend';
import { openPage, renderApp } from '../test/render';

async function openDiagnostics() {
  await fireEvent.click(within(screen.getByRole('navigation', { name: 'Sections' })).getByRole('button', { name: 'Diagnostics' }));
  return screen.findByRole('heading', { name: 'Diagnostics' });
}

/** Puts a clipboard on `navigator` (jsdom has none) whose `writeText` does what `impl` does. */
function stubClipboard(impl: (text: string) => Promise<void>) {
  const writeText = vi.fn(impl);
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
  return writeText;
}

afterEach(() => {
  Reflect.deleteProperty(navigator, 'clipboard');
  Reflect.deleteProperty(document, 'execCommand');
});

describe('diagnostics', () => {
  it('opens from the sections by keyboard and checks the server, saying so while it runs', async () => {
    await renderApp({ setup: () => (backend.holdDiagnostics = true) });
    const user = userEvent.setup();
    const nav = within(screen.getByRole('navigation', { name: 'Sections' })).getByRole('button', { name: 'Diagnostics' });
    nav.focus();
    await user.keyboard('{Enter}');
    expect(await screen.findByRole('heading', { name: 'Diagnostics' })).toBeInTheDocument();
    expect(nav).toHaveAttribute('aria-current', 'page');
    const progress = await screen.findByText('Checking the server…');
    expect(progress).toHaveAttribute('role', 'status');
    expect(progress.querySelector('.spinner')).not.toBeNull();
    expect(screen.queryByTestId('diag-verdict')).toBeNull();
    expect(callsOf('diagnostics')).toHaveLength(1);

    backend.releaseDiagnostics();
    expect(await screen.findByTestId('diag-verdict')).toHaveTextContent('Some checks warn or fail');
    await waitFor(() => expect(screen.queryByText('Checking the server…')).toBeNull());
    expect(screen.getByTestId('diag-server')).toHaveTextContent('http://127.0.0.1:1');
    // No "Last synced": the page is not made of synced data.
    expect(screen.queryByText(/Last synced/)).toBeNull();
  });

  it('shows a row for each check with its result in words', async () => {
    await renderApp();
    await openDiagnostics();
    await screen.findByTestId('diag-verdict');
    const table = screen.getByRole('table', { name: 'Checks' });
    expect(within(table).getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Result', 'Area', 'Check', 'Detail']);
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(5);
    const members = within(table).getByText('GET /organizations/{id}/members').closest('tr')!;
    expect(within(members).getByText('Warning')).toBeInTheDocument();
    expect(within(members).getByText('read')).toBeInTheDocument();
    expect(within(members).getByText('1 row could not be read')).toBeInTheDocument();
    const results = rows.map((r) => r.querySelector('[data-result]')!.textContent!.trim());
    expect(results).toEqual(['✓ OK', 'i Info', '✓ OK', '! Warning', '✓ OK']);
  });

  it('says when all is well, and when the server cannot be reached', async () => {
    await renderApp({ setup: () => (backend.unreachable = true) });
    await openDiagnostics();
    expect(await screen.findByTestId('diag-verdict')).toHaveTextContent('The server cannot be reached');
    expect(screen.getByText('connection refused')).toBeInTheDocument();
    expect(screen.getByText('Failed')).toBeInTheDocument();

    backend.unreachable = false;
    await fireEvent.click(screen.getByRole('button', { name: 'Check again' }));
    await waitFor(() => expect(screen.getByTestId('diag-verdict')).toHaveTextContent('Some checks warn or fail'));
  });

  it('Check again asks the server again, keeping the last report on screen meanwhile', async () => {
    await renderApp();
    await openDiagnostics();
    await screen.findByTestId('diag-verdict');
    await waitFor(() => expect(screen.queryByText('Checking the server…')).toBeNull());
    backend.holdDiagnostics = true;
    await fireEvent.click(screen.getByRole('button', { name: 'Check again' }));
    await waitFor(() => expect(callsOf('diagnostics')).toHaveLength(2));
    expect(await screen.findByText('Checking the server…')).toBeInTheDocument();
    expect(screen.getByTestId('diag-verdict')).toHaveTextContent('Some checks warn or fail');
    // A press while a check runs starts a newer one; only the newest answer counts, even when the
    // older one arrives last.
    backend.unreachable = true;
    await fireEvent.click(screen.getByRole('button', { name: 'Check again' }));
    await waitFor(() => expect(callsOf('diagnostics')).toHaveLength(3));
    backend.releaseDiagnostics(true);
    await waitFor(() => expect(screen.queryByText('Checking the server…')).toBeNull());
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.getByTestId('diag-verdict')).toHaveTextContent('The server cannot be reached');
  });

  it('Copy report puts the report text on the clipboard and says Copied', async () => {
    const writeText = stubClipboard(async () => {});
    await renderApp();
    await openDiagnostics();
    await screen.findByTestId('diag-verdict');
    await fireEvent.click(screen.getByRole('button', { name: 'Copy report' }));
    await waitFor(() => expect(screen.getByText('Copied')).toBeInTheDocument());
    expect(writeText).toHaveBeenCalledTimes(1);
    const text = writeText.mock.calls[0][0];
    expect(text).toBe(screen.getByTestId('diag-text').textContent);
    expect(text).toContain('Server: http://127.0.0.1:1');
    expect(text).toContain('GET /organizations/{id}/members');
  });

  it('Copy report falls back to a selection when the clipboard refuses', async () => {
    stubClipboard(async () => {
      throw new Error('not allowed');
    });
    let selected = '';
    const execCommand = vi.fn((cmd: string) => {
      selected = (document.activeElement as HTMLTextAreaElement | null)?.value ?? '';
      return cmd === 'copy';
    });
    Object.defineProperty(document, 'execCommand', { value: execCommand, configurable: true });
    await renderApp();
    await openDiagnostics();
    await screen.findByTestId('diag-verdict');
    const copy = screen.getByRole('button', { name: 'Copy report' });
    copy.focus();
    await fireEvent.click(copy);
    await waitFor(() => expect(screen.getByText('Copied')).toBeInTheDocument());
    expect(execCommand).toHaveBeenCalledWith('copy');
    expect(selected).toContain('Server: http://127.0.0.1:1');
    // The hidden textarea is gone and focus is back on the button.
    expect(document.querySelector('textarea')).toBeNull();
    expect(copy).toHaveFocus();
  });

  it('says so in plain words when the report cannot be copied at all', async () => {
    await renderApp();
    await openDiagnostics();
    await screen.findByTestId('diag-verdict');
    await fireEvent.click(screen.getByRole('button', { name: 'Copy report' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not copy the report.');
    expect(screen.queryByText('Copied')).toBeNull();
  });

  it('shows the log folder and Open log folder opens it', async () => {
    await renderApp();
    await openDiagnostics();
    await waitFor(() => expect(screen.getByTestId('diag-log-dir')).toHaveTextContent('/tmp/app-logs'));
    await fireEvent.click(screen.getByRole('button', { name: 'Open log folder' }));
    await waitFor(() => expect(callsOf('open_log_folder')).toHaveLength(1));
    expect(await screen.findByText('Opened in the file manager.')).toBeInTheDocument();
  });

  it('says when there is no log file, and shows a failure to open the folder', async () => {
    await renderApp({
      setup: () => {
        backend.logDir = null;
        backend.fail('open_log_folder', 'not_found', 'no log folder');
      },
    });
    await openDiagnostics();
    await waitFor(() => expect(screen.getByTestId('diag-log-dir')).toHaveTextContent('No log file'));
    await fireEvent.click(screen.getByRole('button', { name: 'Open log folder' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('This item no longer exists');
    expect(alert).toHaveTextContent('no log folder');
  });

  it('says in plain words when the check itself failed, and Try again runs it again', async () => {
    await renderApp({ setup: () => backend.fail('diagnostics', 'internal', 'boom') });
    await openDiagnostics();
    const alert = await screen.findByTestId('load-error');
    expect(alert).toHaveTextContent('Could not load the diagnostics.');
    backend.failures.clear();
    await fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByTestId('diag-verdict')).toHaveTextContent('Some checks warn or fail');
    expect(callsOf('diagnostics')).toHaveLength(2);
  });

  it('shows with no organization to show', async () => {
    await renderApp();
    await openPage('Overview');
    backend.orgs = [];
    emit({ kind: 'data_changed', account_id: 'acc1', org_id: null, entities: ['organizations'] });
    await screen.findByText('No organization to show yet.');
    await openDiagnostics();
    expect(await screen.findByTestId('diag-verdict')).toBeInTheDocument();
  });
});
