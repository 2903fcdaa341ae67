//! The grammar of `zpro team ...` (clap derive); carried out in `commands::teams`.

use clap::Subcommand;

use crate::args::JsonFlag;

#[derive(Debug, Subcommand)]
pub enum TeamCommand {
    /// Create a team, optionally with initial members (members or pending invitations, by email).
    Create {
        #[arg(value_name = "NAME")]
        name: String,
        /// The team's description.
        #[arg(long, value_name = "TEXT")]
        description: Option<String>,
        /// An initial member's email (repeat for several).
        #[arg(long = "member", value_name = "EMAIL")]
        members: Vec<String>,
    },
    /// Rename a team (and/or set its description).
    Rename {
        /// The team's id or name.
        #[arg(value_name = "TEAM")]
        team: String,
        #[arg(value_name = "NEW")]
        name: String,
        /// Also set the team's description.
        #[arg(long, value_name = "TEXT")]
        description: Option<String>,
    },
    /// Set a team's description.
    Describe {
        /// The team's id or name.
        #[arg(value_name = "TEAM")]
        team: String,
        #[arg(value_name = "TEXT")]
        text: String,
    },
    /// Delete a team: its members lose the roles it granted.
    Delete {
        /// The team's id or name.
        #[arg(value_name = "TEAM")]
        team: String,
        /// Really delete it (without it, nothing is sent and the command says what would be lost).
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// List a team's members, read from the server now.
    Members {
        /// The team's id or name.
        #[arg(value_name = "TEAM")]
        team: String,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Add members or pending invitations (by email) to a team; a service account by its name.
    Add {
        /// The team's id or name.
        #[arg(value_name = "TEAM")]
        team: String,
        /// An email, or a service account's name (once it holds a role).
        #[arg(value_name = "EMAIL", required = true)]
        emails: Vec<String>,
    },
    /// Remove members or pending invitations (by email) from a team.
    Remove {
        /// The team's id or name.
        #[arg(value_name = "TEAM")]
        team: String,
        #[arg(value_name = "EMAIL", required = true)]
        emails: Vec<String>,
    },
    /// Give a team an organization role (replacing its other organization roles).
    Role {
        /// The team's id or name.
        #[arg(value_name = "TEAM")]
        team: String,
        /// The organization role's name or id.
        #[arg(value_name = "ROLE")]
        role: String,
    },
}
