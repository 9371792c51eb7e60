//! The README shows files, not copies: a fenced block right after a line
//! `<!-- example: PATH -->` must be, byte for byte, the file at PATH (relative to the
//! repository), so an example that CI runs is the example a user reads.

use std::path::PathBuf;

#[test]
fn every_example_block_of_the_readme_is_its_file() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let lines: Vec<&str> = readme.split_inclusive('\n').collect();
    let mut checked = 0;
    for (i, line) in lines.iter().enumerate() {
        let Some(path) = line
            .trim()
            .strip_prefix("<!-- example:")
            .and_then(|rest| rest.strip_suffix("-->"))
            .map(str::trim)
        else {
            continue;
        };
        let fence = lines.get(i + 1).map(|l| l.trim_end()).unwrap_or_default();
        assert!(
            fence.starts_with("```"),
            "README line {}: the example marker for {path} is not followed by a fenced block",
            i + 1
        );
        let body: String = lines[i + 2..]
            .iter()
            .take_while(|l| l.trim_end() != "```")
            .copied()
            .collect();
        let file = std::fs::read_to_string(root.join(path))
            .unwrap_or_else(|e| panic!("README line {}: {path}: {e}", i + 1));
        assert_eq!(
            body,
            file,
            "README line {}: the block differs from {path}; copy the file into the README",
            i + 1
        );
        checked += 1;
    }
    assert!(checked >= 3, "only {checked} example blocks found");
}
