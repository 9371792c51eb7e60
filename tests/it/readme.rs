//! The README and `docs/` as a user reads them.
//!
//! - The README shows files, not copies: every fenced block is preceded by a line
//!   `<!-- example: PATH -->` and is, byte for byte, the file at PATH under `examples/`, so an
//!   example that CI runs is the example a user reads.
//! - Every relative link of the README and of `docs/*.md` resolves to a file of the repository
//!   (and a `#fragment` to one of its headings); no link points outside the repository, and no
//!   text cites a document that is not in it.
//! - The install commands give the versions the SDK suites pin.
//! - The shell examples parse, and the commands of `examples/shell/from-source.sh` do what its
//!   comments say.
//! - `docs/errors.md` lists every code the emulator can answer, with its status and message.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::helpers::{admin, spawn_default};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(relative: &str) -> String {
    std::fs::read_to_string(root().join(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

/// A fenced code block: the index of its opening line and its content.
struct Block {
    line: usize,
    body: String,
}

/// The opening fence of a line (three or more backticks or tildes, indented by at most 3
/// spaces), if it is one.
fn fence_of(line: &str) -> Option<String> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = &line[indent..];
    let c = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let run = rest.chars().take_while(|x| *x == c).count();
    (indent < 4 && run >= 3).then(|| c.to_string().repeat(run))
}

/// The fenced blocks of a Markdown text, and its lines with those blocks blanked out.
fn fenced_blocks(text: &str) -> (Vec<Block>, Vec<String>) {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut blocks = Vec::new();
    let mut prose = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(fence) = fence_of(lines[i]) else {
            prose.push(lines[i].trim_end_matches('\n').to_owned());
            i += 1;
            continue;
        };
        let start = i;
        let mut body = String::new();
        i += 1;
        while i < lines.len() && !is_closing(lines[i], &fence) {
            body.push_str(lines[i]);
            i += 1;
        }
        assert!(
            i < lines.len(),
            "the block opened on line {} never closes",
            start + 1
        );
        blocks.push(Block { line: start, body });
        for _ in start..=i {
            prose.push(String::new());
        }
        i += 1;
    }
    (blocks, prose)
}

fn is_closing(line: &str, fence: &str) -> bool {
    let t = line.trim();
    t.starts_with(fence) && t.chars().all(|c| fence.starts_with(c))
}

#[test]
fn every_block_of_the_readme_is_an_example_file() {
    let readme = read("README.md");
    let lines: Vec<&str> = readme.split_inclusive('\n').collect();
    let (blocks, _) = fenced_blocks(&readme);
    for block in &blocks {
        let at = block.line + 1;
        let marker = block
            .line
            .checked_sub(1)
            .map(|i| lines[i].trim())
            .unwrap_or_default();
        let Some(path) = marker
            .strip_prefix("<!-- example:")
            .and_then(|rest| rest.strip_suffix("-->"))
            .map(str::trim)
        else {
            panic!(
                "README line {at}: a code block without `<!-- example: PATH -->` on the line \
                 before it; every block of the README is a file under examples/"
            );
        };
        assert!(
            path.starts_with("examples/"),
            "README line {at}: {path} is not under examples/"
        );
        let file = read(path);
        assert_eq!(
            block.body, file,
            "README line {at}: the block differs from {path}; copy the file into the README"
        );
    }
    let markers = lines
        .iter()
        .filter(|l| l.trim().starts_with("<!-- example:"))
        .count();
    assert_eq!(
        markers,
        blocks.len(),
        "an example marker that is not followed by a code block"
    );
    assert!(blocks.len() >= 8, "only {} example blocks", blocks.len());
}

/// The Markdown files whose links and text are checked: the README and every file of docs/.
fn documents() -> Vec<String> {
    let mut docs = vec!["README.md".to_owned()];
    for entry in std::fs::read_dir(root().join("docs"))
        .expect("docs/")
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".md") {
            docs.push(format!("docs/{name}"));
        }
    }
    docs.sort();
    docs
}

/// A text without its inline code spans, which may run over a line break; the line breaks
/// inside a span are kept, so that line numbers stay.
fn without_code_spans(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find('`') {
        out.push_str(&rest[..start]);
        let run = rest[start..].chars().take_while(|c| *c == '`').count();
        let ticks = "`".repeat(run);
        match rest[start + run..].find(&ticks) {
            Some(end) => {
                let span = &rest[start..start + run + end + run];
                out.extend(span.chars().filter(|c| *c == '\n'));
                rest = &rest[start + run + end + run..];
            }
            None => {
                out.push_str(&ticks);
                rest = &rest[start + run..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The targets of the inline links and images of a line of prose.
fn link_targets(line: &str) -> Vec<String> {
    let mut targets = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("](") {
        let after = &rest[at + 2..];
        let end = after.find(')').unwrap_or(after.len());
        let target = after[..end].split_whitespace().next().unwrap_or_default();
        targets.push(target.trim_matches(|c| c == '<' || c == '>').to_owned());
        rest = &after[end..];
    }
    // Reference definitions: `[name]: target`.
    let t = line.trim_start();
    if t.starts_with('[')
        && let Some((_, target)) = t.split_once("]: ")
    {
        targets.push(target.trim().to_owned());
    }
    targets
}

/// The anchors GitHub gives the headings of a Markdown text.
fn heading_anchors(text: &str) -> BTreeSet<String> {
    let (_, prose) = fenced_blocks(text);
    let mut anchors = BTreeSet::new();
    for line in prose {
        let Some(title) = line
            .strip_prefix('#')
            .map(|l| l.trim_start_matches('#'))
            .and_then(|l| l.strip_prefix(' '))
        else {
            continue;
        };
        let slug: String = title
            .trim()
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
            .map(|c| if c == ' ' { '-' } else { c })
            .collect();
        let mut candidate = slug.clone();
        let mut n = 0;
        while anchors.contains(&candidate) {
            n += 1;
            candidate = format!("{slug}-{n}");
        }
        anchors.insert(candidate);
    }
    anchors
}

#[test]
fn every_link_of_the_readme_and_docs_stays_in_the_repository_and_resolves() {
    let repo = root().canonicalize().expect("repository");
    let mut problems = Vec::new();
    for doc in documents() {
        let text = read(&doc);
        let dir = Path::new(&doc).parent().unwrap_or(Path::new(""));
        let (_, prose) = fenced_blocks(&text);
        let prose = without_code_spans(&prose.join("\n"));
        for (n, line) in prose.lines().enumerate() {
            let at = format!("{doc}:{}", n + 1);
            if line.contains("://") || line.contains("<mailto:") {
                problems.push(format!("{at}: an address outside the repository: {line}"));
            }
            for target in link_targets(line) {
                if target.contains("://") || target.starts_with("mailto:") {
                    problems.push(format!("{at}: a link outside the repository: {target}"));
                    continue;
                }
                let (path, fragment) = target.split_once('#').unwrap_or((&target, ""));
                let file = if path.is_empty() {
                    root().join(&doc)
                } else {
                    root().join(dir).join(path)
                };
                let Ok(resolved) = file.canonicalize() else {
                    problems.push(format!("{at}: {target}: no such file"));
                    continue;
                };
                if !resolved.starts_with(&repo) {
                    problems.push(format!("{at}: {target}: outside the repository"));
                    continue;
                }
                if !fragment.is_empty() && resolved.extension().is_some_and(|e| e == "md") {
                    let target_text = std::fs::read_to_string(&resolved).unwrap_or_default();
                    if !heading_anchors(&target_text).contains(fragment) {
                        problems.push(format!("{at}: {target}: no heading #{fragment} there"));
                    }
                }
            }
        }
        // Text, code included: no document outside the repository is cited.
        for (n, line) in text.lines().enumerate() {
            let at = format!("{doc}:{}", n + 1);
            if line.contains("../shared") {
                problems.push(format!("{at}: cites ../shared, outside the repository"));
            }
            for (i, _) in line.match_indices("SPEC") {
                let after = line[i + 4..].trim_start();
                let after = after
                    .strip_prefix("section")
                    .map(str::trim_start)
                    .unwrap_or(after);
                if after.starts_with(|c: char| c.is_ascii_digit()) || after.starts_with(".md") {
                    problems.push(format!(
                        "{at}: cites the specification, which is not in the repository: {line}"
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `name==1.2.3`, `@scope/name@1.2.3`, `module@v1.2.3` and `group:artifact:1.2.3` tokens of a
/// text, outside prose words.
fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == '`' || c == '|' || c == ',')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_install_commands_give_the_versions_the_suites_pin() {
    let requirements = read("tests/sdk/requirements.txt").to_lowercase();
    let package: serde_json::Value =
        serde_json::from_str(&read("tests/sdk/node/package.json")).expect("package.json");
    let go_mod = read("tests/sdk/go/go.mod");
    let pom = read("tests/sdk/java/pom.xml");
    let mut checked = 0;
    let mut problems = Vec::new();
    for doc in [
        "docs/clients.md",
        "examples/python/install.sh",
        "examples/node/install.sh",
    ] {
        let text = read(doc);
        for line in text.lines() {
            for token in tokens(line) {
                if let Some((name, version)) = token.split_once("==") {
                    checked += 1;
                    if !requirements
                        .lines()
                        .any(|l| l.trim() == format!("{}=={version}", name.to_lowercase()))
                    {
                        problems.push(format!(
                            "{doc}: {token} is not pinned so in requirements.txt"
                        ));
                    }
                } else if line.contains("npm install") && token.starts_with("@alicloud/") {
                    let Some((name, version)) = token.rsplit_once('@') else {
                        continue;
                    };
                    if name.is_empty() {
                        problems.push(format!("{doc}: {token} has no version"));
                        continue;
                    }
                    checked += 1;
                    if package["dependencies"][name] != version {
                        problems.push(format!(
                            "{doc}: {token}, but package.json pins {}",
                            package["dependencies"][name]
                        ));
                    }
                } else if line.contains("go get")
                    && token.starts_with("github.com/")
                    && !token.starts_with("github.com/aliyun-vpc-emulator/")
                {
                    let Some((module, version)) = token.split_once('@') else {
                        problems.push(format!("{doc}: {token} has no version"));
                        continue;
                    };
                    checked += 1;
                    if !go_mod.lines().any(|l| {
                        let mut words = l.split_whitespace();
                        let first = words.next();
                        let (m, v) = if first == Some("require") {
                            (words.next(), words.next())
                        } else {
                            (first, words.next())
                        };
                        m == Some(module) && v == Some(version)
                    }) {
                        problems.push(format!("{doc}: {token} is not required so in go.mod"));
                    }
                } else if (token.starts_with("com.aliyun:")
                    || token.starts_with("org.junit.jupiter:"))
                    && token.matches(':').count() == 2
                {
                    let mut parts = token.split(':');
                    let (_, artifact, version) = (
                        parts.next(),
                        parts.next().unwrap_or_default(),
                        parts.next().unwrap_or_default(),
                    );
                    checked += 1;
                    let pinned = pom
                        .split_once(&format!("<artifactId>{artifact}</artifactId>"))
                        .and_then(|(_, after)| after.split_once("<version>"))
                        .and_then(|(_, after)| after.split_once("</version>"))
                        .map(|(v, _)| v.to_owned());
                    if pinned.as_deref() != Some(version) {
                        problems.push(format!("{doc}: {token}, but pom.xml pins {pinned:?}"));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(checked >= 15, "only {checked} pinned versions found");
}

/// Every shell file under examples/.
fn shell_examples(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("examples/").flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() && name != "node_modules" && name != "target" {
            shell_examples(&path, out);
        } else if path.extension().is_some_and(|e| e == "sh") {
            out.push(path);
        }
    }
}

#[test]
fn every_shell_example_parses() {
    let mut files = Vec::new();
    shell_examples(&root().join("examples"), &mut files);
    assert!(files.len() >= 5, "{files:?}");
    for file in files {
        let out = Command::new("bash")
            .arg("-n")
            .arg(&file)
            .output()
            .expect("bash");
        assert!(
            out.status.success(),
            "{}: {}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// An unsigned `DescribeSslVpnClientCerts` of `cn-hangzhou` (lenient mode serves it as the
/// root): the status and the body.
fn list_certificates(port: u16) -> (u16, String) {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(
        stream,
        "GET /?Action=DescribeSslVpnClientCerts&Version=2016-04-28&RegionId=cn-hangzhou HTTP/1.1\r\n\
         host: 127.0.0.1\r\nconnection: close\r\n\r\n"
    )
    .expect("write");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_default();
    (status, answer)
}

/// The README's from-source commands, one by one: `cargo run --release` is the crate's one
/// binary started with no flags (here on a free port through `VPC_EMULATOR_PORT`, since 8080
/// may be taken), which serves the embedded default fixtures; `./scripts/test` is what CI runs;
/// `cargo install --path .` installs the binary under the name the Go and Java helpers look for.
#[test]
fn the_from_source_commands_do_what_they_say() {
    let file = "examples/shell/from-source.sh";
    let cargo_toml = read("Cargo.toml");
    let bins: Vec<&str> = cargo_toml.split("[[bin]]").skip(1).collect();
    assert_eq!(
        bins.len(),
        1,
        "cargo run needs --bin with more than one binary"
    );
    assert!(
        bins[0].contains("name = \"aliyun-vpc-emulator\""),
        "the binary is not aliyun-vpc-emulator"
    );
    let mut commands = 0;
    for line in read(file).lines() {
        let command = line.split(" #").next().unwrap_or_default().trim();
        if command.is_empty() || command.starts_with('#') {
            continue;
        }
        commands += 1;
        match command {
            "cargo run --release" => {
                assert!(line.contains("http://127.0.0.1:8080"), "{line}");
                let help = Command::new(crate::cli::BIN)
                    .arg("--help")
                    .output()
                    .expect("--help");
                let help = String::from_utf8_lossy(&help.stdout);
                assert!(
                    help.contains("[default: 8080]") && help.contains("[default: 127.0.0.1]"),
                    "{help}"
                );
                let (mut child, port) = crate::cli::start(&[], &[("VPC_EMULATOR_PORT", "0")]);
                let (status, body) = list_certificates(port);
                assert_eq!(status, 200, "{body}");
                assert!(
                    body.contains("vsc-bp1emulator0000000001") && body.contains("cert1"),
                    "not the default fixtures: {body}"
                );
                assert_eq!(crate::cli::terminate(&mut child), Some(0));
            }
            "./scripts/test" => {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(root().join("scripts/test"))
                    .expect("scripts/test")
                    .permissions()
                    .mode();
                assert!(mode & 0o111 != 0, "scripts/test is not executable");
                assert!(
                    read(".ci/run")
                        .lines()
                        .any(|l| l.trim() == "exec ./scripts/test"),
                    ".ci/run does not run exactly ./scripts/test"
                );
            }
            "cargo install --path ." => {
                assert!(
                    read("go/vpcemulator.go").contains("BinaryName = \"aliyun-vpc-emulator\""),
                    "the Go helper looks for another name"
                );
                assert!(
                    read("java/src/main/java/io/github/aliyunvpcemulator/junit/Emulator.java")
                        .contains("BINARY_NAME = \"aliyun-vpc-emulator\""),
                    "the Java helper looks for another name"
                );
            }
            other => panic!("{file}: this test does not know how to check `{other}`"),
        }
    }
    assert_eq!(commands, 3, "{file}");
}

/// A cell's first `code span`.
fn first_code(cell: &str) -> Option<&str> {
    let start = cell.find('`')? + 1;
    let end = cell[start..].find('`')? + start;
    Some(&cell[start..end])
}

#[tokio::test]
async fn the_error_catalogue_lists_every_code_with_its_status_and_message() {
    let app = spawn_default().await;
    let answer = admin("GET", "catalogue", "").send(&app).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let catalogue = answer.json();
    let limit = app.state.config.max_body_bytes.to_string();
    // The rows of docs/errors.md's table: HTTP, code, message (placeholders filled as the
    // catalogue fills them: every parameter `P`, the body limit, no string to sign).
    let doc = read("docs/errors.md");
    let rows: Vec<(String, String, String)> = doc
        .lines()
        .filter(|l| l.starts_with("| 4") || l.starts_with("| 5"))
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            // The catalogue shows a code's parameter as `{P}`, as the page does.
            let code = first_code(cells.get(2)?)?.to_owned();
            let message = first_code(cells.get(3)?)?
                .replace("{Action}", "{P}")
                .replace("{N}", &limit)
                .replace("{StringToSign}", "")
                .replace("{version}", env!("CARGO_PKG_VERSION"));
            Some((cells[1].to_owned(), code, message))
        })
        .collect();
    let codes = catalogue["Codes"].as_array().expect("Codes");
    assert!(codes.len() >= 40, "{catalogue}");
    for entry in codes {
        let wanted = (
            entry["HttpStatus"].to_string(),
            entry["Code"].as_str().unwrap_or_default().to_owned(),
            entry["Message"].as_str().unwrap_or_default().to_owned(),
        );
        assert!(
            rows.contains(&wanted),
            "docs/errors.md has no row `| {} | {} | {} |`",
            wanted.0,
            wanted.1,
            wanted.2
        );
    }
    for (_, code, _) in &rows {
        assert!(
            codes.iter().any(|c| c["Code"] == code.as_str()),
            "docs/errors.md lists {code}, which the emulator never answers"
        );
    }
}
