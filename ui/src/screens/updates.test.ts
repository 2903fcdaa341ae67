import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { backend, callsOf, emit } from '../test/fakeBackend';
import { openPage, renderApp } from '../test/render';

async function openSettings() {
  await openPage('Settings');
  return screen.findByRole('region', { name: 'This computer' });
}

describe('in-app updates', () => {
  it('shows no update controls in a build without an update server', async () => {
    await renderApp();
    await openSettings();
    await waitFor(() => expect(callsOf('update_status')).not.toHaveLength(0));
    expect(screen.queryByRole('region', { name: 'Updates' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Check for updates' })).toBeNull();
    expect(screen.queryByLabelText('Check for updates automatically every day')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Install and restart' })).toBeNull();
    expect(callsOf('check_for_updates')).toHaveLength(0);
  });

  it('checks, says up to date, then names a new version and installs it only when asked', async () => {
    await renderApp({ setup: () => backend.updatesOn('1.2.3') });
    await openSettings();
    const updates = await screen.findByRole('region', { name: 'Updates' });
    expect(within(updates).getByText(/This is version 1\.2\.3/)).toBeInTheDocument();

    await fireEvent.click(within(updates).getByRole('button', { name: 'Check for updates' }));
    expect(await within(updates).findByText('Up to date (1.2.3)')).toBeInTheDocument();
    expect(screen.queryByRole('status', { name: 'Update' })).toBeNull();

    // While a check runs (from the tray's daily check, say) the page says so.
    emit({ kind: 'update_status', status: { ...backend.update, state: { state: 'checking' } } });
    expect(await within(updates).findByText('Checking…', { selector: 'span' })).toBeInTheDocument();

    backend.updateAnswers.push({ state: 'available', version: '1.3.0', notes: null });
    emit({ kind: 'update_status', status: { ...backend.update } });
    await fireEvent.click(await within(updates).findByRole('button', { name: 'Check for updates' }));
    expect(await within(updates).findByText('Version 1.3.0 is available')).toBeInTheDocument();
    // The banner names it too; nothing is installed yet.
    const banner = await screen.findByRole('status', { name: 'Update' });
    expect(banner).toHaveTextContent('Version 1.3.0 is available');
    expect(callsOf('install_update')).toHaveLength(0);

    await fireEvent.click(within(banner).getByRole('button', { name: 'Install and restart' }));
    await waitFor(() => expect(callsOf('install_update')).toHaveLength(1));
    emit({
      kind: 'update_status',
      status: { ...backend.update, state: { state: 'downloading', version: '1.3.0', downloaded: 1572864, total: 3145728 } },
    });
    expect(await screen.findByText('Downloading version 1.3.0: 1.5 MB of 3.0 MB', { selector: '.update span' })).toBeInTheDocument();
  });

  it('"Later" hides the banner, and Settings still offers the update', async () => {
    await renderApp({ setup: () => backend.updatesOn() });
    emit({ kind: 'update_status', status: { ...backend.update, state: { state: 'available', version: '2.0.0', notes: null } } });
    backend.update = { ...backend.update, state: { state: 'available', version: '2.0.0', notes: null } };
    const banner = await screen.findByRole('status', { name: 'Update' });
    await fireEvent.click(within(banner).getByRole('button', { name: 'Later' }));
    await waitFor(() => expect(screen.queryByRole('status', { name: 'Update' })).toBeNull());
    expect(callsOf('dismiss_update')).toHaveLength(1);
    await openSettings();
    const updates = await screen.findByRole('region', { name: 'Updates' });
    expect(within(updates).getByRole('button', { name: 'Install and restart' })).toBeInTheDocument();
  });

  it('shows why a check or an install failed, in plain words', async () => {
    await renderApp({ setup: () => backend.updatesOn() });
    await openSettings();
    const updates = await screen.findByRole('region', { name: 'Updates' });
    backend.updateAnswers.push({
      state: 'failed',
      message: 'Could not reach the update server: connection refused',
      version: null,
    });
    await fireEvent.click(within(updates).getByRole('button', { name: 'Check for updates' }));
    expect(await within(updates).findByRole('alert')).toHaveTextContent('Could not reach the update server: connection refused');

    const refused = "The update's signature does not match this app's update key: not installed.";
    emit({ kind: 'update_status', status: { ...backend.update, state: { state: 'failed', message: refused, version: '1.3.0' } } });
    expect(await screen.findByRole('alert', { name: 'Update' })).toHaveTextContent(refused);
    expect(within(updates).getByRole('alert')).toHaveTextContent(refused);
  });

  it('turns the daily check off and on', async () => {
    await renderApp({ setup: () => backend.updatesOn() });
    await openSettings();
    const daily = (await screen.findByLabelText('Check for updates automatically every day')) as HTMLInputElement;
    expect(daily.checked).toBe(true);
    await fireEvent.click(daily);
    await waitFor(() => expect(backend.desktop.check_updates_daily).toBe(false));
    expect(callsOf('update_desktop_settings')[0].settings).toMatchObject({ check_updates_daily: false });
  });
});
