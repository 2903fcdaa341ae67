// In-app updates as the window shows them: the words of each state and the commands behind the
// buttons. The app checks, downloads, verifies and installs; the window only asks and shows.
import { commands, type UpdateState, type UpdateStatusView } from './api';
import { app } from './state.svelte';

/** Reads where updates are, once (later changes arrive as `update_status` events). */
export async function loadUpdateStatus(): Promise<void> {
  if (app.update) return;
  try {
    app.update = await commands.updateStatus();
  } catch {
    // Without an answer the window shows no update controls, as in a build without updates.
    app.update = null;
  }
}

/** Whether this build has updates at all (without them the window shows no update controls). */
export function updatesConfigured(status: UpdateStatusView | null): status is UpdateStatusView {
  return !!status?.configured;
}

/** Bytes as "1.5 MB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/** The line that says where updates are ("Up to date (1.2.3)", "Version 1.3.0 is available", …). */
export function updateLine(state: UpdateState): string {
  switch (state.state) {
    case 'idle':
      return '';
    case 'checking':
      return 'Checking…';
    case 'up_to_date':
      return `Up to date (${state.version})`;
    case 'available':
      return `Version ${state.version} is available`;
    case 'downloading':
      return state.total
        ? `Downloading version ${state.version}: ${formatBytes(state.downloaded)} of ${formatBytes(state.total)}`
        : `Downloading version ${state.version}: ${formatBytes(state.downloaded)}`;
    case 'restarting':
      return `Version ${state.version} is installed: restarting…`;
    case 'failed':
      return state.message;
  }
}

/** The version that can be installed now (on offer, or still on offer after a failed install). */
export function installable(state: UpdateState): string | null {
  if (state.state === 'available') return state.version;
  if (state.state === 'failed') return state.version;
  return null;
}

export async function checkForUpdates(): Promise<void> {
  app.update = await commands.checkForUpdates();
}

/** Downloads, verifies and installs, then the app restarts; resolves only when it did not install. */
export async function installUpdate(): Promise<void> {
  app.update = await commands.installUpdate();
}

export async function dismissUpdate(): Promise<void> {
  app.update = await commands.dismissUpdate();
}
