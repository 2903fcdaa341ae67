import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { backend, callsOf } from '../test/fakeBackend';
import { renderApp } from '../test/render';

describe('sign-in screen', () => {
  it('"Try the demo" calls start_demo and opens the main window', async () => {
    await renderApp({ signedIn: false });
    await fireEvent.click(screen.getByRole('button', { name: 'Try the demo' }));
    expect(callsOf('start_demo')).toHaveLength(1);
    // The organization list of the main window (Home may name it too, once it has loaded).
    const orgs = await screen.findByRole('navigation', { name: 'Organizations' });
    expect(await within(orgs).findByRole('button', { name: /alpha Inc/ })).toBeInTheDocument();
    await waitFor(() => expect(callsOf('sync_now')).toHaveLength(1));
  });

  it('signs in with a key against the default URL, the key in a password field', async () => {
    await renderApp({ signedIn: false });
    const key = screen.getByLabelText(/API key or token/);
    expect(key).toHaveAttribute('type', 'password');
    await fireEvent.input(key, { target: { value: 'secret-key' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(callsOf('login_with_key')).toEqual([{ url: 'https://cloud.example.com', key: 'secret-key' }]));
    expect(await screen.findByRole('navigation', { name: 'Organizations' })).toBeInTheDocument();
  });

  it('uses the self-hosted URL when one is given', async () => {
    await renderApp({ signedIn: false });
    await fireEvent.input(screen.getByLabelText('API URL'), { target: { value: 'https://zenml.internal' } });
    screen.getByText('Self-hosted control plane').closest('details')!.open = true;
    await fireEvent(screen.getByText('Self-hosted control plane').closest('details')!, new Event('toggle'));
    await fireEvent.input(screen.getByLabelText(/API key or token/), { target: { value: 'k' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(callsOf('login_with_key')[0]).toEqual({ url: 'https://zenml.internal', key: 'k' }));
  });

  it('shows a wrong key in plain words', async () => {
    await renderApp({ signedIn: false, setup: () => backend.fail('login_with_key', 'unauthorized', '{"detail":"401"}') });
    await fireEvent.input(screen.getByLabelText(/API key or token/), { target: { value: 'bad' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Your session has ended');
    expect(alert.textContent).not.toContain('{');
  });

  it('device flow shows the code big, waits, and Cancel calls cancel_device_login', async () => {
    await renderApp({ signedIn: false });
    await fireEvent.click(screen.getByRole('button', { name: 'Sign in with the browser' }));
    expect(await screen.findByTestId('user-code')).toHaveTextContent('WDJB-MJHT');
    expect(screen.getByText(/Waiting for approval/)).toBeInTheDocument();
    expect(callsOf('begin_device_login')).toEqual([{ url: 'https://cloud.example.com' }]);
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(callsOf('cancel_device_login')).toHaveLength(1));
    expect(await screen.findByRole('button', { name: 'Try the demo' })).toBeInTheDocument();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('device flow enters the app once approved', async () => {
    await renderApp({ signedIn: false });
    await fireEvent.click(screen.getByRole('button', { name: 'Sign in with the browser' }));
    await screen.findByTestId('user-code');
    await waitFor(() => expect(backend.deviceResolve).not.toBeNull());
    backend.deviceResolve!();
    expect(await screen.findByRole('navigation', { name: 'Organizations' })).toBeInTheDocument();
  });
});
