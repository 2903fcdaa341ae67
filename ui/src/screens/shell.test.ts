import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { backend, callsOf, emit } from '../test/fakeBackend';
import { openPage, renderApp } from '../test/render';

function orgButton(name: RegExp) {
  return within(screen.getByRole('navigation', { name: 'Organizations' })).getByRole('button', { name });
}

describe('organization switcher', () => {
  it('marks the active organization and shows the shortcuts', async () => {
    await renderApp();
    expect(orgButton(/alpha Inc/)).toHaveAttribute('aria-current', 'true');
    expect(orgButton(/beta Inc/)).not.toHaveAttribute('aria-current');
    expect(orgButton(/beta Inc/)).toHaveTextContent('Ctrl+2');
  });

  it('Ctrl+2 switches to the second organization', async () => {
    await renderApp();
    await fireEvent.keyDown(window, { key: '2', ctrlKey: true });
    await waitFor(() => expect(callsOf('switch_organization')).toEqual([{ org: 'o2' }]));
    expect(orgButton(/beta Inc/)).toHaveAttribute('aria-current', 'true');
  });

  it('Ctrl+K opens the quick switcher: type to filter, Enter switches, Esc closes', async () => {
    await renderApp();
    await fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
    const dialog = await screen.findByRole('dialog', { name: 'Switch organization' });
    const input = within(dialog).getByRole('combobox');
    expect(input).toHaveFocus();
    await fireEvent.input(input, { target: { value: 'gam' } });
    expect(within(dialog).getAllByRole('option')).toHaveLength(1);
    await fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() => expect(callsOf('switch_organization')).toEqual([{ org: 'o3' }]));
    expect(screen.queryByRole('dialog')).toBeNull();

    await fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
    const again = await screen.findByRole('dialog');
    await fireEvent.keyDown(within(again).getByRole('combobox'), { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('follows active_org_changed events', async () => {
    await renderApp();
    emit({ kind: 'active_org_changed', account_id: 'acc1', org_id: 'o3' });
    await waitFor(() => expect(orgButton(/gamma Inc/)).toHaveAttribute('aria-current', 'true'));
  });

  it('shows organization names from the server literally, never as HTML', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    await renderApp({
      setup: () => {
        backend.orgs[0].name = evil;
        backend.orgs[0].display_name = evil;
        backend.orgs[0].description = '<script>alert(2)</script>';
      },
    });
    expect(document.querySelector('img')).toBeNull();
    expect(document.querySelector('script')).toBeNull();
    expect(screen.getAllByText(evil).length).toBeGreaterThan(0);
    await openPage('Overview');
    expect(await screen.findByTestId('ov-name')).toHaveTextContent(evil);
    expect(screen.getByText('<script>alert(2)</script>')).toBeInTheDocument();
  });
});

describe('sync and feedback', () => {
  it('syncs in the background on start and on Refresh, with progress', async () => {
    await renderApp();
    await waitFor(() => expect(callsOf('sync_now')).toHaveLength(1));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Refresh' })).toBeEnabled());
    emit({ kind: 'sync_progress', stage: 'organization', done: 12, total: 203, organization: 'alpha' });
    expect(await screen.findByText('Syncing 12/203…')).toBeInTheDocument();
    emit({ kind: 'sync_finished', report: { organizations: 3, synced: 3, failed: [], removed: 0, duration_ms: 4 } });
    await waitFor(() => expect(screen.queryByText(/Syncing/)).toBeNull());
    await fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    await waitFor(() => expect(callsOf('sync_now')).toHaveLength(2));
  });

  it('leaves "Syncing…" once a sync says it finished, even before its report arrives', async () => {
    await renderApp();
    await waitFor(() => expect(screen.getByRole('button', { name: 'Refresh' })).toBeEnabled());
    emit({ kind: 'sync_progress', stage: 'organization', done: 1, total: 3, organization: 'alpha' });
    expect(await screen.findByText('Syncing 1/3…')).toBeInTheDocument();
    emit({ kind: 'sync_progress', stage: 'finished', done: 3, total: 3, organization: null });
    await waitFor(() => expect(screen.queryByText(/Syncing/)).toBeNull());
    expect(screen.getByRole('button', { name: 'Refresh' })).toBeEnabled();
  });

  it('shows the offline banner when the sync fails offline, with the time of the data', async () => {
    await renderApp({ setup: () => backend.fail('sync_now', 'offline', 'connect refused') });
    const banner = await screen.findByText(/Offline — showing data as of/);
    expect(banner.textContent).not.toContain('—\u00a0—');
    // the cached data is still on screen
    await openPage('Overview');
    expect(await screen.findByTestId('ov-name')).toHaveTextContent('alpha');
  });

  // The sync fails for another reason in both, so only the organization list can say offline.
  it('says offline when the code of the last refresh says so', async () => {
    await renderApp({
      setup: () => {
        backend.fail('sync_now', 'server', 'boom');
        backend.orgListError = { code: 'offline', message: 'connect refused' };
      },
    });
    expect(await screen.findByText(/Offline — showing data as of/)).toBeInTheDocument();
  });

  it('never says offline from the words of an error', async () => {
    await renderApp({
      setup: () => {
        backend.fail('sync_now', 'server', 'boom');
        backend.orgListError = { code: 'server', message: 'the server is offline for upkeep' };
      },
    });
    await waitFor(() => expect(callsOf('sync_now')).toHaveLength(1));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Refresh' })).toBeEnabled());
    expect(screen.queryByText(/Offline —/)).toBeNull();
  });

  it('shows and hides the offline banner on connectivity events', async () => {
    await renderApp();
    await waitFor(() => expect(callsOf('sync_now')).toHaveLength(1));
    emit({ kind: 'connectivity', online: false, as_of: '2025-03-01T12:00:00Z' });
    expect(await screen.findByText(/Offline — showing data as of/)).toBeInTheDocument();
    emit({ kind: 'connectivity', online: true, as_of: null });
    await waitFor(() => expect(screen.queryByText(/Offline —/)).toBeNull());
  });

  it('reloads the page on data_changed for the active organization', async () => {
    await renderApp();
    await openPage('Overview');
    await screen.findByTestId('ov-name');
    await waitFor(() => expect(screen.getByRole('button', { name: 'Refresh' })).toBeEnabled());
    const before = callsOf('organization_overview').length;
    emit({ kind: 'data_changed', account_id: 'acc1', org_id: 'o1', entities: ['organization'] });
    await waitFor(() => expect(callsOf('organization_overview').length).toBeGreaterThan(before));
  });
});
