// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    zenml_pro_desktop::prepare_environment();
    zenml_pro_desktop::run();
}
