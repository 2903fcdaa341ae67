// The one door between the UI and the Rust side: the generated types and the typed command wrappers
// (`./bindings`). Every command goes through `invoke`; the webview makes no HTTP calls of its own.
export * from './bindings/index';
export * as commands from './bindings/commands';
export { APP_EVENT } from './bindings/commands';
