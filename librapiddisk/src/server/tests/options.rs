//! The daemon's command line (spec §6.1).

use super::super::options::{parse, port, Outcome, Parsed, Tls, DEFAULT_PORT};

fn run(list: &[&str]) -> Parsed {
    let args: Vec<Vec<u8>> = list.iter().map(|a| a.as_bytes().to_vec()).collect();
    parse(b"rapiddiskd", &args, false)
}

fn options(list: &[&str]) -> super::super::options::Options {
    match run(list).outcome {
        Outcome::Run(o) => o,
        other => panic!("{list:?}: {other:?}"),
    }
}

fn fail(list: &[&str]) -> String {
    match run(list).outcome {
        Outcome::Fail(m) => String::from_utf8(m).unwrap(),
        other => panic!("{list:?}: {other:?}"),
    }
}

#[test]
fn port_checks_in_order() {
    let range = Err("The provided port number should be > 0 and <= 65535.");
    let nan = Err("The provided port is not a number.");
    assert_eq!(port(b"9555"), Ok(9555));
    assert_eq!(port(b"80x"), Ok(80));
    assert_eq!(port(b" +81"), Ok(81));
    assert_eq!(port(b"65535"), Ok(65535));
    assert_eq!(port(b"65536"), range);
    assert_eq!(port(b"0"), range);
    assert_eq!(port(b"-1"), range);
    assert_eq!(port(b"123456"), range);
    assert_eq!(port(b"000080"), range, "six characters, whatever they say");
    assert_eq!(port(b"abcdefg"), range, "length is checked first");
    assert_eq!(port(b"abc"), nan);
    assert_eq!(port(b""), nan);
    assert_eq!(port(b"x80"), nan);
}

#[test]
fn flags() {
    let o = options(&[]);
    assert_eq!(
        (o.foreground, o.verbose, o.port),
        (false, false, DEFAULT_PORT)
    );
    let o = options(&["-d"]);
    assert_eq!((o.foreground, o.verbose), (true, true));
    let o = options(&["-V", "-p", "9555"]);
    assert_eq!((o.foreground, o.verbose, o.port), (false, true, 9555));
    assert_eq!(options(&["-p9556"]).port, 9556);
    assert_eq!(run(&["-h", "-p", "0"]).outcome, Outcome::Help);
    assert_eq!(run(&["-v"]).outcome, Outcome::Version);
    assert_eq!(
        fail(&["-p", "0", "-h"]),
        "The provided port number should be > 0 and <= 65535."
    );
}

#[test]
fn invalid_options_mean_foreground() {
    for args in [&["-x"][..], &["-?"], &["-p"], &["-dx"]] {
        let o = options(args);
        assert_eq!((o.foreground, o.verbose), (true, true), "{args:?}");
    }
    // getopt's diagnostics, and parsing goes on past them
    let p = run(&["-x", "-p", "9000", "-y"]);
    assert_eq!(
        p.diagnostics,
        [
            b"rapiddiskd: invalid option -- 'x'".to_vec(),
            b"rapiddiskd: invalid option -- 'y'".to_vec()
        ]
    );
    match p.outcome {
        Outcome::Run(o) => assert_eq!((o.port, o.foreground), (9000, true)),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        run(&["-p"]).diagnostics,
        [b"rapiddiskd: option requires an argument -- 'p'".to_vec()]
    );
    assert_eq!(run(&["-?"]).diagnostics, Vec::<Vec<u8>>::new());
}

#[test]
fn long_options() {
    let o = options(&["--listen", "127.0.0.1", "--token-file=/etc/t"]);
    assert_eq!(o.listen, Some("127.0.0.1".parse().unwrap()));
    assert_eq!(
        o.token_file.as_deref(),
        Some(std::path::Path::new("/etc/t"))
    );
    assert_eq!(
        options(&["--listen=::1"]).listen,
        Some("::1".parse().unwrap())
    );
    assert_eq!(
        options(&["--listen", "[fe80::1]"]).listen,
        Some("fe80::1".parse().unwrap())
    );
    let o = options(&["--tls-cert", "c.pem", "--tls-key", "k.pem"]);
    assert_eq!(
        o.tls,
        Some(Tls {
            cert: "c.pem".into(),
            key: "k.pem".into()
        })
    );
    assert_eq!(
        fail(&["--tls-cert", "c.pem"]),
        "--tls-cert and --tls-key go together."
    );
    assert_eq!(
        fail(&["--listen", "localhost"]),
        "--listen: not an IPv4 or IPv6 address: localhost"
    );
    assert_eq!(
        fail(&["--listen", "1.2.3.4:80"]),
        "--listen: not an IPv4 or IPv6 address: 1.2.3.4:80"
    );
    // a mistake in a long option stops the start instead of serving open
    let p = run(&["--token", "/etc/t"]);
    assert_eq!(
        p.diagnostics,
        [b"rapiddiskd: unrecognized option '--token'".to_vec()]
    );
    assert_eq!(p.outcome, Outcome::Fail(Vec::new()));
    let p = run(&["--token-file"]);
    assert_eq!(
        p.diagnostics,
        [b"rapiddiskd: option '--token-file' requires an argument".to_vec()]
    );
    assert_eq!(p.outcome, Outcome::Fail(Vec::new()));
}
