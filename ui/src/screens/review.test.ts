// The access review (sections with counts, filters sent as the query, the "as of" and stale marker),
// the activity log (filters; Undo that first asks the server what it will change, shows it in a
// confirmation — "Undo anyway" for a change older than a week — then undoes; a target changed since
// refused before any confirmation; a failed undo in plain words) and the Export dialog (no path field: Save… asks the Rust side, which opens the native
// save dialog; rows and file said, or cancelled; Show in folder only for what was saved), each rendered
// from the typed fake and checked with axe.
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { axeViolations } from '../test/axe';
import { backend, callsOf } from '../test/fakeBackend';
import { openPage, renderApp } from '../test/render';

const fewMembers = () => void backend.members.splice(10, 240);

function section(name: RegExp) {
  return screen.getByRole('region', { name });
}

describe('Access review', { timeout: 30_000 }, () => {
  it('shows each section with its count and table, as of when it was fetched', async () => {
    await renderApp({ setup: () => backend.staleOrgs.add('o2') });
    await openPage('Access review');
    expect(await screen.findByRole('heading', { name: 'Access review', level: 1 })).toBeInTheDocument();
    const admins = await waitFor(() => section(/^admin \(2\)$/));
    const rows = within(admins).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getAllByRole('cell')[1].textContent)).toEqual(['alpha', 'beta']);
    expect(rows[0]).toHaveTextContent('me@example.com');
    expect(rows[0]).toHaveTextContent('Organization Admin');
    expect(rows[1]).toHaveTextContent('(stale)');
    expect(section(/^stale invitation \(1\)$/)).toHaveTextContent('pending for 40 days');
    expect(section(/^custom role \(0\)$/)).toHaveTextContent('None.');
    // A member marked inactive who still holds roles.
    const inactive = section(/^inactive \(1\)$/);
    expect(inactive).toHaveTextContent('user3@example.com');
    expect(inactive).toHaveTextContent('marked inactive on the server but still holds these roles');
    expect(screen.queryByRole('region', { name: /only in one/ })).toBeNull();
    expect(screen.getByTestId('review-scope')).toHaveTextContent(/3 organizations of 1 account, as of .*, stale/);
    expect(callsOf('access_review')).toEqual([{ query: { stale_days: 14, group: null } }]);
    expect(await axeViolations()).toEqual([]);
  });

  it('sends the stale days and a group of two; filters by section and text on the page', async () => {
    await renderApp();
    await openPage('Access review');
    await waitFor(() => section(/^admin \(2\)$/));
    await fireEvent.input(screen.getByLabelText('Stale after (days)'), { target: { value: '60' } });
    await waitFor(() => expect(callsOf('access_review').at(-1)).toEqual({ query: { stale_days: 60, group: null } }));
    await waitFor(() => expect(section(/^stale invitation \(0\)$/)).toBeInTheDocument());
    const groupBox = screen.getByRole('group', { name: /Group of organizations/ });
    await fireEvent.click(within(groupBox).getByLabelText('alpha'));
    expect(screen.getByText('Choose one more to compare.')).toBeInTheDocument();
    // One organization alone is not sent.
    expect(callsOf('access_review').at(-1)).toEqual({ query: { stale_days: 60, group: null } });
    await fireEvent.click(within(groupBox).getByLabelText('gamma'));
    await waitFor(() => expect(callsOf('access_review').at(-1)).toEqual({ query: { stale_days: 60, group: ['alpha', 'gamma'] } }));
    expect(await screen.findByRole('region', { name: /^only in one \(1\)$/ })).toHaveTextContent('user9@example.com');
    // Section and text filter what is shown without asking again.
    const asked = callsOf('access_review').length;
    await fireEvent.change(screen.getByLabelText('Section'), { target: { value: 'admin' } });
    expect(screen.queryByRole('region', { name: /only in one/ })).toBeNull();
    await fireEvent.input(screen.getByLabelText('Filter'), { target: { value: 'beta' } });
    expect(within(section(/^admin \(2\)$/)).getAllByRole('row')).toHaveLength(2);
    expect(callsOf('access_review')).toHaveLength(asked);
  });

  it('exports the review with its filters, in the format chosen, where the save dialog answered', async () => {
    await renderApp();
    await openPage('Access review');
    await waitFor(() => section(/^admin \(2\)$/));
    await fireEvent.click(screen.getByRole('button', { name: 'Export…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Export the access review' });
    // The window has no path to type: the file is chosen in the desktop's own dialog.
    expect(within(dialog).queryByRole('textbox')).toBeNull();
    expect(within(dialog).queryByLabelText('File')).toBeNull();
    await fireEvent.click(within(dialog).getByLabelText('JSON'));
    backend.review.dialogAnswers.push('/tmp/review.json');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Save…' }));
    expect(await within(dialog).findByTestId('export-saved')).toHaveTextContent('Saved 7 rows to /tmp/review.json');
    expect(callsOf('save_export')).toEqual([
      { choice: { kind: 'access-review', format: 'json', all_orgs: true, org: null, stale_days: 14, group: null } },
    ]);
    expect(backend.review.dialogs).toEqual([
      { title: 'Save the access review export', folder: '/home/me/Downloads', file_name: 'all-organizations-access-review-2026-12-03.json' },
    ]);
    expect(backend.review.files.get('/tmp/review.json')).toBe('access-review.json');
    expect(within(dialog).getByRole('button', { name: 'Close' })).toBeInTheDocument();
    expect(await axeViolations()).toEqual([]);
    // Show in folder asks the app to open the saved file's folder; a refusal is said in the dialog.
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Show in folder' }));
    await waitFor(() => expect(callsOf('open_export_folder')).toEqual([{ path: '/tmp/review.json' }]));
    expect(within(dialog).queryByRole('alert')).toBeNull();
    backend.fail('open_export_folder', 'invalid_input', '/tmp/review.json is not a file this app saved an export to');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Show in folder' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('is not a file this app saved an export to');
  });
});

describe('Export dialog', { timeout: 30_000 }, () => {
  it('on Members: this organization by default; waits for the save dialog, then says the rows and the file', async () => {
    await renderApp({ setup: fewMembers });
    await openPage('Members');
    await fireEvent.click(await screen.findByRole('button', { name: 'Export…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Export the members' });
    expect(within(dialog).getByLabelText('This organization')).toBeChecked();
    expect(within(dialog).getByLabelText('CSV')).toBeChecked();
    backend.review.holdDialog = true;
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Save…' }));
    expect(await within(dialog).findByText('Waiting for the save dialog…')).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Save…' })).toBeDisabled();
    expect(callsOf('save_export')).toEqual([{ choice: { kind: 'members', format: 'csv', all_orgs: false, org: null, stale_days: null, group: null } }]);
    expect(backend.review.dialogs.map((d) => d.file_name)).toEqual(['alpha-members-2026-12-03.csv']);
    // The user picks a file that is there already; the native dialog asked before replacing it.
    backend.review.answerDialog('/home/me/Downloads/taken.csv');
    expect(await within(dialog).findByTestId('export-saved')).toHaveTextContent(
      'Saved 7 rows to /home/me/Downloads/taken.csv (replaced the file there)',
    );
    expect(within(dialog).getByRole('button', { name: 'Save…' })).toBeEnabled();
    expect(backend.review.files.get('/home/me/Downloads/taken.csv')).toBe('members.csv');
    expect(await axeViolations()).toEqual([]);
  });

  it('a cancelled save dialog writes nothing and says so; Save… can be pressed again', async () => {
    await renderApp();
    await openPage('People');
    await fireEvent.click(await screen.findByRole('button', { name: 'Export…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Export the people' });
    expect(within(dialog).getByLabelText('All organizations')).toBeChecked();
    backend.review.dialogAnswers.push(null);
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Save…' }));
    expect(await within(dialog).findByText('Cancelled: nothing was saved.')).toBeInTheDocument();
    expect(within(dialog).queryByTestId('export-saved')).toBeNull();
    expect(within(dialog).queryByRole('button', { name: 'Show in folder' })).toBeNull();
    expect(within(dialog).queryByRole('alert')).toBeNull();
    expect(backend.review.saved.size).toBe(0);
    // Again, this time saved where the dialog suggested.
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Save…' }));
    expect(await within(dialog).findByTestId('export-saved')).toHaveTextContent(
      'Saved 7 rows to /home/me/Downloads/all-organizations-people-2026-12-03.csv',
    );
    expect(within(dialog).queryByText('Cancelled: nothing was saved.')).toBeNull();
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('on Invitations: the scope chosen is sent; a failure is said in plain words', async () => {
    await renderApp();
    await openPage('Invitations');
    await fireEvent.click(await screen.findByRole('button', { name: 'Export…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Export the invitations' });
    await fireEvent.click(within(dialog).getByLabelText('All organizations'));
    backend.fail('save_export', 'internal', 'could not write: disk full');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Save…' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Something went wrong inside the app');
    expect(callsOf('save_export')[0]).toMatchObject({ choice: { kind: 'invitations', all_orgs: true } });
    expect(within(dialog).queryByTestId('export-saved')).toBeNull();
  });
});

describe('Activity', { timeout: 30_000 }, () => {
  async function openLog() {
    await renderApp();
    await openPage('Activity');
    return await screen.findByRole('table', { name: 'Activity log' });
  }

  it('lists the log newest first with results, what was replaced and Undo where it applies', async () => {
    const table = await openLog();
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.dataset.testid)).toEqual(['entry-4', 'entry-3', 'entry-2', 'entry-1']);
    expect(rows[1]).toHaveTextContent('Failed: Your role does not allow changing roles here');
    expect(rows[2]).toHaveTextContent('roles: Organization Member');
    expect(rows.map((r) => within(r).queryByRole('button', { name: /^Undo/ }) !== null)).toEqual([true, false, true, false]);
    expect(await axeViolations()).toEqual([]);
  });

  it('sends the filters as the query', async () => {
    await openLog();
    await fireEvent.change(screen.getByLabelText('Kind'), { target: { value: 'role_change' } });
    await waitFor(() => expect(callsOf('activity').at(-1)).toMatchObject({ query: { kind: 'role_change', offset: 0 } }));
    await fireEvent.click(screen.getByLabelText('Failed only'));
    await waitFor(() => expect(callsOf('activity').at(-1)).toMatchObject({ query: { kind: 'role_change', failed_only: true } }));
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Activity log' })).getAllByRole('row')).toHaveLength(2));
    await fireEvent.change(screen.getByLabelText('Organization'), { target: { value: 'alpha' } });
    await waitFor(() => expect(callsOf('activity').at(-1)).toMatchObject({ query: { org: 'alpha' } }));
    await fireEvent.input(screen.getByLabelText('Search'), { target: { value: 'nobody' } });
    await waitFor(() => expect(callsOf('activity').at(-1)).toMatchObject({ query: { search: 'nobody' } }));
    expect(await screen.findByText('No entry matches.')).toBeInTheDocument();
  });

  it('Undo asks the server what it will change, shows it, then undoes, shows the result and reads the list again', async () => {
    const table = await openLog();
    const before = callsOf('activity').length;
    await fireEvent.click(within(table).getByRole('button', { name: 'Undo role change of user2@example.com' }));
    const dialog = await screen.findByRole('dialog', { name: 'Undo this change?' });
    expect(callsOf('undo_preview')).toEqual([{ entryId: 2 }]);
    expect(within(dialog).getByTestId('undo-will')).toHaveTextContent('user2@example.com will hold roles: Organization Member instead of Organization Viewer.');
    expect(within(dialog).queryByTestId('undo-old')).toBeNull();
    expect(callsOf('undo')).toEqual([]);
    expect(await axeViolations()).toEqual([]);
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Undo' }));
    const outcome = await screen.findByTestId('undo-outcome');
    expect(outcome).toHaveTextContent('Undone: put back roles: Organization Member for user2@example.com');
    expect(callsOf('undo')).toEqual([{ entryId: 2, force: false }]);
    await waitFor(() => expect(screen.getByTestId('entry-2')).toHaveTextContent('Done, undone'));
    expect(within(screen.getByTestId('entry-2')).queryByRole('button')).toBeNull();
    expect(screen.getByTestId('entry-5')).toHaveTextContent('(undoes #2)');
    // Once for the preview (its organization was refreshed from the server), once for the undo.
    expect(callsOf('activity')).toHaveLength(before + 2);
    // The entry's Undo is gone: the focus is on what was done.
    await waitFor(() => expect(outcome).toHaveFocus());
  });

  it('the confirmation takes the focus and gives it back; Esc and Cancel undo nothing', async () => {
    const table = await openLog();
    const button = within(table).getByRole('button', { name: 'Undo role change of user2@example.com' });
    button.focus();
    await fireEvent.click(button);
    const dialog = await screen.findByRole('dialog', { name: 'Undo this change?' });
    expect(dialog.contains(document.activeElement)).toBe(true);
    await fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(button).toHaveFocus();
    await fireEvent.click(button);
    await fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(button).toHaveFocus();
    expect(callsOf('undo_preview')).toHaveLength(2);
    expect(callsOf('undo')).toEqual([]);
  });

  it('a change older than a week says how old it is; "Undo anyway" forces the undo', async () => {
    const table = await openLog();
    backend.review.ageDays.set(4, 9);
    await fireEvent.click(within(table).getByRole('button', { name: 'Undo revoke of pending@example.com' }));
    const dialog = await screen.findByRole('dialog', { name: 'Undo this change?' });
    expect(dialog).toHaveTextContent('pending@example.com will be invited again with roles: Organization Member.');
    expect(within(dialog).getByTestId('undo-old')).toHaveTextContent('This change is 9 days old');
    expect(within(dialog).queryByRole('button', { name: 'Undo' })).toBeNull();
    expect(await axeViolations()).toEqual([]);
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Undo anyway' }));
    expect(await screen.findByTestId('undo-outcome')).toHaveTextContent('Undone:');
    expect(callsOf('undo')).toEqual([{ entryId: 4, force: true }]);
  });

  it('a target changed on the server since is said, and nothing is undone', async () => {
    const table = await openLog();
    backend.review.previewFailure = {
      code: 'conflict',
      message: 'user2@example.com now holds Organization Admin, not Organization Viewer as entry #2 left them; their role was changed since, so it was not changed back',
    };
    await fireEvent.click(within(table).getByRole('button', { name: 'Undo role change of user2@example.com' }));
    const refused = await screen.findByTestId('undo-refused');
    expect(refused).toHaveAttribute('role', 'alert');
    expect(refused).toHaveTextContent('Not undone: role change of user2@example.com in alpha was changed on the server since. Nothing was sent.');
    expect(refused).toHaveTextContent('now holds Organization Admin, not Organization Viewer');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(callsOf('undo')).toEqual([]);
    expect(within(screen.getByTestId('entry-2')).getByRole('button', { name: /^Undo/ })).toBeInTheDocument();
    expect(await axeViolations()).toEqual([]);
  });

  it('a failed undo is said in plain words and the list stays', async () => {
    const table = await openLog();
    backend.review.undoFailure = { code: 'conflict', message: 'user2@example.com holds another role since' };
    const before = callsOf('activity').length;
    await fireEvent.click(within(table).getByRole('button', { name: 'Undo role change of user2@example.com' }));
    await fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Undo' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('This clashes with something that already exists or changed meanwhile');
    expect(alert).toHaveTextContent('user2@example.com holds another role since');
    expect(screen.getByRole('table', { name: 'Activity log' })).toBeInTheDocument();
    expect(within(screen.getByTestId('entry-2')).getByRole('button', { name: /^Undo/ })).toBeInTheDocument();
    // Read again only for the preview's refresh of the organization: the failed undo changed nothing.
    expect(callsOf('activity')).toHaveLength(before + 1);
  });
});
