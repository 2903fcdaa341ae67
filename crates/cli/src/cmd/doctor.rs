//! `zpro doctor`: how well this app and the server get along (connection, clock, sign-in, one small
//! read of each list, the last sync, the server's schema); only reads.

use zenml_pro_core::{CoreError, DoctorStatus};

use super::{Ctx, Res};
use crate::args::JsonFlag;
use crate::output::{clean, table};
use crate::EXIT_OK;

pub(crate) async fn doctor(ctx: &mut Ctx<'_>, url: Option<String>, f: JsonFlag) -> Res {
    let account = match url {
        Some(_) => None,
        None => ctx.account().ok().filter(|a| a.signed_in),
    };
    let base = match (&url, &account) {
        (Some(u), _) => u.clone(),
        (None, Some(a)) => a.base_url.clone(),
        (None, None) => ctx.env.default_url.clone(),
    };
    let report = ctx.core.doctor(account.as_ref().map(|a| a.id.as_str()), &base).await?;
    let code = match report.status {
        DoctorStatus::Ok => EXIT_OK,
        DoctorStatus::Problems => crate::EXIT_FAILURE,
        DoctorStatus::Unreachable => crate::EXIT_OFFLINE,
    };
    if f.json {
        let text = serde_json::to_string_pretty(&report)
            .map_err(|e| CoreError::internal(format!("could not write JSON: {e}")))?;
        say!(ctx.out, "{text}");
        return Ok(code);
    }
    if report.status == DoctorStatus::Unreachable {
        let why = report.checks.first().map_or(String::new(), |c| clean(&c.detail));
        say!(ctx.err, "error: the server at {} cannot be reached: {why}", clean(&report.server));
        return Ok(code);
    }
    say!(ctx.out, "Diagnostics of {}", clean(&report.server));
    let rows: Vec<Vec<String>> = report
        .checks
        .iter()
        .map(|c| vec![c.result.as_str().to_uppercase(), c.area.clone(), clean(&c.check), clean(&c.detail)])
        .collect();
    let _ = write!(ctx.out, "{}", table(&["RESULT", "AREA", "CHECK", "DETAIL"], &rows));
    match report.status {
        DoctorStatus::Ok => say!(ctx.out, "All is well."),
        _ => say!(ctx.out, "Some checks warn or fail (see above); the app copes with what it can."),
    }
    Ok(code)
}
