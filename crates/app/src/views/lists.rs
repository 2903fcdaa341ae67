//! Workspaces, teams and roles, and the cached listings of them.

pub use zenml_pro_core::records::{Role, Team, Workspace};
