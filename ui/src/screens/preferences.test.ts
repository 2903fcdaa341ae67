import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { backend, callsOf, emit } from '../test/fakeBackend';
import { openPage, renderApp } from '../test/render';

async function openSettings() {
  await fireEvent.click(within(screen.getByRole('navigation', { name: 'Sections' })).getByRole('button', { name: 'Settings' }));
  return screen.findByRole('region', { name: 'This computer' });
}

describe('this computer’s preferences', () => {
  it('shows the saved preferences and saves each change at once', async () => {
    await renderApp();
    const prefs = await openSettings();
    const close = (await within(prefs).findByLabelText('Closing the window keeps the app in the tray')) as HTMLInputElement;
    const login = within(prefs).getByLabelText('Start at login, hidden in the tray') as HTMLInputElement;
    expect(close.checked).toBe(true);
    expect(login.checked).toBe(false);

    await fireEvent.click(login);
    await waitFor(() => expect(callsOf('update_desktop_settings')).toHaveLength(1));
    expect(callsOf('update_desktop_settings')[0].settings).toMatchObject({ start_at_login: true, close_to_tray: true });
    await waitFor(() => expect(login.checked).toBe(true));

    await fireEvent.change(within(prefs).getByLabelText('Tray icon'), { target: { value: 'dark' } });
    await waitFor(() => expect(backend.desktop.tray_icon).toBe('dark'));
    expect(backend.desktop.start_at_login).toBe(true);
  });

  it('follows a change made from the tray, and says in plain words when saving failed', async () => {
    await renderApp();
    const prefs = await openSettings();
    const close = (await within(prefs).findByLabelText('Closing the window keeps the app in the tray')) as HTMLInputElement;
    emit({ kind: 'settings_changed', settings: { ...backend.desktop, close_to_tray: false } });
    await waitFor(() => expect(close.checked).toBe(false));

    backend.fail('update_desktop_settings', 'internal', 'could not change the autostart entry');
    await fireEvent.click(within(prefs).getByLabelText('Notify me when someone accepts an invitation'));
    expect(await within(prefs).findByRole('alert')).toBeInTheDocument();
    expect(backend.desktop.notify_invitation_accepted).toBe(true);
  });

  it('shows a deep link that could not be opened in the notice bar', async () => {
    await renderApp();
    await openPage('Overview');
    await screen.findByTestId('ov-name');
    emit({ kind: 'notice', message: 'Could not open zenml-pro-desktop://org/nope: no organization "nope"' });
    expect(await screen.findByText(/Could not open zenml-pro-desktop:\/\/org\/nope/)).toBeInTheDocument();
  });
});

describe('a link opened before signing in', () => {
  it('says on the sign-in screen why it could not be followed', async () => {
    await renderApp({ signedIn: false });
    emit({ kind: 'notice', message: 'Could not open zenml-pro-desktop://org/acme: not signed in: sign in, then open the link again' });
    expect(await screen.findByRole('alert')).toHaveTextContent('not signed in: sign in, then open the link again');
    await fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByText(/not signed in: sign in/)).toBeNull();
  });
});
