use super::*;
use std::ffi::{c_char, c_int, CString};
use std::sync::Mutex;

const OPTSTRING: &[u8] = crate::cli::OPTSTRING;

fn args(list: &[&str]) -> Vec<Vec<u8>> {
    list.iter().map(|a| a.as_bytes().to_vec()).collect()
}

fn scan(list: &[&str]) -> Vec<Opt> {
    getopt(&args(list), OPTSTRING, false)
}

fn found(c: u8, arg: Option<&str>) -> Opt {
    Opt::Found(c, arg.map(|a| a.as_bytes().to_vec()))
}

#[test]
fn clusters_attached_and_separate_arguments() {
    assert_eq!(
        scan(&["-gl", "-a64", "-b", "/dev/sdb"]),
        vec![
            found(b'g', None),
            found(b'l', None),
            found(b'a', Some("64")),
            found(b'b', Some("/dev/sdb"))
        ]
    );
    // an argument is the next word whatever it looks like
    assert_eq!(scan(&["-a", "-l"]), vec![found(b'a', Some("-l"))]);
    assert_eq!(
        scan(&["-ga", "--"]),
        vec![found(b'g', None), found(b'a', Some("--"))]
    );
}

#[test]
fn non_options_are_skipped_and_double_dash_ends() {
    assert_eq!(
        scan(&["list", "-", "-l", "x", "--", "-q"]),
        vec![found(b'l', None)]
    );
    assert_eq!(
        getopt(&args(&["list", "-l"]), OPTSTRING, true),
        vec![],
        "POSIXLY_CORRECT stops at the first non-option"
    );
}

#[test]
fn failures_stop_the_scan_and_have_glibc_diagnostics() {
    let got = scan(&["-l", "-z", "-q"]);
    assert_eq!(got, vec![found(b'l', None), Opt::Invalid(b'z')]);
    assert_eq!(
        got[1].diagnostic(b"./rapiddisk").unwrap(),
        b"./rapiddisk: invalid option -- 'z'"
    );
    let got = scan(&["-g", "-a"]);
    assert_eq!(got[1], Opt::MissingArgument(b'a'));
    assert_eq!(
        got[1].diagnostic(b"rapiddisk").unwrap(),
        b"rapiddisk: option requires an argument -- 'a'"
    );
    // long options do not exist: "--attach" is the invalid option '-'
    assert_eq!(scan(&["--attach", "64"]), vec![Opt::Invalid(b'-')]);
    assert_eq!(scan(&["-:"]), vec![Opt::Invalid(b':')]);
    assert_eq!(found(b'l', None).diagnostic(b"x"), None);
}

#[test]
fn question_mark_is_declared_with_an_argument() {
    assert_eq!(scan(&["-?"]), vec![Opt::MissingArgument(b'?')]);
    assert_eq!(scan(&["-?x"]), vec![found(b'?', Some("x"))]);
}

extern "C" {
    static mut optind: c_int;
    static mut optarg: *mut c_char;
    static mut opterr: c_int;
    static mut optopt: c_int;
}

/// glibc's getopt is global state: one caller at a time.
static GLIBC: Mutex<()> = Mutex::new(());

/// The same scan done by the C library's getopt (with a leading ':' in the
/// option string so a missing argument is told apart from an unknown
/// option).
fn glibc_scan(list: &[Vec<u8>]) -> Vec<Opt> {
    let _guard = GLIBC.lock().unwrap();
    let owned: Vec<CString> = std::iter::once(b"rapiddisk".to_vec())
        .chain(list.iter().cloned())
        .map(|a| CString::new(a).unwrap())
        .collect();
    let mut argv: Vec<*mut c_char> = owned.iter().map(|a| a.as_ptr() as *mut c_char).collect();
    argv.push(std::ptr::null_mut());
    let optstring = CString::new([b":", OPTSTRING].concat()).unwrap();
    let mut out = Vec::new();
    // SAFETY: argv holds valid C strings that outlive the scan (glibc only
    // permutes the pointer array); the globals are guarded by GLIBC.
    unsafe {
        optind = 0; // full re-initialisation
        opterr = 0;
        loop {
            let c = libc::getopt(owned.len() as c_int, argv.as_mut_ptr(), optstring.as_ptr());
            if c == -1 {
                break;
            }
            let arg =
                (!optarg.is_null()).then(|| std::ffi::CStr::from_ptr(optarg).to_bytes().to_vec());
            let c = c as u8;
            let opt = match c {
                b':' => Opt::MissingArgument(optopt as u8),
                // '?' is also a declared option (with an argument, so
                // optarg is set); an unknown option leaves optarg null
                b'?' if arg.is_none() => Opt::Invalid(optopt as u8),
                _ => Opt::Found(
                    c,
                    takes_argument(OPTSTRING, c).unwrap().then(|| arg.unwrap()),
                ),
            };
            let failed = !matches!(opt, Opt::Found(..));
            out.push(opt);
            if failed {
                break;
            }
        }
    }
    out
}

#[test]
fn agrees_with_glibc_on_generated_command_lines() {
    let words = [
        "-a", "64", "-a64", "-gl", "-j", "--", "-", "x", "-z", "-?", "-V", "-hq", "-p", "wb", "-b",
        "-P1", "-ab", "--attach", "-c", "-lgjm", "rd0", "-:", "-Ux", "-e", "-N",
    ];
    // a small deterministic generator: every line of up to 5 words from a
    // walk over the word list
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    for _ in 0..3000 {
        let len = next(6);
        let line: Vec<Vec<u8>> = (0..len)
            .map(|_| words[next(words.len())].as_bytes().to_vec())
            .collect();
        assert_eq!(
            getopt(&line, OPTSTRING, false),
            glibc_scan(&line),
            "{:?}",
            line.iter()
                .map(|w| String::from_utf8_lossy(w))
                .collect::<Vec<_>>()
        );
    }
}
