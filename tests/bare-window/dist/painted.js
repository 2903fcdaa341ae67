// After the frame that first shows the page, tell the program (as the app's UI does with its first
// organization list): it logs "first paint: <ms> ms since start".
requestAnimationFrame(() => setTimeout(() => void window.__TAURI_INTERNALS__.invoke('painted').catch(() => {}), 0));
