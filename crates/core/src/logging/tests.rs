//! Rotation and retention of the log files, their names, and the log folder's permissions.

use super::*;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 3, d).unwrap()
}

fn names(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
    n.sort();
    n
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::symlink_metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn the_log_rotates_by_size_and_by_day_and_keeps_a_bounded_number() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = RollingLog::new(dir.path(), "zpro", 100, 4);
    // 30-byte lines: three fit in 100 bytes, the fourth starts a new file.
    let line = |i: usize| format!("line {i:03} ....................\n");
    assert_eq!(line(0).len(), 30);
    for i in 0..7 {
        log.write_on(day(1), line(i).as_bytes()).unwrap();
    }
    assert_eq!(names(dir.path()), ["zpro.2025-03-01.1.log", "zpro.2025-03-01.2.log", "zpro.2025-03-01.log"]);
    let first = std::fs::read_to_string(dir.path().join("zpro.2025-03-01.log")).unwrap();
    assert_eq!(first, [line(0), line(1), line(2)].concat());
    let third = std::fs::read_to_string(dir.path().join("zpro.2025-03-01.2.log")).unwrap();
    assert_eq!(third, line(6));
    // A line longer than the limit still gets written, alone in its file.
    let long = "x".repeat(250);
    log.write_on(day(1), long.as_bytes()).unwrap();
    assert_eq!(std::fs::read_to_string(dir.path().join("zpro.2025-03-01.3.log")).unwrap(), long);
    // A new day starts its own file; past four files the oldest go.
    log.write_on(day(2), line(8).as_bytes()).unwrap();
    log.write_on(day(2), line(9).as_bytes()).unwrap();
    assert_eq!(
        names(dir.path()),
        ["zpro.2025-03-01.1.log", "zpro.2025-03-01.2.log", "zpro.2025-03-01.3.log", "zpro.2025-03-02.log"],
        "the oldest went"
    );
    log.flush().unwrap();
    for name in names(dir.path()) {
        let size = std::fs::metadata(dir.path().join(&name)).unwrap().len();
        assert!(size <= 100 || name.ends_with(".3.log"), "{name}: {size}");
        #[cfg(unix)]
        assert_eq!(mode(&dir.path().join(&name)), 0o600, "{name}");
    }

    // A later run carries on after today's newest file, not over it.
    let mut again = RollingLog::new(dir.path(), "zpro", 100, 4);
    again.write_on(day(2), line(10).as_bytes()).unwrap();
    let today = std::fs::read_to_string(dir.path().join("zpro.2025-03-02.log")).unwrap();
    assert_eq!(today, [line(8), line(9), line(10)].concat());
    again.write_on(day(2), line(11).as_bytes()).unwrap();
    assert_eq!(std::fs::read_to_string(dir.path().join("zpro.2025-03-02.1.log")).unwrap(), line(11));
    assert!(names(dir.path()).len() <= 4, "{:?}", names(dir.path()));
}

#[test]
fn other_files_are_neither_counted_nor_removed() {
    let dir = tempfile::tempdir().unwrap();
    for other in [
        "zenml-pro-desktop.2025-03-01.log",
        "zpro.notes",
        "zpro.2025-03-01.x.log",
        "zpro-test.2025-03-01.log",
    ] {
        std::fs::write(dir.path().join(other), "keep").unwrap();
    }
    std::fs::create_dir(dir.path().join("zpro.2025-02-01.log")).unwrap();
    let mut log = RollingLog::new(dir.path(), "zpro", 10, 1);
    for d in 1..=3 {
        log.write_on(day(d), b"0123456789").unwrap();
    }
    assert_eq!(
        names(dir.path()),
        [
            "zenml-pro-desktop.2025-03-01.log",
            "zpro-test.2025-03-01.log",
            "zpro.2025-02-01.log",
            "zpro.2025-03-01.x.log",
            "zpro.2025-03-03.log",
            "zpro.notes"
        ]
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_log_file_is_neither_followed_nor_chmod_ed_and_folders_are_left_alone() {
    use std::os::unix::fs::PermissionsExt;
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("someone-elses.txt");
    std::fs::write(&target, "theirs").unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let today = Utc::now().date_naive();
    let name = format!("zpro.{}.log", today.format("%Y-%m-%d"));
    std::os::unix::fs::symlink(&target, dir.path().join(&name)).unwrap();
    // A folder named like a log file, and an old log file of ours readable by others.
    let folder = dir.path().join("zpro.2020-01-01.log");
    std::fs::create_dir(&folder).unwrap();
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
    let old = dir.path().join("zpro.2020-01-02.log");
    std::fs::write(&old, "old").unwrap();
    std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();

    let mut log = RollingLog::new(dir.path(), "zpro", MAX_FILE_BYTES, KEEP_FILES);
    log.tighten_older();
    log.write_on(today, b"a line\n").unwrap();
    log.flush().unwrap();

    assert_eq!(std::fs::read_to_string(&target).unwrap(), "theirs", "not written through");
    assert_eq!(mode(&target), 0o644, "not chmod-ed through the link");
    assert!(std::fs::symlink_metadata(dir.path().join(&name)).unwrap().file_type().is_symlink());
    assert_eq!(mode(dir.path()), 0o755, "the folder is not touched");
    assert_eq!(mode(&folder), 0o755, "nor a folder in it");
    assert_eq!(mode(&old), 0o600, "an old log file of ours is tightened");
    // The line went to the next name instead.
    let next = dir.path().join(format!("zpro.{}.1.log", today.format("%Y-%m-%d")));
    assert_eq!(std::fs::read_to_string(&next).unwrap(), "a line\n");
    assert_eq!(mode(&next), 0o600);
}

#[cfg(unix)]
#[test]
fn a_new_folder_is_the_users_alone_and_an_existing_one_is_left_as_it_is() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("a").join("logs");
    create_dir(&logs).unwrap();
    assert_eq!(mode(&logs), 0o700);
    std::fs::set_permissions(&logs, std::fs::Permissions::from_mode(0o750)).unwrap();
    create_dir(&logs).unwrap();
    assert_eq!(mode(&logs), 0o750);
}
