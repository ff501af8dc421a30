//! `docgen [--check] SCHEMA_JSON REPO_ROOT`: renders the Registry docs from
//! `terraform providers schema -json` (a file, or `-` for stdin) and the
//! repository's examples and guides, and writes them under `REPO_ROOT/docs`;
//! with `--check` it writes nothing and lists the stale, missing and extra
//! pages instead. `scripts/docs.sh` runs it.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: docgen [--check] SCHEMA_JSON REPO_ROOT
  SCHEMA_JSON  the output of `terraform providers schema -json`, or - for stdin
  REPO_ROOT    the repository: examples/ and docs/guides are read, docs/ written
  --check      write nothing; list stale, missing and extra pages, exit 1 if any";

/// What the command line asks for.
struct Args {
    /// Compare instead of writing.
    check: bool,
    /// The schema JSON file; `None` for stdin.
    schema: Option<PathBuf>,
    /// The repository root.
    root: PathBuf,
}

/// Parses the arguments after the program name; `None` asks for the usage.
fn parse_args(args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut check = false;
    let mut positional = Vec::new();
    for arg in args {
        match arg.as_str() {
            "--check" => check = true,
            "-h" | "--help" => return Ok(None),
            "-" => positional.push(arg),
            flag if flag.starts_with('-') => return Err(format!("unknown option {flag}")),
            _ => positional.push(arg),
        }
    }
    let [schema, root] = <[String; 2]>::try_from(positional).map_err(|given| {
        format!(
            "expected SCHEMA_JSON and REPO_ROOT, got {} arguments",
            given.len()
        )
    })?;
    Ok(Some(Args {
        check,
        schema: (schema != "-").then(|| PathBuf::from(schema)),
        root: PathBuf::from(root),
    }))
}

/// Reads and parses the schema JSON.
fn read_schema(file: Option<&Path>) -> Result<serde_json::Value, String> {
    let (name, text) = match file {
        Some(path) => (
            path.display().to_string(),
            std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?,
        ),
        None => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| format!("stdin: {e}"))?;
            ("stdin".to_string(), text)
        }
    };
    serde_json::from_str(&text).map_err(|e| format!("{name}: not JSON: {e}"))
}

/// Renders, then checks or writes; `Ok(false)` when `--check` found differences.
fn run(args: &Args) -> Result<bool, String> {
    let schema = read_schema(args.schema.as_deref())?;
    let files = docgen::render(&schema, &args.root)?;
    let differences = docgen::differences(&args.root, &files)?;
    for difference in &differences {
        println!("{difference}");
    }
    if args.check {
        if !differences.is_empty() {
            eprintln!("docgen: the docs are not fresh: run scripts/docs.sh");
        }
        return Ok(differences.is_empty());
    }
    docgen::write(&args.root, &files)?;
    eprintln!(
        "docgen: {} pages rendered, {} changed",
        files.len(),
        differences.len()
    );
    Ok(true)
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(problem) => {
            eprintln!("docgen: {problem}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(problem) => {
            eprintln!("docgen: {problem}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<Args>, String> {
        parse_args(args.iter().map(|a| a.to_string()))
    }

    #[test]
    fn arguments() {
        let args = parse(&["--check", "schema.json", "."])
            .expect("valid")
            .expect("args");
        assert!(args.check);
        assert_eq!(args.schema, Some(PathBuf::from("schema.json")));
        assert_eq!(args.root, PathBuf::from("."));
        let args = parse(&["-", "/repo"]).expect("valid").expect("args");
        assert!(!args.check);
        assert_eq!(args.schema, None, "- is stdin");
        assert!(parse(&["--help"]).expect("valid").is_none());
        assert!(parse(&["schema.json"]).is_err());
        assert!(parse(&["--write", "schema.json", "."]).is_err());
    }
}
