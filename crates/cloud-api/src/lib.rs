//! Typed async client for the ZenML Pro cloud API (`https://cloudapi.zenml.io`, or a self-hosted
//! control plane's `/api/v1`).
//!
//! The contract it speaks is `shared/docs/cloud-api.md`: confirmed shapes are matched exactly,
//! provisional ones are parsed leniently (see [`models`]). One [`ApiClient`] is built per base URL and
//! shared; every route is a method on it (see [`api`] and [`auth`]) taking the caller's
//! [`AccessToken`]. Failures are typed ([`ApiError`]); transient ones are retried with exponential
//! backoff and jitter under a [`RetryPolicy`], and a write that may have reached the server is never
//! sent twice.
//!
//! Reading is tolerant by design ([`wire`]): the real server's schemas are not published, so a field of
//! the wrong shape reads as absent, an unreadable row is skipped and counted, and paging adapts to
//! the server ([`fetch_pages`]).
//!
//! To add a route: add its wire types to `models.rs` (optional fields unless confirmed) with a `Wire`
//! impl and its `spec!`, a method to `api.rs` built from a `Call`, a unit test that reads a
//! hand-written body, and an integration test against the emulator in `tests/`.
#![doc = include_str!("../../../docs/concerns.md")]

pub mod api;
pub mod assignments;
pub mod auth;
pub mod client;
pub mod error;
pub mod invitations;
pub mod models;
pub mod openapi;
pub mod paging;
pub mod secret;
pub mod service_accounts;
pub mod teams;
pub mod token_types;
pub mod wire;

pub use api::{Assignee, InvitationFilter, RoleFilter, RoleScope, TeamMember, WorkspaceFilter};
pub use assignments::{Holder, RoleAssignment};
pub use auth::{device_user_agent, DevicePoll, API_KEY_GRANT, DEVICE_CODE_GRANT, SLOW_DOWN_STEP};
pub use client::{
    default_user_agent, fetch_all, fetch_all_concurrent, fetch_pages, parse_base_url, smaller_limit,
    ApiClient, ClientConfig, Page, PagingBounds, PagingMemory, Probe, RetryPolicy, CA_BUNDLE_ENV,
    DEFAULT_BASE_URL, DEFAULT_MAX_RESPONSE_BYTES,
};
pub use error::{cap_detail, ApiError, ErrorDetail, FieldError, NetworkErrorKind, Result, MAX_DETAIL_BYTES};
pub use models::*;
pub use secret::{AccessToken, ApiKey, Password};
pub use service_accounts::{
    ActiveUpdate, ApiKeyCreate, ApiKeyRotate, IssuedKey, ServiceAccountCreate, ServiceAccountKey,
};
pub use teams::{ServiceAccount, TeamCreate, TeamMemberRow, TeamUpdate};
pub use token_types::AUTOMATION_TOKEN_USE;
pub use wire::{FieldSpec, Listing, ModelSpec, ReadNotes, Wire};
